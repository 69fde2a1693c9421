#!/usr/bin/env bash
# Builds the ae4j Python package's wheel (rust/ae4j-py) into OUT_DIR: abi3 (CPython >= 3.9),
# manylinux2014 (glibc 2.17), with maturin + zig from PyPI in a venv cached under
# ~/.cache/ae4j/ (keyed by their versions). Used by scripts/release.sh and
# scripts/test-python.sh.
#   scripts/build-wheel.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/build-wheel.sh OUT_DIR}

MATURIN_VERSION=1.16.0
ZIG_VERSION=0.17.1
PYTHON=${PYTHON:-python3}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ae4j
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
BUILD_VENV=$CACHE/py-build-$PYVER-maturin$MATURIN_VERSION-zig$ZIG_VERSION
if [ ! -x "$BUILD_VENV/bin/maturin" ] || [ ! -f "$BUILD_VENV/.complete" ]; then
  rm -rf "$BUILD_VENV"
  "$PYTHON" -m venv "$BUILD_VENV"
  "$BUILD_VENV/bin/pip" install --quiet --disable-pip-version-check \
    "maturin==$MATURIN_VERSION" "ziglang==$ZIG_VERSION"
  touch "$BUILD_VENV/.complete"
fi

mkdir -p "$OUT"
rm -f "$OUT"/ae4j-*.whl
echo "build-wheel: maturin $MATURIN_VERSION, zig $ZIG_VERSION, manylinux2014 -> $OUT"
PATH=$BUILD_VENV/bin:$PATH maturin build --release --zig --compatibility manylinux2014 \
  -m rust/ae4j-py/Cargo.toml -o "$OUT" --quiet
ls "$OUT"/ae4j-*.whl
