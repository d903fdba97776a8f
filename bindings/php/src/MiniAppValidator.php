<?php

declare(strict_types=1);

namespace TgAuth;

use FFI\CData;

/** Mini App initData checked with the bot token (HMAC-SHA256; the key derived once). */
final class MiniAppValidator
{
    use ChecksInitData;

    protected const RECORD_FUNCTION = 'tgauth_mini_app_validate_record';
    private CData $handle;

    public function __construct(string $botToken)
    {
        $this->handle = Call::make('tgauth_mini_app', 'tgauth_mini_app_new', $botToken, strlen($botToken));
    }

    public function __destruct()
    {
        Library::ffi()->tgauth_mini_app_free($this->handle);
    }
}
