#!/usr/bin/env bash
# Install a build into a temporary prefix, then build a consumer two ways, as a user would:
# CMake's find_package(segkit) and pkg-config (shared and static). Usage: check.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S tests/install -B "$tmp/cm" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cm" >/dev/null
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/cm/consumer"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
cc tests/install/consumer.c -o "$tmp/pc" $(pkg-config --cflags --libs segkit)
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/pc"
cc tests/install/consumer.c -o "$tmp/pcs" $(pkg-config --cflags segkit) -static-libgcc \
  "$tmp/prefix/lib/libsegkit.a" $(pkg-config --static --libs-only-l --libs-only-L segkit | sed 's/-lsegkit//') -fopenmp
"$tmp/pcs"
"$tmp/prefix/bin/segkit" --version
echo "install check: find_package, pkg-config shared and static all work"
