#!/usr/bin/env bash
# Configure and build segkit. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Warnings are errors here, as in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSEGKIT_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
