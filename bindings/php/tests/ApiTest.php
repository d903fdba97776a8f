<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use TgAuth\BadClaimError;
use TgAuth\BadWebhookSecretError;
use TgAuth\ExpiredError;
use TgAuth\FutureAuthDateError;
use TgAuth\GatewayReportVerifier;
use TgAuth\InitData;
use TgAuth\MiniAppValidator;
use TgAuth\TelegramOIDC;
use TgAuth\ThirdPartyValidator;
use TgAuth\UnknownKeyError;

/** The PHP API: options, argument errors, Gateway reports, id_tokens, the webhook secret. */
final class ApiTest extends TestCase
{
    private const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
    private const NOW = 1_800_000_000;

    private static function signed(int $authDate = self::NOW - 10): string
    {
        return TgAuth\signInitData(self::TOKEN, ['user' => ['id' => 279058397, 'first_name' => 'Vlad'], 'query_id' => 'AAH'], $authDate);
    }

    public function testAResultIsTypedAndNamedAsTelegramNamesIt(): void
    {
        $data = (new MiniAppValidator(self::TOKEN))->validate(self::signed(), now: self::NOW);
        $this->assertInstanceOf(InitData::class, $data);
        $this->assertSame([self::NOW - 10, 279058397, 'Vlad', null, null, 'AAH', []],
            [$data->auth_date, $data->user->id, $data->user->first_name, $data->user->last_name, $data->chat, $data->query_id, $data->extras]);
        $this->expectException(\Error::class);  // readonly
        $data->auth_date = 1;
    }

    public function testMaxAgeAndNow(): void
    {
        $v = new MiniAppValidator(self::TOKEN);
        $old = self::signed(self::NOW - 100_000);
        $this->assertSame(self::NOW - 100_000, $v->validate($old, maxAge: 0, now: self::NOW)->auth_date);
        $this->assertFalse($v->isValid($old, now: self::NOW));
        $this->assertTrue($v->isValid('tma ' . self::signed(), now: self::NOW));
        try {
            $v->validate(self::signed(self::NOW + 3600), now: self::NOW);
            $this->fail('the future passed');
        } catch (FutureAuthDateError $e) {
            $this->assertSame('future_auth_date', $e->kind);
        }
        $this->expectException(ExpiredError::class);
        $v->validate($old, now: self::NOW);
    }

    public function testBadValuesAreInvalidArgumentAndWrongTypesTypeError(): void
    {
        foreach ([
            fn () => new MiniAppValidator('no colon'),
            fn () => (new MiniAppValidator(self::TOKEN))->validate('x', maxAge: -1),
            fn () => (new MiniAppValidator(self::TOKEN))->validate('x', now: 0),
            fn () => new ThirdPartyValidator(1, environment: 'staging'),
            fn () => new ThirdPartyValidator(1, publicKey: 'abcd'),
            fn () => new ThirdPartyValidator(0),
            fn () => new GatewayReportVerifier('t', maxSkew: 0),
        ] as $i => $call) {
            try {
                $call();
                $this->fail("case $i passed");
            } catch (\InvalidArgumentException $e) {
                $this->assertStringNotContainsString('zyx57W2v1u123ew11', $e->getMessage());
            }
        }
        $this->expectException(\TypeError::class);
        (new MiniAppValidator(self::TOKEN))->validate(['user' => ['id' => 1]]);  // initDataUnsafe, say
    }

