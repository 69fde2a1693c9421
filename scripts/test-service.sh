#!/usr/bin/env bash
# The service's Python tests (tritonclient[http] against `ae4j serve`, OpenAPI validation of real
# answers, the KServe manifests) and hadolint on the Dockerfile. Installs the packages of
# tests/service/requirements.txt into build/service-venv when they are missing. Needs
# target/debug/ae4j (built here if absent) or $AE4J_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=build/service-venv
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s tests/service/requirements.txt "$stamp"; then
  echo "ae4j: installing the service test packages into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/service/requirements.txt
  cp tests/service/requirements.txt "$stamp"
fi

if [ -z "${AE4J_BIN:-}" ]; then
  cargo build --locked -p ae4j-cli --quiet
  # The debug binary, wherever cargo puts it (the tests read AE4J_BIN too).
  export AE4J_BIN="${CARGO_TARGET_DIR:-target}/debug/ae4j"
fi

echo "== Dockerfile: hadolint (the image is not built here: no Docker engine)"
"$venv/bin/hadolint" Dockerfile

echo "== Service: pytest tests/service (incl. schemathesis on every /openapi.json operation)"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests/service

# Bounded loopback load (RELIABILITY.md has the full 50 x 10,000 run): every answer's MSEs
# checked against the fixture's known values, 0 errors allowed, then SIGTERM must exit 0.
echo "== Service: load, ${AE4J_LOAD_CLIENTS:-50} clients x ${AE4J_LOAD_REQUESTS:-400} requests"
"$venv/bin/python" scripts/serve-load.py --serve "$AE4J_BIN" \
  "${AE4J_LOAD_CLIENTS:-50}" "${AE4J_LOAD_REQUESTS:-400}"
