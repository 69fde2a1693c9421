# Counting checks for scripts/test-portable.sh (sourced). Each check is one test: its closing
# line "portable: N passed, M failed, K skipped" is what scripts/test-all.sh counts.
PORTABLE_PASSED=0
PORTABLE_FAILED=0
PORTABLE_SKIPPED=0

pass() { PORTABLE_PASSED=$((PORTABLE_PASSED + 1)); echo "  ok: $*"; }
fail() { PORTABLE_FAILED=$((PORTABLE_FAILED + 1)); echo "  FAILED: $*" >&2; }

# skip WHY: a skip outside CI; under CI=true a missing prerequisite is a failure.
skip() {
  if [ "${CI:-}" = true ]; then
    fail "$* (a missing prerequisite fails under CI=true)"
  else
    PORTABLE_SKIPPED=$((PORTABLE_SKIPPED + 1))
    echo "  SKIPPED: $*"
  fi
}

# check WHAT CMD...: one test, passed when CMD succeeds (its output is shown when it fails).
check() {
  local what=$1 out; shift
  if out=$("$@" 2>&1); then pass "$what"; else fail "$what"; printf '%s\n' "$out" | tail -20 | sed 's/^/    /' >&2; fi
}

# same WHAT FILE_A FILE_B: one test, passed when the files are byte-identical.
same() {
  if cmp -s "$2" "$3"; then
    pass "$1 ($(wc -l < "$2") lines identical)"
  else
    fail "$1: $2 and $3 differ"
    diff "$2" "$3" | head -10 | sed 's/^/    /' >&2
  fi
}

portable_summary() {
  echo "portable: $PORTABLE_PASSED passed, $PORTABLE_FAILED failed, $PORTABLE_SKIPPED skipped"
  [ "$PORTABLE_FAILED" -eq 0 ]
}
