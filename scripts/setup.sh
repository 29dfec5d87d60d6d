#!/usr/bin/env bash
# Install every Debian package segkit needs to build, run, test and benchmark.
# Idempotent: installs only what is missing, so running it twice is cheap and safe.
# Not here: Node.js/npm, needed only by bench/nn.py's ONNX Runtime peer (most machines
# have them; Debian's npm package conflicts with other Node.js installs, so it is left to
# the user: apt-get install nodejs npm).
set -euo pipefail
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libpng-dev libturbojpeg0-dev libjpeg62-turbo-dev   # image codecs
  clang libclang-rt-14-dev                           # libFuzzer targets
  libcjson-dev                                       # COCO / model-config JSON
  libdnnl-dev libopenblas-dev                        # neural-network backend
  python3 python3-numpy python3-pytest               # binding and tests
  python3-opencv python3-skimage                     # parity references
  python3-torch python3-torchvision python3-onnx     # model references
)
missing=()
for p in "${PACKAGES[@]}"; do
  [[ $p == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi
