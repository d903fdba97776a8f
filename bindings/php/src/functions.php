<?php

declare(strict_types=1);

namespace TgAuth;

/**
 * Checks a webhook's X-Telegram-Bot-Api-Secret-Token (in constant time).
 * @throws BadWebhookSecretError when the header is missing (null) or differs
 */
function checkWebhookSecret(string $secret, ?string $headerValue): void
{
    Call::status('tgauth_webhook_secret_check', $secret, strlen($secret), $headerValue, $headerValue === null ? 0 : strlen($headerValue));
}

/**
 * initData signed as Telegram signs it, for test fixtures (arrays are JSON-encoded).
 * @param array<string, mixed> $fields
 */
function signInitData(string $botToken, array $fields, ?int $authDate = null): string
{
    [$array, $count, $buffers] = Input::fields($fields);
    return Call::output('tgauth_sign_init_data', $botToken, strlen($botToken), $array, $count, $authDate ?? time(), null, 0, 0);
}

/**
 * Login Widget data signed as Telegram signs it, as a query string, for test fixtures.
 * @param array<string, string|int> $fields
 */
function signWidget(string $botToken, array $fields, ?int $authDate = null): string
{
    [$array, $count, $buffers] = Input::fields($fields);
    return Call::output('tgauth_sign_widget', $botToken, strlen($botToken), $array, $count, $authDate ?? time());
}
