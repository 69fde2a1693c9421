# scripts/test-portable.sh, part 2 (sourced): the release on an older Linux. A Debian bullseye
# userland (glibc 2.31, the last Debian release reachable here) with its own OpenJDK 17, made
# by mmdebstrap once and cached under ~/.cache/ae4j/bullseye-<recipe hash>/ (a changed recipe
# makes a new one). There, the jar's quick start, the Java API on the fixture rows and the CLI
# on the fixture CSVs must print exactly what they print on this host, and the host build of
# the CLI must fail to start (so these checks can fail).
BULLSEYE_MIRRORS=("deb http://deb.debian.org/debian bullseye main"
  "deb http://deb.debian.org/debian bullseye-updates main"
  "deb http://deb.debian.org/debian-security bullseye-security main")
BULLSEYE_RECIPE="mmdebstrap --variant=minbase --mode=root --include=openjdk-17-jre-headless bullseye ${BULLSEYE_MIRRORS[*]}"
BULLSEYE_KEY=$(printf '%s' "$BULLSEYE_RECIPE" | sha256sum | cut -c1-12)
CHROOT=$AE4J_CACHE/bullseye-$BULLSEYE_KEY

# bullseye_chroot: makes the cached chroot if it is missing; false (with a skip or failure
# recorded) when it cannot.
bullseye_chroot() {
  [ -f "$CHROOT/.complete" ] && return 0
  command -v mmdebstrap >/dev/null || ae4j_apt_install mmdebstrap || true
  if ! command -v mmdebstrap >/dev/null; then
    skip "bullseye: mmdebstrap is not installed and apt could not install it"; return 1
  fi
  if ! timeout 20 python3 -c 'import urllib.request; urllib.request.urlopen("http://deb.debian.org/debian/dists/bullseye/Release", timeout=15)' 2>/dev/null; then
    skip "bullseye: deb.debian.org is not reachable, and no chroot is cached in $CHROOT"; return 1
  fi
  echo "  making the bullseye chroot (once): $BULLSEYE_RECIPE"
  rm -rf "$AE4J_CACHE"/bullseye-*   # older recipes' chroots
  mkdir -p "$AE4J_CACHE"
  if ! mmdebstrap --quiet --variant=minbase --mode=root --include=openjdk-17-jre-headless \
      bullseye "$CHROOT.part" "${BULLSEYE_MIRRORS[@]}" > "$WORK/mmdebstrap.log" 2>&1; then
    tail -20 "$WORK/mmdebstrap.log" >&2
    rm -rf "$CHROOT.part"
    fail "bullseye: mmdebstrap failed (log above)"; return 1
  fi
  mv "$CHROOT.part" "$CHROOT" && touch "$CHROOT/.complete"
}

# in_bullseye CMD...: CMD in the chroot, in private mount and pid namespaces (its own /proc, a
# fresh /tmp, $WORK read-only at /work and the fixtures at /fixtures): nothing outlives it and
# the cached chroot is not written.
in_bullseye() {
  unshare --mount --pid --fork --mount-proc="$CHROOT/proc" -- bash -c '
    set -e
    chroot=$1 work=$2 fixtures=$3; shift 3
    mount -t tmpfs tmpfs "$chroot/tmp"
    mkdir -p "$chroot/tmp/work" "$chroot/tmp/fixtures"
    mount --bind "$work" "$chroot/tmp/work" && mount -o remount,bind,ro "$chroot/tmp/work"
    mount --bind "$fixtures" "$chroot/tmp/fixtures" && mount -o remount,bind,ro "$chroot/tmp/fixtures"
    exec chroot "$chroot" env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 "$@"
  ' in_bullseye "$CHROOT" "$WORK" "$AE4J_ROOT/tests/fixtures" "$@"
}

# parity_runs WORK_DIR FIXTURES_DIR OUT_DIR RUN...: the quick start, the Java API and the CLI on
# the fixtures, through RUN (env, or in_bullseye), with $WORK and tests/fixtures seen at
# WORK_DIR and FIXTURES_DIR; their outputs (and any exit status) go to OUT_DIR on the host.
parity_runs() {
  local w=$1 fx=$2 out=$3; shift 3
  mkdir -p "$out"
  "$@" java -Xmx512m -XX:-UsePerfData -cp "$w/dist/ae4j-$AE4J_VERSION.jar:$w/classes" QuickStart \
    "$fx/models/synth_tanh.zip" > "$out/quickstart.txt" 2>&1 || echo "exit $?" >> "$out/quickstart.txt"
  "$@" java -Xmx512m -XX:-UsePerfData -cp "$w/dist/ae4j-$AE4J_VERSION.jar:$w/classes" FixtureScores \
    "$fx" "$w/inputs" > "$out/java.txt" 2>&1 || echo "exit $?" >> "$out/java.txt"
  local name path
  while read -r name path; do
    "$@" "$w/dist/ae4j" predict -q -m "$fx/$path" -i "$w/inputs/$name.csv" -o - \
      --per-feature --reconstruction --on-error record > "$out/cli-$name.csv" 2>&1 || echo "exit $?" >> "$out/cli-$name.csv"
  done < "$WORK/inputs/models.txt"
}

portable_bullseye() {
  echo "== Debian bullseye (glibc 2.31) with its own OpenJDK 17: the release gives the host's numbers"
  bullseye_chroot || return 0
  local old_glibc host_glibc
  old_glibc=$(in_bullseye ldd --version | head -1 | grep -o '[0-9.]*$')
  host_glibc=$(ae4j_glibc_max "$HOST_CLI")
  if ae4j_version_le "$host_glibc" "$old_glibc"; then
    fail "bullseye: its glibc $old_glibc is not older than the host build's GLIBC_$host_glibc"
  else
    pass "bullseye: glibc $old_glibc, older than the host build needs (GLIBC_$host_glibc)"
  fi
  parity_runs /tmp/work /tmp/fixtures "$WORK/bullseye" in_bullseye
  check "host: the quick start printed an MSE" grep -q '^MSE: [0-9]' "$WORK/host/quickstart.txt"
  same "bullseye: the quick start prints the host's output" "$WORK/host/quickstart.txt" "$WORK/bullseye/quickstart.txt"
  check "host: the Java API scored the fixture rows" test "$(grep -c ' 0x' "$WORK/host/java.txt")" -gt 300
  same "bullseye: the Java API gives the host's numbers on every fixture row" "$WORK/host/java.txt" "$WORK/bullseye/java.txt"
  local name path
  while read -r name path; do
    same "bullseye: ae4j predict on $name gives the host's CSV" "$WORK/host/cli-$name.csv" "$WORK/bullseye/cli-$name.csv"
  done < "$WORK/inputs/models.txt"
  # The host build (linked against this machine's glibc) must not start there.
  local out
  if out=$(in_bullseye /tmp/work/host-ae4j --version 2>&1); then
    fail "bullseye: the host build target/release/ae4j started there ($out): the chroot cannot tell the builds apart"
  elif grep -q "GLIBC_2\.[0-9]*' not found" <<<"$out"; then
    pass "bullseye: the host build fails there: $(grep -o "GLIBC_2\.[0-9]*' not found" <<<"$out" | head -1)"
  else
    fail "bullseye: the host build failed for another reason than glibc: $out"
  fi
}
