#!/usr/bin/env bash
# Runs a command with a private redis-server (no persistence) on a free loopback port.
# Usage: scripts/with-redis.sh VAR command...   (VAR is set to the server's redis:// URL)
set -euo pipefail
var=$1; shift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done
export "$var=redis://127.0.0.1:$port/0"
"$@"
