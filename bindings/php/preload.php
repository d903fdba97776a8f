<?php

// For php-fpm (or php-cgi) under Debian's ffi.enable=preload, where FFI::cdef is refused in requests: load
// tgauth's declarations once, at start, as the scope TGAUTH that every request then uses. In php.ini:
//   opcache.preload=/path/to/vendor/tgauth/tgauth/preload.php
//   ffi.preload is not needed; opcache.preload_user=www-data when the server starts as root.
// TGAUTH_LIBRARY (in the environment of the server's start) names the library; else libtgauth.so.0.

declare(strict_types=1);

$library = getenv('TGAUTH_LIBRARY') ?: 'libtgauth.so.0';
$header = sys_get_temp_dir() . '/tgauth_ffi_' . getmypid() . '.h';
file_put_contents($header, "#define FFI_SCOPE \"TGAUTH\"\n#define FFI_LIB \"" . addcslashes($library, "\"\\") . "\"\n"
    . file_get_contents(__DIR__ . '/src/tgauth_ffi.h'));
try {
    FFI::load($header);
} finally {
    unlink($header);
}
