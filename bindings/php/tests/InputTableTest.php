<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use TgAuth\AuthError;
use TgAuth\GatewayReportVerifier;
use TgAuth\LoginWidgetVerifier;
use TgAuth\MiniAppValidator;
use TgAuth\TelegramOIDC;
use TgAuth\ThirdPartyValidator;

/**
 * The input table (tests/inputs/cases.tsv, which every suite reads): every bad row throws the AuthError
 * subclass of its kind (a bad argument: \InvalidArgumentException), and no message holds the token; each kind's
 * every-field row gives a result with every field the schema declares (this binding's schema walk). The
 * deep-link rows (webhook, deeplink) are not this binding's: it has no deep-link login.
 */
final class InputTableTest extends TestCase
{
    private const TOKEN = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';

    /** @return iterable<string, array{string, int, int, string, string, string}> */
    public static function rows(): iterable
    {
        foreach (file(TGAUTH_ROOT . '/tests/inputs/cases.tsv', FILE_IGNORE_NEW_LINES) as $line) {
            if ($line === '' || $line[0] === '#') {
                continue;
            }
            [$name, $target, $now, $maxBytes, $expect, $hex, $result] = explode("\t", $line);
            if ($target !== 'webhook' && $target !== 'deeplink') {
                yield "$name ($target)" => [$target, (int) $now, (int) $maxBytes, $expect, (string) hex2bin($hex), $result];
            }
        }
    }

    /** @dataProvider rows */
    public function testRow(string $target, int $now, int $maxBytes, string $expect, string $data, string $result): void
    {
        if ($expect === 'accepted') {
            $this->assertSame(self::sorted(json_decode($result, true)), self::fields($this->run_($target, $now, $maxBytes, $data)));
            return;
        }
        try {
            $this->run_($target, $now, $maxBytes, $data);
            $this->fail("accepted; expected $expect");
        } catch (AuthError $e) {
            $this->assertSame($expect, $e->kind, $e->getMessage());
            $this->assertSame(AuthError::CLASSES[$expect], get_class($e));
            $this->assertStringNotContainsString('AAH5YkoiEuPk8', $e->getMessage());
        } catch (\InvalidArgumentException $e) {
            $this->assertSame('invalid_argument', $expect, $e->getMessage());
            $this->assertStringNotContainsString('AAH5YkoiEuPk8', $e->getMessage());
        }
    }

    private function run_(string $target, int $now, int $maxBytes, string $data): object
    {
        $jwks = (string) file_get_contents(TGAUTH_ROOT . '/tests/vectors/telegram-oidc-jwks.json');
        switch ($target) {
            case 'mini_app':
                return (new MiniAppValidator(self::TOKEN))->validate($data, now: $now, maxBytes: $maxBytes);
            case 'widget':
                return (new LoginWidgetVerifier(self::TOKEN))->verify($data, now: $now, maxBytes: $maxBytes);
            case 'third_party':
                return (new ThirdPartyValidator(7342037359))->validate($data, now: $now, maxBytes: $maxBytes);
            case 'bot_token':
                return new MiniAppValidator($data);
            case 'id_token':
                return (new TelegramOIDC(7342037359, $jwks))->verify($data, now: $now);
            case 'jwks':  // the key set, a NUL, then an id_token to verify with it
                [$keySet, $token] = array_pad(explode("\0", $data, 2), 2, '');
                return (new TelegramOIDC(7342037359, $keySet))->verify($token, now: $now);
            case 'claims':  // the claims, signed here with Ed25519 (seed 2a…2a, kid claims-1)
                [$keySet, $token] = self::signedClaims($data);
                return (new TelegramOIDC(7342037359, $keySet))->verify($token, now: $now);
            case 'gateway':  // timestamp NUL signature NUL body; an empty header is an absent one
                [$timestamp, $signature, $body] = explode("\0", $data, 3);
                return (new GatewayReportVerifier(self::TOKEN))->verify($body, $timestamp === '' ? null : $timestamp,
                    $signature === '' ? null : $signature, $now);
        }
        throw new \LogicException("unknown target $target");
    }

    /**
     * A result's fields as an array in key order (its extras left out).
     * @return array<string, mixed>
     */
    private static function fields(object $result): array
    {
        $out = [];
        foreach (get_object_vars($result) as $key => $value) {
            if ($key !== 'extras') {
                $out[$key] = is_object($value) ? self::fields($value) : $value;
            }
        }
        return self::sorted($out);
    }

    /**
     * @param array<string, mixed> $fields
     * @return array<string, mixed>
     */
    private static function sorted(array $fields): array
    {
        ksort($fields);
        return array_map(fn ($value) => is_array($value) ? self::sorted($value) : $value, $fields);
    }

    /** @return array{string, string} */
    private static function signedClaims(string $claims): array
    {
        $b64 = fn (string $raw): string => rtrim(strtr(base64_encode($raw), '+/', '-_'), '=');
        $pair = sodium_crypto_sign_seed_keypair(str_repeat("\x2a", 32));
        $keySet = sprintf('{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"claims-1","x":"%s"}]}',
            $b64(sodium_crypto_sign_publickey($pair)));
        $input = $b64('{"alg":"EdDSA","kid":"claims-1"}') . '.' . $b64($claims);
        return [$keySet, $input . '.' . $b64(sodium_crypto_sign_detached($input, sodium_crypto_sign_secretkey($pair)))];
    }

    public function testTheTableIsRead(): void
    {
        $this->assertGreaterThanOrEqual(40, iterator_count(self::rows()));
        $accepted = array_filter(iterator_to_array(self::rows()), fn (array $row): bool => $row[3] === 'accepted');
        $this->assertEqualsCanonicalizing(['mini_app', 'widget', 'claims', 'gateway'], array_column($accepted, 0));
    }
}
