<?php

declare(strict_types=1);

namespace TgAuth;

/**
 * Reads the library's result records (tgauth_record.h) into the result classes (generated/Results.php).
 *
 * A record is its shape, then its values, then the unknown fields, all NUL-separated. The shape says which
 * optional fields are present; the values follow the schema's field order (Schema::FIELDS), the same walk
 * the library's writer makes.
 * @internal
 */
final class Records
{
    public static function read(string $record): object
    {
        $parts = explode("\0", $record);
        $shape = $parts[0];
        $name = Schema::MARKS[$shape[0]] ?? throw new \UnexpectedValueException("tgauth: unknown record shape $shape");
        $s = 1;
        $at = 1;
        $args = self::walk($name, $shape, $parts, $s, $at, null);
        if (isset(Schema::EXTRAS[$name])) {
            $extras = [];
            for ($n = count($parts); $at + 1 < $n; $at += 2) {
                $extras[$parts[$at]] = $parts[$at + 1];
            }
            $args['extras'] = $extras;
        }
        $class = __NAMESPACE__ . '\\' . $name;
        return new $class(...$args);
    }

    /**
     * Walks object `$name`'s fields from shape byte `$s` and value `$at`, returning its constructor's named
     * arguments. `$keep` names the fields a flattened object carries (the others are walked over), or is null.
     * @param list<string> $parts
     * @param list<string>|null $keep
     * @return array<string, mixed>
     */
    private static function walk(string $name, string $shape, array $parts, int &$s, int &$at, ?array $keep): array
    {
        $args = [];
        foreach (Schema::FIELDS[$name] as [$field, $kind, $required, $flatten]) {
            $stored = $keep === null || in_array($field, $keep, true);
            if ($kind === 'bool') {
                $flag = $shape[$s++];
                if ($flag !== '-' && $stored) {
                    $args[$field] = $flag === '1';
                }
            } elseif ($kind === 'string' || $kind === 'int' || $kind === 'number') {
                if ($required || $shape[$s++] === '1') {
                    if ($stored) {
                        $value = $parts[$at];
                        $args[$field] = $kind === 'string' ? $value : ($kind === 'int' ? (int) $value : (float) $value);
                    }
                    $at++;
                }
            } elseif ($flatten !== null) {  // the widget's user: its fields are the result's own
                $args += self::walk($kind, $shape, $parts, $s, $at, $flatten);
            } elseif ($shape[$s] === '0') {
                $s++;
            } else {
                $nested = Schema::MARKS[$shape[$s++]];
                $class = __NAMESPACE__ . '\\' . $nested;
                $args[$field] = new $class(...self::walk($nested, $shape, $parts, $s, $at, null));
            }
        }
        return $args;
    }
}
