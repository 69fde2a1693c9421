#!/usr/bin/env bash
# The H2O REST API tests: the real h2o Python client 3.46.0.7 (PyPI), the guide's curl flow and
# the recorded answers of a real H2O replayed as contract tests, all against
# `ae4j serve --h2o-api` on the fixture models.
#
#   tests/h2o-api/run.sh            # the tests (about a minute)
#   tests/h2o-api/run.sh --record   # re-record tests/fixtures/h2o-api/3.46.0.7 from a real H2O
#   tests/h2o-api/run.sh --bench [ROWS]  # time the h2o-py flow: real H2O vs ae4j (release build)
#
# The venv (h2o==3.46.0.7, pandas, pytest) is cached in ~/.cache/ae4j/h2o-api-venv-<hash of
# requirements.txt>. The binary is $AE4J_BIN, else the debug build (built here; respects
# CARGO_TARGET_DIR). Under CI=true a missing prerequisite is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "tests/h2o-api: $*" >&2; exit 1; }
for tool in python3 curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install $tool)"
done
if [ "${1:-}" = --record ] || [ "${1:-}" = --bench ]; then
  command -v java >/dev/null || fail "java is missing: recording runs the wheel's h2o.jar"
fi

req=tests/h2o-api/requirements.txt
venv="${AE4J_CACHE:-$HOME/.cache/ae4j}/h2o-api-venv-$(sha256sum "$req" | cut -c1-12)"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  echo "tests/h2o-api: installing $(tr '\n' ' ' < "$req")into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "python3 -m venv failed (apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" \
    || fail "pip install -r $req failed"
  touch "$venv/.complete"
fi

if [ "${1:-}" = --record ]; then
  cd tests/h2o-api && exec "$venv/bin/python" record.py
fi
if [ "${1:-}" = --bench ]; then
  cargo build --locked --release -p ae4j-cli --quiet
  AE4J_BIN="$(pwd)/${CARGO_TARGET_DIR:-target}/release/ae4j"
  export AE4J_BIN
  cd tests/h2o-api && exec "$venv/bin/python" bench.py "${2:-100000}"
fi

if [ -z "${AE4J_BIN:-}" ]; then
  cargo build --locked -p ae4j-cli --quiet
  export AE4J_BIN="${CARGO_TARGET_DIR:-target}/debug/ae4j"
fi
[ -x "$AE4J_BIN" ] || fail "$AE4J_BIN is not an executable"
AE4J_BIN="$(cd "$(dirname "$AE4J_BIN")" && pwd)/$(basename "$AE4J_BIN")"
export AE4J_BIN

echo "== H2O REST API: h2o-py 3.46.0.7, curl flow, recorded contracts (tests/h2o-api)"
cd tests/h2o-api
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning .
