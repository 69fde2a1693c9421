#!/usr/bin/env bash
# Writes the release artifacts into dist/, for any Linux x86_64 with glibc 2.17 or newer:
#   dist/ae4j                      the CLI (the portable build; `dist/ae4j --version`)
#   dist/ae4j-<version>.jar        io.ae4j with the portable JNI library inside (Java 8 bytecode)
#   dist/ae4j-spark-<version>.jar  io.ae4j.spark (Java 8 bytecode; needs the jar above)
#   dist/<the Python wheel>        when the Python package exists (see the hook below)
#   dist/SHA256SUMS                `sha256sum -c SHA256SUMS` checks them
# The native files come from scripts/build-native.sh (cargo zigbuild), through Gradle, which
# builds them once for its tests and its jar; this script adds nothing to compile when they are
# up to date. It checks what it ships: the CLI's version, the jar's library is the portable
# build, and the class files' bytecode version. scripts/test-portable.sh tests dist/ further.
set -euo pipefail
. "$(dirname "$0")/lib/portable.sh"
cd "$AE4J_ROOT"
command -v gradle >/dev/null || ae4j_fail "gradle not found (apt-get install gradle)"
V=$AE4J_VERSION
DIST=$AE4J_ROOT/dist

echo "== release $V: the portable native files and the jars (gradle assemble, -Pae4j.native=portable)"
gradle :java:jar :spark:jar -Pae4j.native=portable --console=plain --no-daemon -q
LIB=$AE4J_PORTABLE_DIR/libae4j_jni.so
[ -f "$LIB" ] && [ -x "$AE4J_PORTABLE_DIR/ae4j" ] || ae4j_fail "the portable build left no $LIB / ae4j"

rm -rf "$DIST" && mkdir -p "$DIST"
install -m 0755 "$AE4J_PORTABLE_DIR/ae4j" "$DIST/ae4j"
cp "java/build/libs/ae4j-$V.jar" "spark/build/libs/ae4j-spark-$V.jar" "$DIST/"

# ---- hook for the Python package (rust/ae4j-py): `scripts/build-wheel.sh OUT_DIR` must write
# its manylinux2014 wheel (one .whl) into OUT_DIR. Until that script exists no wheel is shipped.
if [ -f rust/ae4j-py/Cargo.toml ]; then
  if [ -x scripts/build-wheel.sh ]; then
    echo "== release $V: the Python wheel (scripts/build-wheel.sh)"
    scripts/build-wheel.sh "$DIST"
    ls "$DIST"/*.whl >/dev/null 2>&1 || ae4j_fail "scripts/build-wheel.sh wrote no wheel into $DIST"
  else
    echo "release: rust/ae4j-py exists but scripts/build-wheel.sh does not: no wheel in dist/" >&2
  fi
fi
# ---- end of the Python hook

# What is shipped is what was built and tested.
[ "$("$DIST/ae4j" --version)" = "ae4j $V" ] || ae4j_fail "dist/ae4j --version: $("$DIST/ae4j" --version), want ae4j $V"
CHECK=$(mktemp -d); trap 'rm -rf "$CHECK"' EXIT
ae4j_unzip "$DIST/ae4j-$V.jar" "$CHECK" io/ae4j/native/ io/ae4j/RowData.class
cmp -s "$CHECK/io/ae4j/native/$AE4J_PLATFORM/libae4j_jni.so" "$LIB" \
  || ae4j_fail "the jar's io/ae4j/native/$AE4J_PLATFORM/libae4j_jni.so is not the portable build $LIB"
[ "$(find "$CHECK/io/ae4j/native" -type f | wc -l)" = 1 ] || ae4j_fail "the jar carries more native files than $AE4J_PLATFORM's"
ae4j_unzip "$DIST/ae4j-spark-$V.jar" "$CHECK" io/ae4j/spark/AutoEncoderMOJOModel.class
for class in io/ae4j/RowData.class io/ae4j/spark/AutoEncoderMOJOModel.class; do
  major=$(od -An -j6 -N2 -tu1 "$CHECK/$class" | awk '{print $1 * 256 + $2}')
  [ "$major" = 52 ] || ae4j_fail "$class has class-file version $major, want 52 (Java 8)"
done

(cd "$DIST" && sha256sum -- * > SHA256SUMS)
echo "== dist/ ($V, glibc >= $AE4J_GLIBC_FLOOR, highest GLIBC symbol: CLI $(ae4j_glibc_max "$DIST/ae4j"), JNI $(ae4j_glibc_max "$LIB"))"
(cd "$DIST" && ls -l && cat SHA256SUMS)
