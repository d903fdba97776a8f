<?php

declare(strict_types=1);

namespace TgAuth\Http;

use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use TgAuth\AuthError;
use TgAuth\GatewayReportVerifier;

/**
 * Middleware on Symfony HttpFoundation for the Telegram Gateway's `callback_url`: the raw body checked against
 * `X-Request-Timestamp` and `X-Request-Signature`, the report as the request attribute `telegram_report` (a
 * TgAuth\GatewayReport); otherwise 401 {"error": kind}.
 */
final class GatewayReportGuard
{
    public const ATTRIBUTE = 'telegram_report';

    public function __construct(private readonly GatewayReportVerifier $verifier)
    {
    }

    /** @param callable(Request): Response $next */
    public function handle(Request $request, callable $next): Response
    {
        try {
            $report = $this->verifier->verify($request->getContent(), $request->headers->get('X-Request-Timestamp'),
                $request->headers->get('X-Request-Signature'));
            $request->attributes->set(self::ATTRIBUTE, $report);
        } catch (AuthError $error) {
            return Refusal::response($error);
        }
        return $next($request);
    }
}
