#!/usr/bin/env bash
# Starts examples/c-server on a loopback port and calls it with curl: signed, expired, tampered, oversize and
# missing inputs, the widget callback, then 8 clients in parallel checking every answer.
# Usage: test_server.sh SERVER_BINARY TGAUTH_CLI
set -euo pipefail
server=$1 cli=$2
token="123456:c-server-test-token"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
log=$(mktemp)
TELEGRAM_BOT_TOKEN=$token "$server" --port "$port" --threads 4 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "$base/" && break; sleep 0.05; done

passed=0 failed=0
sign() { "$cli" sign init-data --bot-token "$token" --auth-date "$1" 'user={"id":279058397,"first_name":"Vlad \"V\"","username":"vdkfrost"}' query_id=AAH; }
expect() {  # name, status wanted, body pattern wanted, curl arguments...
    local name=$1 status=$2 pattern=$3
    shift 3
    local got body
    body=$(curl -s -o - -w '\n%{http_code}' "$@")
    got=${body##*$'\n'}
    body=${body%$'\n'*}
    if [ "$got" = "$status" ] && grep -qE -- "$pattern" <<<"$body"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name: HTTP $got $body (wanted $status and /$pattern/)"
    fi
}
now=$(date +%s)
good=$(sign "$now")
expect signed 200 '"id":279058397,"first_name":"Vlad \\"V\\"","username":"vdkfrost"' -H "Authorization: tma $good" "$base/api/me"
expect expired 401 '"error":"expired"' -H "Authorization: tma $(sign $((now - 2 * 86400)))" "$base/api/me"
expect future 401 '"error":"future_auth_date"' -H "Authorization: tma $(sign $((now + 3600)))" "$base/api/me"
expect tampered 401 '"error":"bad_hash"' -H "Authorization: tma ${good/vdkfrost/mallory}" "$base/api/me"
expect missing 401 '"error":"missing_field"' "$base/api/me"
expect oversize 413 '"error":"too_large"' -H "Authorization: tma $good&pad=$(head -c 20000 /dev/zero | tr '\0' a)" "$base/api/me"
expect challenge 401 'WWW-Authenticate: tma' -i "$base/api/me"
widget=$("$cli" sign widget --bot-token "$token" --auth-date "$now" id=42 first_name=John username=john)
expect widget 200 '"id":42,"first_name":"John","username":"john"' "$base/auth/telegram/callback?$widget"
expect widget-tampered 401 '"error":"bad_hash"' "$base/auth/telegram/callback?${widget/John/Johnny}"
expect widget-missing 401 '"error":"(missing_field|malformed)"' "$base/auth/telegram/callback"
expect not-found 404 'not_found' "$base/nothing"

# 8 clients at once, 50 requests each, alternating signed and tampered data: every answer must be right
export base good bad="${good/vdkfrost/mallory}"
client() {
    local wrong=0
    for i in $(seq 50); do
        if [ $((i % 2)) -eq 0 ]; then
            curl -s -H "Authorization: tma $good" "$base/api/me" | grep -q '"id":279058397' || wrong=$((wrong + 1))
        else
            curl -s -H "Authorization: tma $bad" "$base/api/me" | grep -q '"error":"bad_hash"' || wrong=$((wrong + 1))
        fi
    done
    echo "$wrong"
}
export -f client
wrong=$(seq 8 | xargs -P 8 -I{} bash -c client | awk '{ s += $1 } END { print s + 0 }')
if [ "$wrong" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL parallel: $wrong of 400 answers wrong"; fi
if grep -q "c-server-test-token" "$log"; then failed=$((failed + 1)); echo "FAIL: the token reached the log"; fi
echo "c-server: $passed passed, $failed failed (8 clients x 50 requests in parallel: $wrong wrong)"
[ "$failed" -eq 0 ]
