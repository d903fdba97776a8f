<?php

declare(strict_types=1);

namespace TgAuth;

use FFI;

/**
 * libtgauth through PHP's FFI: the declarations of tgauth_ffi.h (generated from the C headers), the library
 * found through TGAUTH_LIBRARY, then libtgauth.so.0 by its soname. Under php-fpm (ffi.enable=preload),
 * preload.php has loaded them once for every request as the scope TGAUTH. Checked once: a library whose
 * record layout is not this package's is refused, not misread.
 */
final class Library
{
    public const SCOPE = 'TGAUTH';
    /** The loaded library once ffi() has run (Call's hot path reads it directly). @internal */
    public static ?FFI $ffi = null;

    public static function ffi(): FFI
    {
        return self::$ffi ??= self::check(self::load());
    }

    /** Where the library is looked for: TGAUTH_LIBRARY, else the soname (the .deb, or make install). */
    public static function path(): string
    {
        $path = getenv('TGAUTH_LIBRARY');
        return is_string($path) && $path !== '' ? $path : 'libtgauth.so.0';
    }

    private static function load(): FFI
    {
        try {
            return FFI::scope(self::SCOPE);  // preloaded (preload.php)
        } catch (\Throwable) {
        }
        try {
            // the header's FFI_SCOPE and FFI_LIB lines are for ffi.preload; FFI::cdef takes no directive
            $header = preg_replace('/^#define FFI_\w+ .*$/m', '', (string) file_get_contents(__DIR__ . '/tgauth_ffi.h'));
            return FFI::cdef((string) $header, self::path());
        } catch (\FFI\Exception $e) {
            throw new \RuntimeException(sprintf(
                'tgauth: cannot load %s (%s). Set TGAUTH_LIBRARY to the path of libtgauth.so, or install the library '
                . '(the libtgauth0 .deb, or make install); under php-fpm, preload bindings/php/preload.php.',
                self::path(), $e->getMessage()), 0, $e);
        }
    }

    private static function check(FFI $ffi): FFI
    {
        $layout = $ffi->tgauth_record_fingerprint();
        if ($layout !== Schema::RECORD_FINGERPRINT) {
            throw new \RuntimeException(sprintf('tgauth: %s has record layout %s, this package reads layout %s',
                self::path(), $layout, Schema::RECORD_FINGERPRINT));
        }
        return $ffi;
    }
}
