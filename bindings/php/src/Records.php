<?php

declare(strict_types=1);

namespace TgAuth;

/**
 * Reads the library's result records (tgauth_record.h) into the result classes (generated/Results.php).
 *
 * A record is its shape, then its values, then the unknown fields, all NUL-separated. The shape says which
 * optional fields are present; the values follow the schema's field order (Schema::FIELDS), the same walk
 * the library's writer makes. Real data comes in few shapes, so the walk is made once per shape (`plan`):
 * it yields, for each constructor argument, where its value is (a part of the record, a flag the shape
 * fixes, or a nested plan), and reading a record of a known shape only copies parts to places.
 * @internal
 */
final class Records
{
    private const STRING = 0;
    private const INT = 1;
    private const FLOAT = 2;
    private const TRUE = 3;
    private const FALSE = 4;

    private const NESTED = 5;

    /** @var array<string, array<mixed>> */
    private static array $plans = [];

    public static function read(string $record): object
    {
        $parts = explode("\0", $record);
        return self::build(self::$plans[$parts[0]] ?? self::plan($parts[0]), $parts);
    }

    /**
     * An object of `$plan` from the record's parts. A plan is [class, the constructor's arguments as the shape
     * fixes them (flags set, absent members null), then place => part maps for the strings, the ints and the
     * floats, place => plan for nested objects, and where the unknown fields start (or -1)]. Arguments go
     * by place, not by name: PHP passes them faster.
     * @param array{class-string, list<mixed>, array<int, int>, array<int, int>, array<int, int>, array<int, array<mixed>>, int, int} $plan
     * @param list<string> $parts
     */
    private static function build(array $plan, array $parts): object
    {
        $args = $plan[1];
        foreach ($plan[2] as $place => $at) {
            $args[$place] = $parts[$at];
        }
        foreach ($plan[3] as $place => $at) {
            $args[$place] = (int) $parts[$at];
        }
        if ($plan[4]) {
            foreach ($plan[4] as $place => $at) {
                $args[$place] = (float) $parts[$at];
            }
        }
        if ($plan[5]) {
            foreach ($plan[5] as $place => $nested) {
                $args[$place] = self::build($nested, $parts);
            }
        }
        if ($plan[6] >= 0) {
            $extras = [];
            for ($i = $plan[6], $n = count($parts); $i + 1 < $n; $i += 2) {
                $extras[$parts[$i]] = $parts[$i + 1];
            }
            $args[$plan[7]] = $extras;
        }
        return new $plan[0](...$args);
    }

    /** The plan of records of `$shape`. */
    private static function plan(string $shape): array
    {
        $name = Schema::MARKS[$shape[0]] ?? throw new \UnexpectedValueException("tgauth: unknown record shape $shape");
        $s = 1;
        $at = 1;
        $steps = self::walk($name, $shape, $s, $at, null);
        if ($s !== strlen($shape)) {
            throw new \UnexpectedValueException("tgauth: record shape $shape does not fit $name");
        }
        $plan = self::placed(__NAMESPACE__ . '\\' . $name, $steps, isset(Schema::EXTRAS[$name]) ? $at : -1);
        if (count(self::$plans) < 1024) {
            self::$plans[$shape] = $plan;
        }
        return $plan;
    }

    /**
     * The plan of a class from its steps (see build()).
     * @param class-string $class
     * @param list<array{string, int, mixed}> $steps
     * @return array{class-string, list<mixed>, array<int, int>, array<int, int>, array<int, int>, array<int, array<mixed>>, int, int}
     */
    private static function placed(string $class, array $steps, int $extrasAt): array
    {
        $args = [];
        $places = [];
        foreach ((new \ReflectionMethod($class, '__construct'))->getParameters() as $parameter) {
            $places[$parameter->getName()] = $parameter->getPosition();
            $args[] = $parameter->isDefaultValueAvailable() ? $parameter->getDefaultValue() : null;
        }
        $plan = [$class, $args, [], [], [], [], $extrasAt, $places['extras'] ?? -1];
        foreach ($steps as [$name, $how, $at]) {
            $place = $places[$name];
            match ($how) {
                self::TRUE, self::FALSE => $plan[1][$place] = $how === self::TRUE,
                self::STRING => $plan[2][$place] = $at,
                self::INT => $plan[3][$place] = $at,
                self::FLOAT => $plan[4][$place] = $at,
                self::NESTED => $plan[5][$place] = $at,
            };
        }
        return $plan;
    }

    /**
     * Object `$name`'s steps from shape byte `$s` and part `$at`. `$keep` names the fields a flattened object
     * carries (the others are walked over), or is null.
     * @param list<string>|null $keep
     * @return list<array{string, int, mixed}>
     */
    private static function walk(string $name, string $shape, int &$s, int &$at, ?array $keep): array
    {
        $steps = [];
        foreach (Schema::FIELDS[$name] as [$field, $kind, $required, $flatten]) {
            $stored = $keep === null || in_array($field, $keep, true);
            if ($kind === 'bool') {
                $flag = $shape[$s++];
                if ($flag !== '-' && $stored) {
                    $steps[] = [$field, $flag === '1' ? self::TRUE : self::FALSE, 0];
                }
            } elseif ($kind === 'string' || $kind === 'int' || $kind === 'number') {
                if ($required || $shape[$s++] === '1') {
                    if ($stored) {
                        $steps[] = [$field, ['string' => self::STRING, 'int' => self::INT, 'number' => self::FLOAT][$kind], $at];
                    }
                    $at++;
                }
            } elseif ($flatten !== null) {  // the widget's user: its fields are the result's own
                array_push($steps, ...self::walk($kind, $shape, $s, $at, $flatten));
            } elseif ($shape[$s] === '0') {
                $s++;
            } else {
                $nested = Schema::MARKS[$shape[$s++]];
                $steps[] = [$field, self::NESTED, self::placed(__NAMESPACE__ . '\\' . $nested, self::walk($nested, $shape, $s, $at, null), -1)];
            }
        }
        return $steps;
    }
}
