<?php

// The front controller HttpTest serves with PHP's built-in server: the middleware in front of three routes, on
// Debian's Symfony HttpFoundation.

declare(strict_types=1);

require __DIR__ . '/../../vendor/autoload.php';
require '/usr/share/php/Symfony/Component/HttpFoundation/autoload.php';

use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use TgAuth\Http\GatewayReportGuard;
use TgAuth\Http\InitDataGuard;
use TgAuth\Http\LoginWidgetGuard;

$token = (string) getenv('TGAUTH_TEST_TOKEN');
$request = Request::createFromGlobals();
$response = match ($request->getPathInfo()) {
    '/api/me' => (new InitDataGuard(new TgAuth\MiniAppValidator($token)))->handle($request, fn (Request $r) => new JsonResponse(
        ['route' => 'me', 'id' => $r->attributes->get('telegram')->user->id, 'first_name' => $r->attributes->get('telegram')->user->first_name])),
    '/login/callback' => (new LoginWidgetGuard(new TgAuth\LoginWidgetVerifier($token)))->handle($request, fn (Request $r) => new JsonResponse(
        ['route' => 'login', 'id' => $r->attributes->get('telegram_user')->id, 'first_name' => $r->attributes->get('telegram_user')->first_name])),
    '/gateway/report' => (new GatewayReportGuard(new TgAuth\GatewayReportVerifier($token)))->handle($request, fn (Request $r) => new JsonResponse(
        ['route' => 'report', 'request_id' => $r->attributes->get('telegram_report')->request_id])),
    default => new JsonResponse(['error' => 'not_found'], 404),
};
$response->send();
