#!/usr/bin/env bash
# Builds everything in release mode, resolves h2o-genmodel 3.46.0.7 with its runtime
# dependencies from Maven Central, runs bench/bench.py (criterion, JMH, CLI side by side) and
# writes BENCHMARKS.md. About 6 minutes on 2 cores; AE4J_BENCH_QUICK=1 for a smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
cargo build --release --locked -p ae4j-cli
cargo bench --locked -p ae4j-core --bench score --no-run
gradle assemble jmhClasses --console=plain --no-daemon -q
if [ ! -f "$out/lib/h2o-genmodel-3.46.0.7.jar" ]; then
  mvn -q -f bench/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$out/lib"
fi
python3 bench/bench.py