    public function testGatewayReports(): void
    {
        $g = new GatewayReportVerifier('gateway-api-token', maxSkew: 300);
        $body = '{"request_id":"r1","phone_number":"+15550100","request_cost":0.05,"is_refunded":false,"delivery_status":{"status":"delivered","updated_at":1800000000}}';
        $signature = $g->sign($body, self::NOW);
        foreach ([self::NOW, (string) self::NOW] as $timestamp) {
            $report = $g->verify($body, $timestamp, $signature, self::NOW);
            $this->assertSame([0.05, false, 'delivered', 300], [$report->request_cost, $report->is_refunded, $report->delivery_status->status, $g->maxSkew()]);
        }
        $this->assertFalse(self::refused(fn () => $g->verify($body, self::NOW, $signature, self::NOW + 301), 'expired'));
        $this->assertFalse(self::refused(fn () => $g->verify($body, self::NOW, $signature, self::NOW - 301), 'future_auth_date'));
        $this->assertFalse(self::refused(fn () => $g->verify($body, self::NOW, null, self::NOW), 'missing_field'));
        $this->assertFalse(self::refused(fn () => $g->verify($body, null, $signature, self::NOW), 'missing_field'));
        $this->assertFalse(self::refused(fn () => $g->verify("$body ", self::NOW, $signature, self::NOW), 'bad_signature'));
    }

    private static function refused(callable $call, string $kind): bool
    {
        try {
            $call();
            return true;
        } catch (TgAuth\AuthError $e) {
            return $e->kind !== $kind;
        }
    }

    public function testWebhookSecret(): void
    {
        TgAuth\checkWebhookSecret('s3cret_token', 's3cret_token');
        foreach ([null, '', 's3cret_tokeN'] as $header) {
            try {
                TgAuth\checkWebhookSecret('s3cret_token', $header);
                $this->fail('a wrong header passed');
            } catch (BadWebhookSecretError $e) {
                $this->assertSame('bad_webhook_secret', $e->kind);
            }
        }
    }

    public function testIdTokens(): void
    {
        $b64 = fn (string $raw): string => rtrim(strtr(base64_encode($raw), '+/', '-_'), '=');
        $pair = sodium_crypto_sign_keypair();
        $jwks = json_encode(['keys' => [['kty' => 'OKP', 'crv' => 'Ed25519', 'alg' => 'EdDSA', 'kid' => 'k1', 'x' => $b64(sodium_crypto_sign_publickey($pair))]]]);
        $sign = function (array $claims, string $kid = 'k1') use ($b64, $pair): string {
            $input = $b64(json_encode(['alg' => 'EdDSA', 'kid' => $kid])) . '.' . $b64(json_encode($claims));
            return $input . '.' . $b64(sodium_crypto_sign_detached($input, sodium_crypto_sign_secretkey($pair)));
        };
        $claims = ['iss' => 'https://oauth.telegram.org', 'aud' => '7342037359', 'sub' => 's', 'id' => 42, 'name' => 'Ann',
            'iat' => self::NOW, 'exp' => self::NOW + 600, 'nonce' => 'n1'];
        $oidc = new TelegramOIDC(7342037359, $jwks);
        $token = $oidc->verify($sign($claims), nonce: 'n1', now: self::NOW + 5);
        $this->assertSame([42, 's', 'Ann'], [$token->id, $token->sub, $token->name]);
        $this->assertSame('https://oauth.telegram.org', $token->extras['iss']);
        $this->expectException(BadClaimError::class);
        $oidc->verify($sign($claims), nonce: 'other', now: self::NOW + 5);
    }

    public function testAnUnknownKeyIsReportedAndANewKeySetTakesIt(): void
    {
        $oidc = new TelegramOIDC('7342037359', '{"keys":[]}');
        $this->expectException(UnknownKeyError::class);
        $oidc->verify('eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.e30.AAAA', now: self::NOW);
    }

    public function testThePackageTheLibraryAndTheHeaderAgreeOnTheVersion(): void
    {
        $package = json_decode((string) file_get_contents(__DIR__ . '/../composer.json'), true);
        preg_match('/#define TGAUTH_VERSION_STRING "(.*)"/', (string) file_get_contents(TGAUTH_ROOT . '/include/tgauth_verify.h'), $m);
        $this->assertSame($m[1], $package['version']);
        $this->assertSame($m[1], TgAuth\Library::ffi()->tgauth_version_string());
    }
}
