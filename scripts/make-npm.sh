#!/usr/bin/env bash
# Builds dist/tgauth-<version>.tgz, the npm package of bindings/node, self-contained as the wheel is: its
# prebuilds/linux-x64/ holds the addon, libtgauth and every library they need but glibc and the C++ runtime
# (the libraries a manylinux wheel may also take from the system), each renamed with a -tgauth suffix so that
# it never meets another copy loaded by the process, and each found through $ORIGIN.
# Usage: scripts/make-npm.sh VERSION BUILD_DIR PATCHELF
set -euo pipefail
version=$1 build=$2 patchelf=$3
root=$(cd "$(dirname "$0")/.." && pwd)
stage=$root/$build/npm/package
prebuild=$stage/prebuilds/linux-x64
rm -rf "$root/$build/npm" && mkdir -p "$prebuild" "$root/dist"
pkg_version=$(node -p "require('$root/bindings/node/package.json').version")
[ "$pkg_version" = "$version" ] || { echo "bindings/node/package.json is $pkg_version, the library $version" >&2; exit 1; }

cd "$root/bindings/node"
cp -r package.json index.js index.mjs index.d.ts results.d.ts lib src "$stage/"
cp "$root/LICENSE" "$stage/" 2>/dev/null || true
sed '1s/.*/# tgauth for Node.js/' "$root/docs/node.md" > "$stage/README.md"

# the addon again, its rpath only $ORIGIN
cc -std=c11 -O2 -fPIC -shared -I/usr/include/node -I"$root/include" src/calls.c -L"$root/$build/lib" -ltgauth \
    -Wl,-rpath,'$ORIGIN' -o "$prebuild/tgauth.node"
cp "$root/$build/lib/libtgauth.so.$version" "$prebuild/libtgauth.so.0"

# glibc, and the C++ runtime Node itself runs on, stay the system's
system='^(linux-vdso|libc|libm|libdl|libpthread|librt|libresolv|libutil|libnsl|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so'
declare -A renamed
while read -r name path; do
    name=${name##*/}
    [[ "$name" =~ $system ]] && continue
    [ -n "$path" ] || { echo "make-npm: $name is not found" >&2; exit 1; }
    new="${name%%.so*}-tgauth.so${name#*.so}"
    cp -L "$path" "$prebuild/$new"
    chmod 644 "$prebuild/$new"
    "$patchelf" --set-soname "$new" "$prebuild/$new"
    renamed[$name]=$new
done < <(ldd "$prebuild/libtgauth.so.0" | awk '$2 == "=>" { print $1, $3 } $2 != "=>" { print $1, "" }' | sort -u)

for file in "$prebuild"/*; do
    for old in "${!renamed[@]}"; do
        "$patchelf" --replace-needed "$old" "${renamed[$old]}" "$file" 2>/dev/null || true
    done
    "$patchelf" --set-rpath '$ORIGIN' "$file"
done

# every library a file needs is in the folder or the system's short list
for file in "$prebuild"/*; do
    "$patchelf" --print-needed "$file" | while read -r needed; do
        [ -e "$prebuild/$needed" ] || [[ "$needed" =~ $system ]] || { echo "make-npm: $file needs $needed, not packaged" >&2; exit 1; }
    done
done

cd "$stage" && npm pack --silent --pack-destination "$root/dist" >/dev/null
ls -l "$root/dist/tgauth-$version.tgz"
echo "prebuilds/linux-x64: $(ls "$prebuild" | wc -l) files, $(du -sh "$prebuild" | cut -f1)"
