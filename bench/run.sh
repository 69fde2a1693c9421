#!/usr/bin/env bash
# Builds everything in release mode, resolves h2o-genmodel 3.46.0.7 with its runtime
# dependencies from Maven Central, and runs bench/bench.py (a Markdown report on stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out/classes"
cargo build --release --locked -p ae4j-cli
cargo build --release --locked -p ae4j-core --example throughput
gradle assemble --console=plain --no-daemon -q
if [ ! -f "$out/lib/h2o-genmodel-3.46.0.7.jar" ]; then
  mvn -q -f bench/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$out/lib"
fi
javac -d "$out/classes" -cp "$out/lib/*:build/libs/ae4j-0.1.0.jar" bench/java/LoopBench.java
python3 bench/bench.py
