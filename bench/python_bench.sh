#!/usr/bin/env bash
# Builds and installs the ae4j wheel (as scripts/test-python.sh does, without its tests), builds
# the CLI, and runs bench/python_bench.py, which writes bench/python.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/test-python.sh --collect-only -q >/dev/null
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
"$(cat "$TARGET/wheels-ae4j-py/test-venv")/bin/python" bench/python_bench.py "$TARGET/release/ae4j"
