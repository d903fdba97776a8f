<?php

declare(strict_types=1);

namespace TgAuth;

/**
 * Reads the library's result records (tgauth_record.h) into the result classes (generated/Results.php).
 *
 * A record is its shape, then its values, then the unknown fields, all NUL-separated. The shape says which
 * optional fields are present; the values follow the schema's field order (Schema::FIELDS), the same walk
 * the library's writer makes. Real data comes in few shapes, so the walk is made once per shape (`plan`): it
 * yields, for each constructor argument, its slot (the part holding its value, the flag the shape fixes, a
 * nested plan, or null when absent), and the class's generated fromRecord() builds the object from the
 * record's parts and those slots.
 * @internal
 */
final class Records
{
    /** @var array<string, array{class-string, list<mixed>}> plans by shape */
    private static array $plans = [];

    public static function read(string $record): object
    {
        $parts = explode("\0", $record);
        [$class, $slots] = self::$plans[$parts[0]] ?? self::plan($parts[0]);
        return $class::fromRecord($parts, $slots);
    }

    /**
     * A nested object of the record (fromRecord calls it).
     * @param array{class-string, list<mixed>} $plan
     * @param list<string> $parts
     */
    public static function nested(array $plan, array $parts): object
    {
        return $plan[0]::fromRecord($parts, $plan[1]);
    }

    /**
     * The unknown fields: key and value parts from `$at` on (none when `$at` is -1).
     * @param list<string> $parts
     * @return array<string, string>
     */
    public static function extras(array $parts, int $at): array
    {
        $extras = [];
        for ($n = count($parts); $at >= 0 && $at + 1 < $n; $at += 2) {
            $extras[$parts[$at]] = $parts[$at + 1];
        }
        return $extras;
    }

    /** @return array{class-string, list<mixed>} the plan of records of `$shape` */
    private static function plan(string $shape): array
    {
        $name = Schema::MARKS[$shape[0]] ?? throw new \UnexpectedValueException("tgauth: unknown record shape $shape");
        $s = 1;
        $at = 1;
        $plan = self::walk($name, $shape, $s, $at);
        if ($s !== strlen($shape)) {
            throw new \UnexpectedValueException("tgauth: record shape $shape does not fit $name");
        }
        if (count(self::$plans) < 1024) {
            self::$plans[$shape] = $plan;
        }
        return $plan;
    }

    /**
     * Object `$name`'s plan from shape byte `$s` and part `$at`: its class and its slots in constructor order.
     * @return array{class-string, list<mixed>}
     */
    private static function walk(string $name, string $shape, int &$s, int &$at): array
    {
        $slots = self::fields($name, $shape, $s, $at, null);
        if (isset(Schema::EXTRAS[$name])) {
            $slots['extras'] = $at;  // the unknown fields follow the object's own
        }
        $ordered = [];
        foreach (Schema::PARAMS[$name] as $param) {
            $ordered[] = $slots[$param] ?? null;
        }
        return [__NAMESPACE__ . '\\' . $name, $ordered];
    }

    /**
     * The slots of object `$name`'s fields, by name. `$keep` names the fields a flattened object carries (the
     * others are walked over), or is null.
     * @param list<string>|null $keep
     * @return array<string, mixed>
     */
    private static function fields(string $name, string $shape, int &$s, int &$at, ?array $keep): array
    {
        $slots = [];
        foreach (Schema::FIELDS[$name] as [$field, $kind, $required, $flatten]) {
            $stored = $keep === null || in_array($field, $keep, true);
            if ($kind === 'bool') {
                $flag = $shape[$s++];
                if ($flag !== '-' && $stored) {
                    $slots[$field] = $flag === '1';
                }
            } elseif ($kind === 'string' || $kind === 'int' || $kind === 'number') {
                if ($required || $shape[$s++] === '1') {
                    if ($stored) {
                        $slots[$field] = $at;
                    }
                    $at++;
                }
            } elseif ($flatten !== null) {  // the widget's user: its fields are the result's own
                $slots += self::fields($kind, $shape, $s, $at, $flatten);
            } elseif ($shape[$s] === '0') {
                $s++;
            } else {
                $s++;
                $slots[$field] = self::walk(Schema::MARKS[$shape[$s - 1]], $shape, $s, $at);
            }
        }
        return $slots;
    }
}
