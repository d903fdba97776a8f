#!/usr/bin/env bash
# Starts examples/c-server on a loopback port and calls it with curl: signed, expired, tampered, oversize and
# missing inputs, the widget callback, a NUL in a header or a query value, then 8 clients in parallel checking
# every answer, then 1,100 slow clients from one address while another address is answered in under 100 ms
# (abuse_check.py).
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
# a widget value signed as "A", sent as "A%00evil": the NUL is refused, never read as the end of the value
widget_a=$("$cli" sign widget --bot-token "$token" --auth-date "$now" id=42 first_name=A)
expect widget-nul 401 '"error":"malformed"' "$base/auth/telegram/callback?${widget_a/first_name=A/first_name=A%00evil}"
here=$(dirname "$0")
check() {  # name, abuse_check.py arguments...
    local name=$1
    shift
    if python3 "$here/abuse_check.py" "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $name"; fi
}
# a NUL in a header: libmicrohttpd before 1.0 (Debian's 0.9.75) ends the value at the NUL in its own parser, so
# the server sees only the signed part; from 1.0 on the whole value reaches it, and it refuses the NUL
if pkg-config --atleast-version=1.0.0 libmicrohttpd; then
    check header-nul nul-header "$port" "$good"
else
    echo "c-server: header-nul skipped: libmicrohttpd $(pkg-config --modversion libmicrohttpd) cuts a header value at a NUL before the server sees it"
fi

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
# idle and slow clients from one address do not starve the others (libmicrohttpd's connection limits)
check slow-clients slow-clients "$port" "$(sign "$(date +%s)")"
if grep -q "c-server-test-token" "$log"; then failed=$((failed + 1)); echo "FAIL: the token reached the log"; fi
echo "c-server: $passed passed, $failed failed (8 clients x 50 requests in parallel: $wrong wrong)"
[ "$failed" -eq 0 ]
