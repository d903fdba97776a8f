#!/usr/bin/env bash
# Installs what the build and tests need and is missing: Debian packages via apt-get.
# Usage: scripts/ensure-deps.sh [build|test|python|browser|server|cmake|proxies|bench-serve|node|node-test|php]
set -euo pipefail
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists libcrypto 2>/dev/null || need+=(libssl-dev)
pkg-config --exists libsodium 2>/dev/null || need+=(libsodium-dev)
pkg-config --exists hiredis 2>/dev/null || need+=(libhiredis-dev)
pkg-config --exists libsecp256k1 2>/dev/null || need+=(libsecp256k1-dev)
pkg-config --exists libcurl 2>/dev/null || need+=(libcurl4-openssl-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc)
command -v c++ >/dev/null 2>&1 || need+=(g++)
if [ "${1:-build}" = test ] || [ "${1:-build}" = python ]; then
    command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
    command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
fi
if [ "${1:-build}" = server ]; then  # examples/c-server and its test
    pkg-config --exists libmicrohttpd 2>/dev/null || need+=(libmicrohttpd-dev)
    command -v curl >/dev/null 2>&1 || need+=(curl)
fi
if [ "${1:-build}" = cmake ]; then
    command -v cmake >/dev/null 2>&1 || need+=(cmake)
fi
if [ "${1:-build}" = browser ]; then  # the example's browser test: headless Chromium and its WebDriver
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fi
if [ "${1:-build}" = proxies ]; then  # tgauth-serve behind real proxies in its tests
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
    command -v caddy >/dev/null 2>&1 || need+=(caddy)
    command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi
if [ "${1:-build}" = node ] || [ "${1:-build}" = node-test ]; then  # the Node.js binding: Node and node_api.h
    command -v node >/dev/null 2>&1 || need+=(nodejs)
    [ -f /usr/include/node/node_api.h ] || need+=(libnode-dev)
fi
if [ "${1:-build}" = node-test ]; then  # its tests: Express and tsc from Debian (npm's registry is not used)
    [ -f /usr/share/nodejs/express/package.json ] || need+=(node-express)
    command -v tsc >/dev/null 2>&1 || need+=(node-typescript)
    command -v npm >/dev/null 2>&1 || need+=(npm)
fi
if [ "${1:-build}" = php ]; then  # the PHP binding: PHP with FFI, Composer (offline), PHPUnit, Symfony's HttpFoundation
    command -v php >/dev/null 2>&1 || need+=(php8.2-cli)
    command -v composer >/dev/null 2>&1 || need+=(composer)
    command -v phpunit >/dev/null 2>&1 || need+=(phpunit)
    [ -f /usr/share/php/Symfony/Component/HttpFoundation/autoload.php ] || need+=(php-symfony-http-foundation)
fi
if [ "${1:-build}" = bench-serve ]; then
    command -v wrk >/dev/null 2>&1 || need+=(wrk)
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
fi
if [ ${#need[@]} -gt 0 ]; then
    echo "== installing missing packages: ${need[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # the packages of servers (nginx, caddy, redis) start a system service when installed: the tests start
    # their own on free loopback ports, so policy-rc.d says no for the time of the install
    if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null 2>&1 || { echo "error: the Swift 6.x toolchain is required (swift not on PATH)" >&2; exit 1; }
