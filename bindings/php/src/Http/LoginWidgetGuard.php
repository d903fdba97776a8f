<?php

declare(strict_types=1);

namespace TgAuth\Http;

use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use TgAuth\AuthError;
use TgAuth\LoginWidgetVerifier;

/**
 * Middleware on Symfony HttpFoundation for the Login Widget's `data-auth-url`: the raw query (as sent, not as
 * PHP re-parsed it) verified, the user as the request attribute `telegram_user` (a TgAuth\WidgetUser);
 * otherwise 401 {"error": kind}.
 */
final class LoginWidgetGuard
{
    public const ATTRIBUTE = 'telegram_user';

    public function __construct(private readonly LoginWidgetVerifier $verifier, private readonly ?int $maxAge = null)
    {
    }

    /** @param callable(Request): Response $next */
    public function handle(Request $request, callable $next): Response
    {
        try {
            $query = (string) $request->server->get('QUERY_STRING', '');
            $request->attributes->set(self::ATTRIBUTE, $this->verifier->verify($query, maxAge: $this->maxAge));
        } catch (AuthError $error) {
            return Refusal::response($error);
        }
        return $next($request);
    }
}
