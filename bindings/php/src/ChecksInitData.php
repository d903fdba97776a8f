<?php

declare(strict_types=1);

namespace TgAuth;

/**
 * What the two initData validators share: validate() and isValid() over the library's record function that
 * the class names (RECORD_FUNCTION) and the handle it made.
 * @internal
 */
trait ChecksInitData
{
    /**
     * The verified data; `$initData` is Telegram.WebApp.initData or a whole `tma <initData>` header.
     * @throws AuthError of the kind (BadHashError, ExpiredError, FutureAuthDateError, MalformedError, …)
     */
    public function validate(string $initData, ?int $maxAge = null, ?int $now = null, ?int $maxBytes = null): InitData
    {
        $data = Input::initData($initData);
        $result = Records::read(Call::verify(static::RECORD_FUNCTION, $this->handle, $data, Call::check($maxAge, $now, $maxBytes)));
        assert($result instanceof InitData);
        return $result;
    }

    /** Whether `$initData` verifies (a bad argument still throws). */
    public function isValid(string $initData, ?int $maxAge = null, ?int $now = null, ?int $maxBytes = null): bool
    {
        $data = Input::initData($initData);
        return Call::succeeds(static::RECORD_FUNCTION, $this->handle, $data, Call::check($maxAge, $now, $maxBytes));
    }
}
