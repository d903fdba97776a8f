<?php

// For php-fpm (or php-cgi, or PHP's built-in server) under Debian's ffi.enable=preload, where FFI is refused in
// requests except to code preloaded at start: preloads the package's classes, whose methods may then use the
// scope TGAUTH that ffi.preload declared. In php.ini:
//   opcache.enable=1
//   ffi.preload=/path/to/vendor/tgauth/tgauth/src/tgauth_ffi.h
//   opcache.preload=/path/to/vendor/tgauth/tgauth/preload.php
//   opcache.preload_user=www-data        (when the server starts as root)
// tgauth_ffi.h names libtgauth.so.0, found by the loader (the .deb, make install, or LD_LIBRARY_PATH).

declare(strict_types=1);

// the generated classes first (the others use them), then the rest
$files = array_merge(glob(__DIR__ . '/src/generated/*.php'), glob(__DIR__ . '/src/*.php'), glob(__DIR__ . '/src/Http/*.php'));
foreach ($files as $file) {
    if (basename($file) !== 'functions.php') {
        opcache_compile_file($file);
    }
}
