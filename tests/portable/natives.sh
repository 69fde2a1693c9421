# scripts/test-portable.sh, part 1 (sourced): what every shipped native file needs from the
# system. The glibc floor is AE4J_GLIBC_FLOOR (2.17); the libraries they may link are listed
# here, so a new dependency (libgcc_s, libstdc++, libssl, ...) is a decision, not an accident.
EXPECTED_NEEDED_CLI="ld-linux-x86-64.so.2 libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0"
# libm.so.6 (glibc's own, on every glibc system, and allowed by manylinux2014): the pipeline's
# log/log1p/exp/pow are the C library's on purpose, so a spec gives the numbers numpy and
# scikit-learn give with libm's functions (docs/pipeline.md); the symbols stay under the floor.
EXPECTED_NEEDED_JNI="ld-linux-x86-64.so.2 libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0"
EXPECTED_NEEDED_PY="ld-linux-x86-64.so.2 libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0"   # checked on the wheel of rust/ae4j-py (maturin --zig)

# native_ok NAME FILE EXPECTED_NEEDED: two tests, the glibc floor and the dependency list.
native_ok() {
  local name=$1 file=$2 expected=$3 glibc needed
  glibc=$(ae4j_glibc_max "$file")
  if [ -n "$glibc" ] && ae4j_version_le "$glibc" "$AE4J_GLIBC_FLOOR"; then
    pass "$name: highest GLIBC symbol version $glibc <= $AE4J_GLIBC_FLOOR"
  else
    fail "$name: needs GLIBC_${glibc:-?} (floor $AE4J_GLIBC_FLOOR): $(objdump -T "$file" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -3 | tr '\n' ' ')"
  fi
  needed=$(ae4j_needed "$file")
  if [ "$needed" = "$expected" ]; then
    pass "$name: NEEDED is exactly [$needed]"
  else
    fail "$name: NEEDED [$needed], expected [$expected]"
  fi
}

portable_natives() {
  echo "== shipped native files: glibc floor $AE4J_GLIBC_FLOOR and shared-library dependencies"
  local unpacked=$WORK/unpacked
  mkdir -p "$unpacked"
  native_ok "dist/ae4j" "$DIST/ae4j" "$EXPECTED_NEEDED_CLI"
  ae4j_unzip "$DIST/ae4j-$AE4J_VERSION.jar" "$unpacked/jar" io/ae4j/native/
  local lib n=0
  for lib in $(find "$unpacked/jar" -type f | sort); do
    n=$((n + 1))
    native_ok "ae4j-$AE4J_VERSION.jar!${lib#$unpacked/jar/}" "$lib" "$EXPECTED_NEEDED_JNI"
  done
  [ "$n" -gt 0 ] || fail "the jar carries no native library"
  local wheel
  for wheel in "$DIST"/*.whl; do
    [ -f "$wheel" ] || continue
    rm -rf "$unpacked/wheel" && ae4j_unzip "$wheel" "$unpacked/wheel" ""
    for lib in $(find "$unpacked/wheel" -name '*.so' | sort); do
      native_ok "$(basename "$wheel")!${lib#$unpacked/wheel/}" "$lib" "$EXPECTED_NEEDED_PY"
    done
  done
  # The check can fail: the host build (this machine's glibc) is above the floor.
  local host_glibc
  host_glibc=$(ae4j_glibc_max "$HOST_CLI")
  if ae4j_version_le "$host_glibc" "$AE4J_GLIBC_FLOOR"; then
    fail "the host build target/release/ae4j needs only GLIBC_$host_glibc: the floor check cannot tell the builds apart here"
  else
    pass "the floor check tells them apart: the host build target/release/ae4j needs GLIBC_$host_glibc"
  fi
}

# The portable CLI gives the numbers of the host build (same code, another libc and linker).
portable_same_as_host_build() {
  echo "== the portable CLI against the host build, on this host"
  local name path
  while read -r name path; do
    "$HOST_CLI" predict -q -m "tests/fixtures/$path" -i "$WORK/inputs/$name.csv" -o "$WORK/host-build-$name.csv" \
      --per-feature --reconstruction --on-error record
    same "dist/ae4j and the host build agree on $name" "$WORK/host-build-$name.csv" "$WORK/host/cli-$name.csv"
  done < "$WORK/inputs/models.txt"
}
