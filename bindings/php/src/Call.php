<?php

declare(strict_types=1);

namespace TgAuth;

use FFI;
use FFI\CData;

/**
 * How the package calls the library: one reusable output buffer (the output-buffer rule of tgauth.h: on
 * TGAUTH_E_BUFFER_TOO_SMALL the size needed comes back and the call runs again with that much), the error
 * struct, the checks, and the exception of a failed status.
 * @internal
 */
final class Call
{
    private static ?CData $out = null;
    private static int $capacity = 0;
    private static CData $length;
    private static CData $lengthAddress;
    private static CData $error;
    private static CData $errorAddress;
    /** @var array<string, CData> */
    private static array $checks = [];

    /**
     * The record of a verification `$function($handle, out, &out_len, &err, $data, strlen($data), $check)`,
     * without its last NUL: the hot path, in fixed arguments and reused buffers.
     */
    public static function verify(string $function, CData $handle, string $data, CData $check): string
    {
        $out = self::$out ?? self::grow(Library::ffi(), 8192);
        $length = self::$length;
        $length->cdata = self::$capacity;
        $code = Library::$ffi->$function($handle, $out, self::$lengthAddress, self::$errorAddress, $data, strlen($data), $check);
        return $code === 0 ? FFI::string($out, $length->cdata - 1) : self::record($function, $handle, $data, strlen($data), $check);
    }

    /** The library's output of `$function($handle, out, &out_len, &err, ...$args)`, without its last NUL. */
    public static function record(string $function, CData $handle, mixed ...$args): string
    {
        $ffi = Library::ffi();
        if (self::$out === null) {
            self::grow($ffi, 8192);
        }
        while (true) {
            self::$length->cdata = self::$capacity;
            $code = $ffi->$function($handle, self::$out, self::$lengthAddress, self::$errorAddress, ...$args);
            if ($code === 0) {
                return FFI::string(self::$out, self::$length->cdata - 1);
            }
            if ($code !== self::bufferTooSmall() || self::$length->cdata <= self::$capacity) {
                throw self::failure($code, self::$error);
            }
            self::grow($ffi, self::$length->cdata);
        }
    }

    /** Whether the verification `$function` accepts (its record, when it does, is not read). */
    public static function succeeds(string $function, CData $handle, string $data, CData $check): bool
    {
        try {
            self::verify($function, $handle, $data, $check);
            return true;
        } catch (AuthError) {
            return false;
        }
    }

    /** As record(), for a call whose output comes first: `$function(out, &out_len, ...$args)`. */
    public static function output(string $function, mixed ...$args): string
    {
        $ffi = Library::ffi();
        $capacity = 4096;
        while (true) {
            $out = $ffi->new("char[$capacity]");
            $length = $ffi->new('size_t');
            $length->cdata = $capacity;
            $code = $ffi->$function($out, FFI::addr($length), ...$args);
            if ($code === 0) {
                return FFI::string($out, $length->cdata - 1);
            }
            if ($code !== self::bufferTooSmall() || $length->cdata <= $capacity) {
                throw self::failure($code, null);
            }
            $capacity = $length->cdata;
        }
    }

    /** A handle made by `$function(&handle, &err, ...$args)`, or the exception of its failure. */
    public static function make(string $type, string $function, mixed ...$args): CData
    {
        $ffi = Library::ffi();
        $handle = $ffi->new("$type*");
        $error = $ffi->new('tgauth_error');
        $code = $ffi->$function(FFI::addr($handle), FFI::addr($error), ...$args);
        if ($code !== 0) {
            throw self::failure($code, $error);
        }
        return $handle;
    }

    /** A status call `$function(&err, ...$args)` (or one that takes no error struct, with $withError false). */
    public static function status(string $function, mixed ...$args): void
    {
        $ffi = Library::ffi();
        $error = $ffi->new('tgauth_error');
        $code = $ffi->$function(FFI::addr($error), ...$args);
        if ($code !== 0) {
            throw self::failure($code, $error);
        }
    }

    /** A `tgauth_check` for (maxAge, now, maxBytes): the library's defaults where null; made once per value. */
    public static function check(?int $maxAge, ?int $now, ?int $maxBytes = null): CData
    {
        if ($maxAge === null && $now === null && $maxBytes === null && isset(self::$checks['//'])) {
            return self::$checks['//'];
        }
        $key = "$maxAge/$now/$maxBytes";
        if (!isset(self::$checks[$key])) {
            if ($maxAge !== null && $maxAge < 0) {
                throw new \InvalidArgumentException('maxAge must be 0 (no age check) or more seconds');
            }
            if ($now !== null && $now <= 0) {
                throw new \InvalidArgumentException('now must be a Unix time above 0');
            }
            if ($maxBytes !== null && $maxBytes <= 0) {
                throw new \InvalidArgumentException('maxBytes must be above 0');
            }
            $ffi = Library::ffi();
            $check = $ffi->new('tgauth_check', false);  // kept for the process: a few per distinct value
            $ffi->tgauth_check_init(FFI::addr($check));
            if ($maxAge !== null) {
                $check->max_age = $maxAge;
            }
            if ($now !== null) {
                $check->now = $now;
            }
            if ($maxBytes !== null) {
                $check->max_input_bytes = $maxBytes;
            }
            if (count(self::$checks) >= 256) {
                return FFI::addr($check);
            }
            self::$checks[$key] = FFI::addr($check);
        }
        return self::$checks[$key];
    }

    /** The exception of a failed status: AuthError of its kind, or \InvalidArgumentException for a bad argument. */
    public static function failure(int $code, ?CData $error): \Exception
    {
        $kind = Library::ffi()->tgauth_error_kind($code);
        $field = $error !== null && $error->code === $code ? FFI::string($error->field) : '';
        $message = $error !== null && $error->code === $code ? FFI::string($error->message) : $kind;
        if ($kind === 'invalid_argument') {
            return new \InvalidArgumentException($message);
        }
        $class = AuthError::CLASSES[$kind] ?? AuthError::class;
        return new $class($kind, $field, $message);
    }

    /** The exception of the last record() call. */
    public static function lastFailure(int $code): \Exception
    {
        return self::failure($code, self::$error);
    }

    private static function grow(FFI $ffi, int $size): CData
    {
        self::$out = $ffi->new("char[$size]");
        self::$length = $ffi->new('size_t');
        self::$lengthAddress = FFI::addr(self::$length);
        self::$error ??= $ffi->new('tgauth_error');
        self::$errorAddress ??= FFI::addr(self::$error);
        self::$capacity = $size;
        return self::$out;
    }

    private static function bufferTooSmall(): int
    {
        static $code = null;
        if ($code === null) {
            $ffi = Library::ffi();
            for ($c = 1; ($kind = $ffi->tgauth_error_kind($c)) !== 'unknown'; $c++) {
                if ($kind === 'buffer_too_small') {
                    $code = $c;
                }
            }
        }
        return $code;
    }
}
