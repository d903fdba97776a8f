<?php

declare(strict_types=1);

namespace TgAuth;

use FFI\CData;

/** Login Widget data: a query string, the callback URL, the JSON callback's text, or its fields ($_GET). */
final class LoginWidgetVerifier
{
    private CData $handle;

    public function __construct(string $botToken)
    {
        $this->handle = Call::make('tgauth_widget', 'tgauth_widget_new', $botToken, strlen($botToken));
    }

    public function __destruct()
    {
        Library::ffi()->tgauth_widget_free($this->handle);
    }

    /** @param string|array<string, string|int|bool> $data */
    public function verify(string|array $data, ?int $maxAge = null, ?int $now = null, ?int $maxBytes = null): WidgetUser
    {
        $check = Call::check($maxAge, $now, $maxBytes);
        if (is_string($data)) {
            $record = Call::record('tgauth_widget_verify_record', $this->handle, $data, strlen($data), $check);
        } else {
            [$pairs, $count] = Input::pairs($data, 'widget field');
            $record = Call::record('tgauth_widget_verify_pairs_record', $this->handle, $pairs, strlen($pairs), $count, $check);
        }
        $result = Records::read($record);
        assert($result instanceof WidgetUser);
        return $result;
    }

    /** @param string|array<string, string|int|bool> $data */
    public function isValid(string|array $data, ?int $maxAge = null, ?int $now = null): bool
    {
        try {
            $this->verify($data, $maxAge, $now);
            return true;
        } catch (AuthError) {
            return false;
        }
    }
}
