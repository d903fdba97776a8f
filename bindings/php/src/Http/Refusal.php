<?php

declare(strict_types=1);

namespace TgAuth\Http;

use Symfony\Component\HttpFoundation\JsonResponse;
use TgAuth\AuthError;

/** The 401 of a refused request: `WWW-Authenticate: tma`, `Cache-Control: no-store`, {"error": kind}. */
final class Refusal
{
    public static function response(AuthError $error): JsonResponse
    {
        return new JsonResponse(['error' => $error->kind], 401, ['WWW-Authenticate' => 'tma', 'Cache-Control' => 'no-store']);
    }
}
