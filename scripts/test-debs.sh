#!/usr/bin/env bash
# Installs the four packages in dist/ into this system with apt-get, builds examples/c with nothing but
# `pkg-config --cflags --libs tgauth`, runs it and the tgauth command, then removes the packages and checks
# that none of their files is left. Needs root (or sudo). Run by `make test-deb`.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
packages=(libtgauth0 libtgauth-dev tgauth-cli tgauth-serve)
debs=()
for p in "${packages[@]}"; do
    f=$(ls dist/"${p}"_*.deb)
    debs+=("$(realpath "$f")")
    if dpkg -s "$p" >/dev/null 2>&1; then
        echo "test-deb: $p is installed already; this test installs and removes its own" >&2
        exit 1
    fi
done
files=$(for d in "${debs[@]}"; do dpkg-deb -c "$d" | awk '{print $6}' | sed 's|^\.||' | grep -v '/$'; done)
remove() { $SUDO apt-get remove -y -qq --purge "${packages[@]}" >/dev/null 2>&1 || true; }
trap remove EXIT

DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${debs[@]}" >/dev/null
dir=$(mktemp -d)
cp examples/c/example.c "$dir/"
(
    cd "$dir"
    env -u PKG_CONFIG_PATH cc -std=c99 -Wall -Werror -o example example.c $(env -u PKG_CONFIG_PATH pkg-config --cflags --libs tgauth)
    ./example >/dev/null
    lib=$(realpath "$(ldd ./example | awk '/libtgauth/ {print $3}')")  # /lib is /usr/lib on a merged /usr
    case "$lib" in /usr/lib/*/libtgauth.so.*) ;; *) echo "test-deb: the example linked $lib, not the package's" >&2; exit 1 ;; esac
    token=123456:deb-test
    data=$(tgauth sign init-data --bot-token "$token" --auth-date "$(date +%s)" 'user={"id":1,"first_name":"A"}')
    echo "$data" | tgauth verify init-data --bot-token "$token" >/dev/null
    echo "test-deb: installed; examples/c built with pkg-config against $lib and ran; /usr/bin/tgauth signed and verified"
    # the gateway: it runs, refuses to start unconfigured, and its unit is valid
    tgauth-serve --help >/dev/null
    if tgauth-serve 2>/dev/null; then echo "test-deb: tgauth-serve started without a configuration" >&2; exit 1; fi
    [ -f /etc/default/tgauth-serve ] && [ -f /lib/systemd/system/tgauth-serve.service ]
    if command -v systemd-analyze >/dev/null 2>&1; then
        # no warning either: an unknown key is only "ignoring" for systemd, and a failure here
        out=$(systemd-analyze verify --man=no /lib/systemd/system/tgauth-serve.service 2>&1) || { echo "$out" >&2; exit 1; }
        [ -z "$out" ] || { echo "test-deb: systemd-analyze: $out" >&2; exit 1; }
    fi
    echo "test-deb: /usr/bin/tgauth-serve runs, refuses to start unconfigured; its unit and defaults are in place"
)
rm -rf "$dir"
remove
trap - EXIT
for p in "${packages[@]}"; do
    if dpkg -s "$p" >/dev/null 2>&1; then echo "test-deb: $p is still installed" >&2; exit 1; fi
done
left=0
while read -r f; do
    if [ -e "$f" ] || [ -L "$f" ]; then echo "test-deb: left behind: $f" >&2; left=1; fi
done <<< "$files"
[ "$left" -eq 0 ]
if ldconfig -p | grep -q libtgauth; then echo "test-deb: libtgauth is still in the linker cache" >&2; exit 1; fi
echo "test-deb: removed; none of the $(echo "$files" | wc -l) files is left, nor a linker cache entry"
