<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;
use TgAuth\AuthError;
use TgAuth\BadHashError;
use TgAuth\BadSignatureError;
use TgAuth\ExpiredError;
use TgAuth\LoginWidgetVerifier;
use TgAuth\MiniAppValidator;
use TgAuth\ThirdPartyValidator;

/** The public Telegram vectors (tests/vectors/telegram-vectors.json), as every suite reads them. */
final class VectorsTest extends TestCase
{
    /** @return iterable<string, array{array<string, mixed>}> */
    public static function miniApp(): iterable
    {
        foreach (tgauth_vectors()['mini_app_hmac'] as $v) {
            yield $v['name'] => [$v];
        }
    }

    /** @dataProvider miniApp */
    public function testMiniApp(array $v): void
    {
        $validator = new MiniAppValidator($v['bot_token']);
        $data = $validator->validate($v['init_data'], maxAge: 0);
        foreach ($v['expect'] as $path => $expected) {
            $value = $data;
            foreach (explode('.', $path) as $key) {
                $value = $value->$key;
            }
            $this->assertSame($expected, $value, $path);
        }
        $this->assertSame($v['expect']['auth_date'], $validator->validate('tma ' . $v['init_data'], maxAge: 0)->auth_date);
        $forged = preg_replace_callback('/hash=([0-9a-f])/', fn ($m) => 'hash=' . ($m[1] === '0' ? '1' : '0'), $v['init_data']);
        try {
            $validator->validate($forged, maxAge: 0);
            $this->fail('a forged hash passed');
        } catch (BadHashError $e) {
            $this->assertSame(['bad_hash', 'hash'], [$e->kind, $e->field]);
        }
        $this->assertFalse($validator->isValid($forged, maxAge: 0));
        $this->expectException(ExpiredError::class);  // the default maxAge, a day
        $validator->validate($v['init_data']);
    }

    public function testThirdParty(): void
    {
        foreach (tgauth_vectors()['third_party_ed25519'] as $v) {
            $validator = isset($v['public_key_hex'])
                ? new ThirdPartyValidator($v['bot_id'], publicKey: $v['public_key_hex'])
                : new ThirdPartyValidator($v['bot_id'], environment: $v['environment']);
            $this->assertGreaterThan(0, $validator->validate($v['init_data'], maxAge: 0)->auth_date, $v['name']);
            if (isset($v['public_key_hex'])) {
                $raw = new ThirdPartyValidator($v['bot_id'], publicKey: hex2bin($v['public_key_hex']));
                $this->assertTrue($raw->isValid($v['init_data'], maxAge: 0));
                $this->assertFalse($validator->isValid($v['invalid_variant'], maxAge: 0));
            }
            try {
                (new ThirdPartyValidator($v['bot_id'] + 1, publicKey: $v['public_key_hex'] ?? null))->validate($v['init_data'], maxAge: 0);
                $this->fail('another bot id passed');
            } catch (BadSignatureError $e) {
                $this->assertSame('bad_signature', $e->kind);
            }
        }
    }

    public function testLoginWidget(): void
    {
        foreach (tgauth_vectors()['login_widget'] as $v) {
            $verifier = new LoginWidgetVerifier($v['bot_token']);
            $fromQuery = $verifier->verify($v['query'], maxAge: 0);
            parse_str($v['query'], $fields);
            $this->assertEquals($fromQuery, $verifier->verify($v['json'], maxAge: 0));
            $this->assertEquals($fromQuery, $verifier->verify($fields, maxAge: 0));
            $this->assertSame(42, $fromQuery->id);
            $this->assertFalse($verifier->isValid(str_replace('first_name=', 'first_name=X', $v['query']), maxAge: 0));
        }
    }

    public function testEveryFailureIsAnAuthError(): void
    {
        $this->assertTrue(is_subclass_of(BadHashError::class, AuthError::class));
        $this->assertSame(BadHashError::class, AuthError::CLASSES['bad_hash']);
    }
}
