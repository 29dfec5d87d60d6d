#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install, build, run the C unit tests
# and Python parity tests, then the same suite under AddressSanitizer + UBSan, then a
# short run of every fuzz target. Exit status non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
jobs=$(nproc)

echo "== release build and tests"
scripts/build.sh build
(cd build && ctest --output-on-failure -j"$jobs")

echo "== install check (find_package and pkg-config consumers)"
tests/install/check.sh build

if [[ ${SEGKIT_SKIP_SANITIZE:-0} != 1 ]]; then
  echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
  scripts/build.sh build-asan -DSEGKIT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
  (cd build-asan && ctest --output-on-failure -j"$jobs")
fi

if [[ ${SEGKIT_SKIP_FUZZ:-0} != 1 ]]; then
  echo "== fuzz targets (${SEGKIT_FUZZ_SECONDS:-20} s each)"
  CC=clang scripts/build.sh build-fuzz -DSEGKIT_FUZZ=ON -DSEGKIT_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fuzz/run.sh build-fuzz "${SEGKIT_FUZZ_SECONDS:-20}"
fi
echo "== all tests passed"
