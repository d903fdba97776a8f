#!/usr/bin/env bash
# `make install` into a scratch prefix; a CMake project builds examples/c with find_package(tgauth 0.2) and
# target_link_libraries(... tgauth::tgauth) and runs it; a project asking for 0.9 is refused. Run by make test-cmake.
set -euo pipefail
version=$(sed -n 's/^#define TGAUTH_VERSION_STRING "\(.*\)"/\1/p' include/tgauth_verify.h)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
make -s install PREFIX="$dir/prefix" >/dev/null
project() {  # directory, version asked for
    mkdir -p "$1"
    cp examples/c/example.c "$1/"
    cat > "$1/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.16)
project(app C)
find_package(tgauth $2 REQUIRED)
add_executable(example example.c)
target_link_libraries(example PRIVATE tgauth::tgauth)
CMAKE
}
project "$dir/app" 0.2
cmake -S "$dir/app" -B "$dir/build" -DCMAKE_PREFIX_PATH="$dir/prefix" >/dev/null
cmake --build "$dir/build" >/dev/null
"$dir/build/example" >/dev/null
project "$dir/newer" 0.9
if cmake -S "$dir/newer" -B "$dir/build-newer" -DCMAKE_PREFIX_PATH="$dir/prefix" >/dev/null 2>&1; then
    echo "test-cmake: find_package(tgauth 0.9) accepted $version" >&2
    exit 1
fi
echo "test-cmake: find_package(tgauth 0.2) found $version; tgauth::tgauth built and ran examples/c; 0.9 was refused"
