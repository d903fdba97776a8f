<?php

declare(strict_types=1);

namespace TgAuth;

use FFI\CData;

/** Mini App initData checked by Telegram's Ed25519 `signature`, with the bot id only. */
final class ThirdPartyValidator
{
    use ChecksInitData;

    protected const RECORD_FUNCTION = 'tgauth_third_party_validate_record';
    private const ENVIRONMENTS = ['production' => 0, 'test' => 1];
    private CData $handle;

    /** @param string|null $publicKey 32 raw bytes or 64 hex characters; null: Telegram's key of `$environment` */
    public function __construct(int $botId, string $environment = 'production', ?string $publicKey = null)
    {
        if (!isset(self::ENVIRONMENTS[$environment])) {
            throw new \InvalidArgumentException("environment must be 'production' or 'test'");
        }
        if ($publicKey === null) {
            $this->handle = Call::make('tgauth_third_party', 'tgauth_third_party_new', $botId, self::ENVIRONMENTS[$environment]);
            return;
        }
        if (strlen($publicKey) === 64 && ctype_xdigit($publicKey)) {
            $publicKey = (string) hex2bin($publicKey);
        } elseif (strlen($publicKey) !== 32) {
            throw new \InvalidArgumentException('publicKey must be 32 raw bytes or 64 hex characters');
        }
        $this->handle = Call::make('tgauth_third_party', 'tgauth_third_party_new_with_key', $botId, $publicKey, 32);
    }

    public function __destruct()
    {
        Library::ffi()->tgauth_third_party_free($this->handle);
    }
}
