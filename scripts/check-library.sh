#!/usr/bin/env bash
# Checks the shared library's contract: SONAME, exported symbols, run-time dependencies, and that every
# function the header declares is exported (and nothing else).
set -euo pipefail
so=$1
fail=0
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libtgauth.so.0" ] || { echo "FAIL: SONAME is '$soname'"; fail=1; }
exports=$(nm -D --defined-only "$so" | awk '{print $3}' | sed 's/@.*//' | sort -u)
stray=$(echo "$exports" | grep -v '^tgauth_' || true)
[ -z "$stray" ] || { echo "FAIL: exported symbols outside the C API:"; echo "$stray" | head; fail=1; }
declared=$(cat include/tgauth*.h | grep -oE '\btgauth_[a-z0-9_]+\s*\(' | sed 's/\s*($//' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exports"))
extra=$(comm -13 <(echo "$declared") <(echo "$exports"))
[ -z "$missing" ] || { echo "FAIL: declared in include/tgauth*.h but not exported: $missing"; fail=1; }
[ -z "$extra" ] || { echo "FAIL: exported but not declared in include/tgauth*.h: $extra"; fail=1; }
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for lib in $needed; do
    case "$lib" in
        libcrypto.so.3|libsodium.so.23|libhiredis.so.0.14|libsecp256k1.so.1|libcurl.so.4|libc.so.6|libm.so.6|libstdc++.so.6|libgcc_s.so.1|ld-linux-x86-64.so.2) ;;
        *) echo "FAIL: unexpected run-time dependency $lib"; fail=1 ;;
    esac
done
if [ $fail -ne 0 ]; then exit 1; fi
echo "library contract: SONAME $soname; $(echo "$exports" | wc -l) symbols, all tgauth_*, all declared; NEEDED: $(echo $needed)"
