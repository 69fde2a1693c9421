#!/usr/bin/env bash
# Tests the release for old Linux systems and the service image (issue #20):
#   1. scripts/release.sh writes dist/ (nothing to compile when Gradle's build is up to date);
#   2. every shipped native file (dist/ae4j, the jar's JNI library, the wheel's extension when
#      there is one) needs no GLIBC symbol above 2.17 and links exactly the expected libraries;
#   3. in a Debian bullseye chroot (glibc 2.31) with its own OpenJDK 17: the jar's quick start,
#      the Java API on every fixture row and `ae4j predict` on every fixture CSV print exactly
#      the host's output, and the host build of the CLI fails to start;
#   4. the service image (scripts/build-image.sh) serves, scores the fixtures like the CLI,
#      runs as uid 65532, passes its HEALTHCHECK and stops on SIGTERM; its size is reported.
# Caches under ~/.cache/ae4j/: the zig tooling venv, the bullseye chroot and the image base
# (each keyed by its recipe). Installs mmdebstrap and podman with apt when they are missing.
# Needs root (mmdebstrap --mode=root, chroot, unshare, rootful podman). Under CI=true a missing
# prerequisite (mmdebstrap, deb.debian.org, a container engine) fails; otherwise it is skipped
# with a SKIPPED: line. Ends with "portable: N passed, M failed, K skipped".
set -uo pipefail
. "$(dirname "$0")/lib/portable.sh"
cd "$AE4J_ROOT"
HERE=$AE4J_ROOT/tests/portable
. "$HERE/checks.sh"
. "$HERE/natives.sh"
. "$HERE/bullseye.sh"
. "$HERE/image.sh"

[ "$(id -u)" = 0 ] || ae4j_fail "test-portable: needs root (mmdebstrap --mode=root, chroot, rootful podman)"
for tool in objdump python3 java javac unshare; do
  command -v "$tool" >/dev/null || ae4j_fail "test-portable: $tool not found"
done
DIST=$AE4J_ROOT/dist
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ae4j-portable.XXXXXX")
trap 'remove_containers 2>/dev/null; rm -rf "$WORK"' EXIT
START=$(date +%s)

echo "== dist/: scripts/release.sh"
t0=$(date +%s)
scripts/release.sh > "$WORK/release.log" 2>&1 || { tail -40 "$WORK/release.log" >&2; ae4j_fail "test-portable: scripts/release.sh failed"; }
echo "  release.sh: $(( $(date +%s) - t0 )) s"
# The host build of the CLI (this machine's glibc), which the other stages build too: the
# control that the glibc checks and the old system can tell the builds apart.
t0=$(date +%s)
cargo build --release --locked -q -p ae4j-cli || ae4j_fail "test-portable: cargo build -p ae4j-cli failed"
echo "  the host build of the CLI (cargo build --release -p ae4j-cli): $(( $(date +%s) - t0 )) s"
HOST_CLI=$AE4J_TARGET_DIR/release/ae4j

# What the parity runs read, in one directory the chroot sees too.
mkdir -p "$WORK/classes"
cp -r "$DIST" "$WORK/dist"
cp "$HOST_CLI" "$WORK/host-ae4j"
python3 "$HERE/fixture_inputs.py" tests/fixtures/cases "$WORK/inputs" > "$WORK/inputs.log"
javac -nowarn --release 8 -encoding UTF-8 -d "$WORK/classes" -cp "$DIST/ae4j-$AE4J_VERSION.jar" \
  java/examples/QuickStart.java "$HERE/FixtureScores.java" || ae4j_fail "test-portable: javac failed"
chmod -R a+rX "$WORK"
# The host's outputs, which the chroot and the image must reproduce.
parity_runs "$WORK" "$AE4J_ROOT/tests/fixtures" "$WORK/host" env

t0=$(date +%s); portable_natives; portable_same_as_host_build; echo "  ($(( $(date +%s) - t0 )) s)"
t0=$(date +%s); portable_bullseye; echo "  ($(( $(date +%s) - t0 )) s)"
t0=$(date +%s); portable_image; echo "  ($(( $(date +%s) - t0 )) s)"
echo "== test-portable: $(( $(date +%s) - START )) s"
portable_summary
