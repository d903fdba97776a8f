<?php

declare(strict_types=1);

namespace TgAuth\Http;

use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;
use TgAuth\AuthError;
use TgAuth\MiniAppValidator;
use TgAuth\MissingFieldError;
use TgAuth\ThirdPartyValidator;

/**
 * Middleware on Symfony HttpFoundation (as Laravel's is: `handle($request, $next)`): Mini App data from
 * `Authorization: tma <initData>`, checked by the validator, as the request attribute `telegram` (a
 * TgAuth\InitData); otherwise 401 with `WWW-Authenticate: tma` and {"error": kind}, the kind only.
 */
final class InitDataGuard
{
    public const ATTRIBUTE = 'telegram';

    public function __construct(private readonly MiniAppValidator|ThirdPartyValidator $validator, private readonly ?int $maxAge = null)
    {
    }

    /** @param callable(Request): Response $next */
    public function handle(Request $request, callable $next): Response
    {
        try {
            $authorization = (string) $request->headers->get('Authorization', '');
            if (strncasecmp($authorization, 'tma ', 4) !== 0) {
                throw new MissingFieldError('missing_field', 'authorization', 'send Authorization: tma <initData>');
            }
            $request->attributes->set(self::ATTRIBUTE, $this->validator->validate($authorization, maxAge: $this->maxAge));
        } catch (AuthError $error) {
            return Refusal::response($error);
        }
        return $next($request);
    }
}
