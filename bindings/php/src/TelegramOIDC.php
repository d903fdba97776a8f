<?php

declare(strict_types=1);

namespace TgAuth;

use FFI\CData;

/**
 * Log In With Telegram (OpenID Connect) id_tokens. With `$jwks` (the key set's JSON text) it verifies with that
 * set until setJwks() replaces it; without, the library fetches Telegram's key set over HTTPS when it first
 * needs it and keeps it as its Cache-Control says.
 */
final class TelegramOIDC
{
    private CData $handle;

    public function __construct(string|int $clientId, ?string $jwks = null)
    {
        $clientId = (string) $clientId;
        $this->handle = Call::make('tgauth_oidc', 'tgauth_oidc_new', $clientId, strlen($clientId), $jwks,
            $jwks === null ? 0 : strlen($jwks), null);
    }

    public function __destruct()
    {
        Library::ffi()->tgauth_oidc_free($this->handle);
    }

    public function setJwks(string $jwks): void
    {
        $ffi = Library::ffi();
        $error = $ffi->new('tgauth_error');
        $code = $ffi->tgauth_oidc_set_jwks($this->handle, \FFI::addr($error), $jwks, strlen($jwks));
        if ($code !== 0) {
            throw Call::failure($code, $error);
        }
    }

    /** The verified token: the schema's claims as properties, the others in `extras`. */
    public function verify(string $idToken, ?string $nonce = null, ?int $now = null, ?int $maxAge = null): IDToken
    {
        $claims = json_decode(Call::record('tgauth_oidc_verify', $this->handle, $idToken, strlen($idToken), $nonce,
            $nonce === null ? 0 : strlen($nonce), Call::check($maxAge ?? 0, $now)), true, 64, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        $known = array_column(Schema::FIELDS['IDToken'], 0, 0);
        $args = ['extras' => []];
        foreach ($claims as $name => $value) {
            if (isset($known[$name])) {
                $args[$name] = $value;
            } else {
                $args['extras'][$name] = $value;
            }
        }
        return new IDToken(...$args);
    }
}
