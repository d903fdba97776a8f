<?php

declare(strict_types=1);

use PHPUnit\Framework\TestCase;

/**
 * The middleware served for real: PHP's built-in server on a free loopback port runs tests/http/front.php,
 * once with FFI enabled outright (a development server) and once as Debian ships PHP (ffi.enable=preload,
 * which refuses FFI::cdef in requests) with docs/php.md's preload lines (ffi.preload, opcache.preload).
 */
final class HttpTest extends TestCase
{
    private const TOKEN = '123456:php-http-test-token';

    /** @return iterable<string, array{list<string>}> */
    public static function servers(): iterable
    {
        $package = dirname(__DIR__);
        yield 'ffi.enable=on' => [['-d', 'ffi.enable=on']];
        yield 'preload (as php-fpm would run it)' => [['-d', 'ffi.enable=preload', '-d', 'opcache.enable=1', '-d', 'opcache.enable_cli=1',
            '-d', "ffi.preload=$package/src/tgauth_ffi.h", '-d', "opcache.preload=$package/preload.php",
            '-d', 'opcache.preload_user=' . (posix_getuid() === 0 ? 'nobody' : get_current_user())]];
    }

    /** @dataProvider servers */
    public function testTheMiddlewareGuardsRoutesOverHttp(array $ini): void
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) stream_socket_get_name($socket, false), strlen('127.0.0.1:'));
        fclose($socket);
        $library = dirname((string) getenv('TGAUTH_LIBRARY')) ?: '';
        $env = ['TGAUTH_TEST_TOKEN' => self::TOKEN, 'LD_LIBRARY_PATH' => $library, 'PATH' => getenv('PATH')];
        if (in_array('ffi.enable=on', $ini, true)) {
            $env['TGAUTH_LIBRARY'] = getenv('TGAUTH_LIBRARY');
        }
        $log = tempnam(sys_get_temp_dir(), 'tgauth-php-server');
        $server = proc_open([PHP_BINARY, ...$ini, '-S', "127.0.0.1:$port", __DIR__ . '/http/front.php'], [1 => ['file', $log, 'w'], 2 => ['file', $log, 'w']], $pipes, null, $env);
        try {
            $this->waitFor($port);
            $initData = TgAuth\signInitData(self::TOKEN, ['user' => ['id' => 7, 'first_name' => 'Mini']]);
            [$status, $headers, $body] = $this->get($port, '/api/me', ["Authorization: tma $initData"]);
            $this->assertSame([200, ['route' => 'me', 'id' => 7, 'first_name' => 'Mini']], [$status, json_decode($body, true)], (string) file_get_contents($log));
            foreach ([[], ['Authorization: tma ' . str_replace('Mini', 'Evil', $initData)], ['Authorization: Bearer x']] as $sent) {
                [$status, $headers, $body] = $this->get($port, '/api/me', $sent);
                $this->assertSame(401, $status);
                $this->assertContains('WWW-Authenticate: tma', $headers);
                $this->assertContains(json_decode($body, true), [['error' => 'missing_field'], ['error' => 'bad_hash']]);
            }
            $widget = TgAuth\signWidget(self::TOKEN, ['id' => 42, 'first_name' => 'Ann']);
            [$status, , $body] = $this->get($port, "/login/callback?$widget", []);
            $this->assertSame([200, ['route' => 'login', 'id' => 42, 'first_name' => 'Ann']], [$status, json_decode($body, true)]);
            [$status, , $body] = $this->get($port, '/login/callback?' . str_replace('Ann', 'Eve', $widget), []);
            $this->assertSame([401, ['error' => 'bad_hash']], [$status, json_decode($body, true)]);
            $gateway = new TgAuth\GatewayReportVerifier(self::TOKEN);
            $report = '{"request_id":"r-7","phone_number":"+15551234567","request_cost":0.03}';
            $stamp = (string) time();
            $signed = ["X-Request-Timestamp: $stamp", 'X-Request-Signature: ' . $gateway->sign($report, $stamp)];
            [$status, , $body] = $this->post($port, '/gateway/report', $signed, $report);
            $this->assertSame([200, ['route' => 'report', 'request_id' => 'r-7']], [$status, json_decode($body, true)]);
            $old = (string) ((int) $stamp - 3600);
            $late = ["X-Request-Timestamp: $old", 'X-Request-Signature: ' . $gateway->sign($report, $old)];
            foreach ([[$signed, str_replace('r-7', 'r-8', $report), 'bad_signature'], [[$signed[0]], $report, 'missing_field'],
                      [$late, $report, 'expired']] as [$sent, $body, $kind]) {
                [$status, $headers, $answer] = $this->post($port, '/gateway/report', $sent, $body);
                $this->assertSame([401, ['error' => $kind]], [$status, json_decode($answer, true)]);
            }
        } finally {
            proc_terminate($server);
            proc_close($server);
            unlink($log);
        }
    }

    private function waitFor(int $port): void
    {
        for ($i = 0; $i < 200; $i++) {
            $connection = @fsockopen('127.0.0.1', $port);
            if ($connection) {
                fclose($connection);
                return;
            }
            usleep(25000);
        }
        $this->fail("nothing listens on $port");
    }

    /** @return array{int, list<string>, string} */
    private function post(int $port, string $path, array $headers, string $body): array
    {
        return $this->get($port, $path, [...$headers, 'Content-Type: application/json'], ['method' => 'POST', 'content' => $body]);
    }

    /** @return array{int, list<string>, string} */
    private function get(int $port, string $path, array $headers, array $options = []): array
    {
        $context = stream_context_create(['http' => ['header' => $headers, 'ignore_errors' => true, 'timeout' => 10, ...$options]]);
        $body = (string) file_get_contents("http://127.0.0.1:$port$path", false, $context);
        $status = (int) explode(' ', $http_response_header[0])[1];
        return [$status, $http_response_header, $body];
    }
}
