<?php

declare(strict_types=1);

namespace TgAuth;

use FFI\CData;

/** Mini App initData checked with the bot token (HMAC-SHA256; the key derived once). */
final class MiniAppValidator
{
    private CData $handle;

    public function __construct(string $botToken)
    {
        $this->handle = Call::make('tgauth_mini_app', 'tgauth_mini_app_new', $botToken, strlen($botToken));
    }

    public function __destruct()
    {
        Library::ffi()->tgauth_mini_app_free($this->handle);
    }

    /**
     * The verified data; `$initData` is Telegram.WebApp.initData or a whole `tma <initData>` header.
     * @throws AuthError of the kind (BadHashError, ExpiredError, FutureAuthDateError, MalformedError, …)
     */
    public function validate(string $initData, ?int $maxAge = null, ?int $now = null, ?int $maxBytes = null): InitData
    {
        $data = Input::initData($initData);
        $result = Records::read(Call::verify('tgauth_mini_app_validate_record', $this->handle, $data, Call::check($maxAge, $now, $maxBytes)));
        assert($result instanceof InitData);
        return $result;
    }

    public function isValid(string $initData, ?int $maxAge = null, ?int $now = null, ?int $maxBytes = null): bool
    {
        $data = Input::initData($initData);
        return Call::succeeds('tgauth_mini_app_validate_record', $this->handle, $data, Call::check($maxAge, $now, $maxBytes));
    }
}
