<?php

declare(strict_types=1);

namespace TgAuth;

use FFI\CData;

/** Telegram Gateway delivery reports: the X-Request-Signature HMAC of the timestamp and the body. */
final class GatewayReportVerifier
{
    private CData $handle;

    /** @param int|null $maxSkew seconds a report's timestamp may differ from now; null: the library's default */
    public function __construct(string $apiToken, ?int $maxSkew = null)
    {
        if ($maxSkew !== null && $maxSkew <= 0) {
            throw new \InvalidArgumentException('maxSkew must be above 0 seconds');
        }
        $this->handle = Call::make('tgauth_gateway', 'tgauth_gateway_new', $apiToken, strlen($apiToken), $maxSkew ?? -1);
    }

    public function __destruct()
    {
        Library::ffi()->tgauth_gateway_free($this->handle);
    }

    public function maxSkew(): int
    {
        return Library::ffi()->tgauth_gateway_max_skew($this->handle);
    }

    /** The verified report; `$timestamp` and `$signature` are the X-Request-Timestamp and -Signature headers. */
    public function verify(string $body, string|int|null $timestamp, ?string $signature, ?int $now = null): GatewayReport
    {
        $timestamp = is_int($timestamp) ? (string) $timestamp : $timestamp;
        $result = Records::read(Call::record('tgauth_gateway_report_verify_record', $this->handle, $body, strlen($body),
            $timestamp, $timestamp === null ? 0 : strlen($timestamp), $signature, $signature === null ? 0 : strlen($signature),
            $now ?? 0));
        assert($result instanceof GatewayReport);
        return $result;
    }

    /** The X-Request-Signature Telegram would send (for test fixtures). */
    public function sign(string $body, string|int $timestamp): string
    {
        $timestamp = (string) $timestamp;
        $ffi = Library::ffi();
        $out = $ffi->new('char[65]');
        $length = $ffi->new('size_t');
        $length->cdata = 65;
        $code = $ffi->tgauth_gateway_sign($this->handle, $out, \FFI::addr($length), $timestamp, strlen($timestamp), $body, strlen($body));
        if ($code !== 0) {
            throw Call::failure($code, null);
        }
        return \FFI::string($out, $length->cdata - 1);
    }
}
