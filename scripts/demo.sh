#!/usr/bin/env bash
# The main job on the bundled sample images: install, build, then run segkit's
# commands on data/*, writing pictures into out/ (or $1) and printing what it did.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
out=${1:-out}
mkdir -p "$out"
seg=build/segkit
$seg info
for step in scripts/demo.d/*.sh; do
  # shellcheck source=/dev/null
  source "$step"
done
echo "demo: wrote $(find "$out" -type f | wc -l) files into $out/"
