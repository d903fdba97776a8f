#!/usr/bin/env bash
# Builds the Debian packages from what `make` put in build/, into dist/:
#   libtgauth0     the runtime library (SONAME libtgauth.so.0), with a shlibs file for packages built on it
#   libtgauth-dev  the headers, the libtgauth.so link and tgauth.pc
#   tgauth-cli     the tgauth command
#   tgauth-serve   the forward-auth gateway, its systemd unit (not enabled) and /etc/default/tgauth-serve
# Each package's Depends: comes from dpkg-shlibdeps, read off the binaries' NEEDED entries.
# Usage: scripts/make-debs.sh VERSION SOVERSION
set -euo pipefail
version=$1 soversion=$2
debversion="$version-1"
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
libdir="usr/lib/$multiarch"
stage=build/deb
maintainer="tgauth developers <tgauth@users.noreply.github.com>"
rm -rf "$stage" dist/*.deb
mkdir -p "$stage/src/debian" dist
printf 'Source: tgauth\n\nPackage: tgauth\nArchitecture: any\n' > "$stage/src/debian/control"

# shlibs:Depends of some binaries, as dpkg-shlibdeps computes it
depends() {
    local files=()
    for f in "$@"; do files+=("$(realpath "$f")"); done
    (cd "$stage/src" && dpkg-shlibdeps -O "${files[@]}" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}

control() {  # package section depends description...
    local package=$1 section=$2 deps=$3 summary=$4 long=$5
    mkdir -p "$stage/$package/DEBIAN"
    {
        echo "Package: $package"
        echo "Version: $debversion"
        echo "Architecture: $arch"
        echo "Maintainer: $maintainer"
        echo "Section: $section"
        echo "Priority: optional"
        case "$package" in tgauth-cli|tgauth-serve) ;; *) echo "Multi-Arch: same" ;; esac
        echo "Installed-Size: $(du -sk --exclude=DEBIAN "$stage/$package" | cut -f1)"
        echo "Depends: $deps"
        echo "Homepage: https://github.com/tgauth/tgauth"
        echo "Description: $summary"
        echo "$long" | fold -s -w 78 | sed 's/^/ /'
    } > "$stage/$package/DEBIAN/control"
}

about="tgauth checks Telegram logins on the server: Login Widget data, Mini App initData (HMAC and \
Telegram's Ed25519 third-party signature), OpenID Connect id_tokens (RS256, ES256, EdDSA, ES256K) and the \
bot deep-link login."

# libtgauth0
pkg="$stage/libtgauth0"
install -d "$pkg/$libdir" "$pkg/usr/share/doc/libtgauth0"
install -m 644 "build/lib/libtgauth.so.$version" "$pkg/$libdir/"
ln -s "libtgauth.so.$version" "$pkg/$libdir/libtgauth.so.$soversion"
control libtgauth0 libs "$(depends "$pkg/$libdir/libtgauth.so.$version")" "Telegram login verification (shared library)" "$about"
echo "libtgauth $soversion libtgauth0 (>= $version)" > "$pkg/DEBIAN/shlibs"
echo "activate-noawait ldconfig" > "$pkg/DEBIAN/triggers"

# libtgauth-dev: the installed .pc names the system paths (the build tree's is relative to itself)
pkg="$stage/libtgauth-dev"
install -d "$pkg/$libdir/pkgconfig" "$pkg/usr/include" "$pkg/usr/share/doc/libtgauth-dev"
install -m 644 include/tgauth*.h "$pkg/usr/include/"
ln -s "libtgauth.so.$soversion" "$pkg/$libdir/libtgauth.so"
sed -e "s|^prefix=.*|prefix=/usr|" -e "s|^libdir=.*|libdir=\${prefix}/lib/$multiarch|" \
    -e 's| -Wl,-rpath,${libdir}||' -e "s/@VERSION@/$version/" scripts/tgauth.pc.in > "$pkg/$libdir/pkgconfig/tgauth.pc"
control libtgauth-dev libdevel "libtgauth0 (= $debversion)" "Telegram login verification (development files)" \
    "$about This package holds the C headers (tgauth.h and its module headers), the link library and tgauth.pc."

# tgauth-cli
pkg="$stage/tgauth-cli"
install -d "$pkg/usr/bin" "$pkg/usr/share/doc/tgauth-cli"
install -m 755 build/bin/tgauth "$pkg/usr/bin/tgauth"
control tgauth-cli utils "$(depends "$pkg/usr/bin/tgauth")" "Telegram login verification (command-line tool)" \
    "$about This package holds the tgauth command: verify and sign initData, widget data and id_tokens."

# tgauth-serve: the binary stripped (the Swift runtime and Foundation are linked into it)
pkg="$stage/tgauth-serve"
install -d "$pkg/usr/bin" "$pkg/lib/systemd/system" "$pkg/etc/default" "$pkg/etc/tgauth" "$pkg/usr/share/doc/tgauth-serve"
install -m 755 -s build/bin/tgauth-serve "$pkg/usr/bin/tgauth-serve"
install -m 644 scripts/debian/tgauth-serve.service "$pkg/lib/systemd/system/tgauth-serve.service"
install -m 644 scripts/debian/tgauth-serve.default "$pkg/etc/default/tgauth-serve"
chmod 700 "$pkg/etc/tgauth"
control tgauth-serve httpd "$(depends "$pkg/usr/bin/tgauth-serve")" "Telegram login in front of any web app (forward auth)" \
    "$about This package holds tgauth-serve, a forward-auth gateway for nginx (auth_request), Caddy (forward_auth) and \
Traefik (ForwardAuth), with its systemd unit (not enabled until configured in /etc/default/tgauth-serve)."
echo "/etc/default/tgauth-serve" > "$pkg/DEBIAN/conffiles"

for p in libtgauth0 libtgauth-dev tgauth-cli tgauth-serve; do
    printf 'tgauth %s\nhttps://github.com/tgauth/tgauth\nLicense: MIT\n' "$version" > "$stage/$p/usr/share/doc/$p/copyright"
    dpkg-deb --root-owner-group --build "$stage/$p" "dist/${p}_${debversion}_${arch}.deb" >/dev/null
    echo "dist/${p}_${debversion}_${arch}.deb: Depends: $(dpkg-deb -f "dist/${p}_${debversion}_${arch}.deb" Depends)"
done
