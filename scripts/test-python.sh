#!/usr/bin/env bash
# The Python package (rust/ae4j-py): builds the manylinux2014 abi3 wheel with maturin + zig,
# checks its tag and that it needs no glibc newer than 2.17, installs it into a test venv with
# pandas, Polars, pyarrow, numpy, pytest, h2o==3.46.0.7 (for the mojo_predict_pandas
# drop-in test, which runs genmodel's PredictCsv with Java) and scikit-learn (for
# ae4j.pipeline.from_sklearn's tests), and runs the pytest suite.
# Venvs are cached under ~/.cache/ae4j/, keyed by the versions they hold.
# AE4J_WHEEL=FILE tests that wheel instead of building one; AE4J_BIN=FILE uses that CLI.
# Under CI=true a missing prerequisite (python3, java, objdump) is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

TEST_REQUIREMENTS="numpy pandas polars pyarrow pytest h2o==3.46.0.7 scikit-learn"
PYTHON=${PYTHON:-python3}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ae4j

fail() { echo "test-python: $*" >&2; exit 1; }
command -v "$PYTHON" >/dev/null || fail "$PYTHON not found (needs Python >= 3.9 with venv)"
command -v objdump >/dev/null || fail "objdump not found (apt-get install binutils)"
if ! command -v java >/dev/null; then
  [ "${CI:-}" = true ] && fail "java not found: the h2o drop-in tests need one"
  echo "test-python: no java: the h2o drop-in tests will be skipped" >&2
fi
PYVER=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# A venv keyed by what it holds; rebuilt when the key changes.
venv() {
  local dir=$1; shift
  if [ ! -x "$dir/bin/python" ] || [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    "$PYTHON" -m venv "$dir"
    "$dir/bin/pip" install --quiet --upgrade pip
    "$dir/bin/pip" install --quiet "$@"
    touch "$dir/.complete"
  fi
}

KEY=$(echo "$PYVER $TEST_REQUIREMENTS" | sha256sum | cut -c1-12)
TEST_VENV=$CACHE/py-test-$KEY
venv "$TEST_VENV" $TEST_REQUIREMENTS

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WHEELS=$TARGET/wheels-ae4j-py
rm -rf "$WHEELS"
if [ -n "${AE4J_WHEEL:-}" ]; then  # a wheel built already (scripts/release.sh's, in test-all.sh)
  mkdir -p "$WHEELS" && cp "$AE4J_WHEEL" "$WHEELS/"
else
  scripts/build-wheel.sh "$WHEELS"
fi
WHEEL=$(ls "$WHEELS"/ae4j-*.whl)
case "$(basename "$WHEEL")" in
  *-cp39-abi3-*manylinux2014_x86_64*|*-cp39-abi3-*manylinux_2_17_x86_64*) ;;
  *) fail "unexpected wheel tag: $(basename "$WHEEL") (want cp39-abi3 manylinux2014)" ;;
esac
UNPACK=$(mktemp -d); trap 'rm -rf "$UNPACK"' EXIT
"$TEST_VENV/bin/python" -m zipfile -e "$WHEEL" "$UNPACK"
SO=$(ls "$UNPACK"/ae4j/_native*.so)
GLIBC=$(objdump -T "$SO" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
[ "$(printf '%s\n2.17\n' "$GLIBC" | sort -V | tail -1)" = 2.17 ] \
  || fail "the extension needs GLIBC_$GLIBC (> 2.17)"
echo "test-python: $(basename "$WHEEL"), highest glibc symbol GLIBC_$GLIBC"

"$TEST_VENV/bin/pip" install --quiet --force-reinstall --no-deps "$WHEEL"
echo "$TEST_VENV" > "$WHEELS/test-venv"  # for bench/python_bench.sh

# The CLI of this checkout: calibrate() must write what `ae4j calibrate` writes.
if [ -z "${AE4J_BIN:-}" ]; then
  cargo build --release -p ae4j-cli --quiet
  export AE4J_BIN=$TARGET/release/ae4j
fi

cd "$ROOT/rust/ae4j-py/tests"  # not the source tree: the installed wheel is tested
"$TEST_VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" .
