<?php

declare(strict_types=1);

namespace TgAuth;

use FFI;
use FFI\CData;

/** Arguments as the library takes them. @internal */
final class Input
{
    /** initData, or a whole `Authorization: tma <initData>` value. */
    public static function initData(string $value): string
    {
        return strncasecmp($value, 'tma ', 4) === 0 ? trim(substr($value, 4)) : $value;
    }

    /**
     * "key\0value\0…" and the pair count, for the library's pair forms.
     * @param array<mixed> $fields
     * @return array{string, int}
     */
    public static function pairs(array $fields, string $what): array
    {
        $parts = [];
        foreach ($fields as $key => $value) {
            if (is_bool($value)) {
                $value = $value ? 'true' : 'false';
            } elseif (is_int($value)) {
                $value = (string) $value;
            } elseif (!is_string($value)) {
                throw new \TypeError(sprintf('%s %s must be a string or an int, not %s', $what, $key, get_debug_type($value)));
            }
            $parts[] = (string) $key;
            $parts[] = $value;
        }
        return [implode("\0", $parts), intdiv(count($parts), 2)];
    }

    /**
     * A `tgauth_field` array of the pairs, and the buffers it points into (keep them until the call is done).
     * @param array<mixed> $fields
     * @return array{CData|null, int, list<CData>}
     */
    public static function fields(array $fields): array
    {
        $ffi = Library::ffi();
        $count = count($fields);
        if ($count === 0) {
            return [null, 0, []];
        }
        $array = $ffi->new("tgauth_field[$count]");
        $buffers = [];
        $i = 0;
        foreach ($fields as $key => $value) {
            if (is_array($value)) {
                $value = json_encode($value, JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
            }
            foreach (['key' => (string) $key, 'value' => (string) $value] as $member => $text) {
                $buffer = $ffi->new('char[' . max(1, strlen($text)) . ']');
                FFI::memcpy($buffer, $text, strlen($text));
                $buffers[] = $buffer;
                $array[$i]->$member = FFI::cast('const char *', FFI::addr($buffer[0]));
                $array[$i]->{$member . '_len'} = strlen($text);
            }
            $i++;
        }
        return [$array, $count, $buffers];
    }
}
