#!/usr/bin/env bash
# Builds the portable native files, for any Linux with glibc 2.17 or newer: the JNI library
# (libae4j_jni.so, which the jar carries) and the CLI (ae4j), with cargo zigbuild (zig links
# against glibc 2.17's symbol versions), into target/<arch>-unknown-linux-gnu/release/.
# Both crates in one cargo call, so their shared dependencies are built once. Installs zig and
# cargo-zigbuild from PyPI into a venv cached under ~/.cache/ae4j/. Gradle's cargoBuildJni runs
# this unless -Pae4j.native=host.
set -euo pipefail
. "$(dirname "$0")/lib/portable.sh"
cd "$AE4J_ROOT"
[ "$(uname -s)" = Linux ] || ae4j_fail "the portable build is for Linux; elsewhere use gradle -Pae4j.native=host"
ae4j_zig_tooling
cargo zigbuild --release --locked -p ae4j-jni -p ae4j-cli --target "$AE4J_TRIPLE.$AE4J_GLIBC_FLOOR" "$@"
