#!/usr/bin/env bash
# Runs every test of ae4j: the Rust workspace (core, CLI, JNI crate) and the Gradle build
# (JNI library, Java package, JUnit under -Xcheck:jni, jar, quick start), then the live
# `ae4j import-h2o` test against H2O 3.46.0.12 (tests/import/run_live.sh). Installs Gradle from
# Debian's packages when it is missing (the only Gradle this build environment can reach).
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! need cargo; then
  echo "ae4j: Rust (cargo) is required: https://rustup.rs" >&2
  exit 1
fi
if ! need java || ! need javac; then
  echo "ae4j: installing a JDK (openjdk-17-jdk-headless)"
  as_root apt-get update -qq
  as_root apt-get install -y -qq openjdk-17-jdk-headless
fi
if ! need gradle; then
  echo "ae4j: installing Gradle from Debian's packages"
  as_root apt-get update -qq
  as_root apt-get install -y -qq gradle
fi

echo "== Rust: cargo test --workspace"
cargo test --workspace --locked

echo "== Service: Python tests (tritonclient, OpenAPI, KServe manifests) and hadolint on the Dockerfile"
./scripts/test-service.sh

echo "== Java: gradle build (JNI library, JUnit with -Xcheck:jni, jar, quick start)"
gradle build --console=plain --no-daemon

echo "== Live: ae4j import-h2o against a real H2O 3.46.0.12 on 127.0.0.1 (tests/import/run_live.sh)"
bash tests/import/run_live.sh

echo "== Fuzz: a bounded libFuzzer run of every target in fuzz/ (about a minute each; AE4J_FUZZ=0 skips)"
./scripts/fuzz-bounded.sh

echo "== Spark: the ae4j-spark jar on a real local Spark 3.5 (side by side with Sparkling Water) and 4.0 (tests/spark/run.sh)"
tests/spark/run.sh
