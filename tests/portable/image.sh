# scripts/test-portable.sh, part 3 (sourced): the service image, built by scripts/build-image.sh
# from dist/ and run with podman (runc; this machine's cgroups defeat crun) or docker:
#   A: nothing but -v DIR:/models:ro (DIR holding synth_tanh.zip): /healthz, the synth_tanh rows
#      scored through it equal the CLI's, it runs as uid 65532, its HEALTHCHECK passes, and
#      SIGTERM stops it (exit 0) within the service's 30 s grace period;
#   B: every fixture model under --model NAME=/models/NAME.zip: each fixture CSV scored through
#      it equals the CLI's.
# The image's size is reported.
GRACE_SECS=30   # ae4j serve --shutdown-grace-secs' default

# run_container NAME MODELS_DIR [ARGS...]: starts the image detached on an ephemeral
# 127.0.0.1 port; sets CONTAINER and PORT.
run_container() {
  local name=$1 models=$2; shift 2
  local runtime=()
  [ "$ENGINE" = podman ] && runtime=(--runtime runc)
  CONTAINER=$($ENGINE run -d --name "$name" "${runtime[@]}" \
    --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
    -p 127.0.0.1::8080 -v "$models:/models:ro" "$IMAGE" "$@" 2>>"$WORK/engine.log") || return 1
  STARTED+=("$CONTAINER")
  PORT=$($ENGINE port "$CONTAINER" 8080 2>>"$WORK/engine.log" | head -1 | sed 's/.*://')
  [ -n "$PORT" ] && python3 "$HERE/http_client.py" wait "http://127.0.0.1:$PORT/healthz" 30
}

remove_containers() {
  local c
  for c in "${STARTED[@]}"; do $ENGINE rm -f "$c" >/dev/null 2>>"$WORK/engine.log" || true; done
  STARTED=()
}

# score_through PORT NAME: the fixture CSV of NAME scored by the service, compared with the CLI's.
score_through() {
  local port=$1 name=$2 query=${3:-}
  python3 "$HERE/http_client.py" post "http://127.0.0.1:$port/v1/score?per_feature=true&reconstruction=true$query" \
    "$WORK/inputs/$name.csv" text/csv "$WORK/image-$name.csv" \
    && python3 "$HERE/same_scores.py" "$WORK/host/cli-$name.csv" "$WORK/image-$name.csv"
}

portable_image() {
  STARTED=()
  image_checks
  remove_containers
}

image_checks() {
  echo "== the service image (scripts/build-image.sh): built from dist/, run, scored, stopped"
  ENGINE=podman
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then ENGINE=docker; fi
  if [ "$ENGINE" = podman ] && ! command -v podman >/dev/null; then
    ae4j_apt_install podman runc >/dev/null 2>&1 || true
    command -v podman >/dev/null || { skip "image: neither a Docker engine nor podman (apt could not install it)"; return 0; }
  fi
  if ! IMAGE=$("$AE4J_ROOT/scripts/build-image.sh" 2>"$WORK/build-image.log" | tail -1); then
    cat "$WORK/build-image.log" >&2
    fail "image: scripts/build-image.sh failed (log above)"; return 0
  fi
  pass "image: $IMAGE built from dist/ with $ENGINE (no pull, no compiler)"

  local one=$WORK/models-one
  mkdir -p "$one" && cp "$AE4J_ROOT/tests/fixtures/models/synth_tanh.zip" "$one/"
  if ! run_container "ae4j-test-one-$$" "$one"; then
    if [ "$ENGINE" = podman ] && ! podman run --rm --runtime runc --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 --network none --entrypoint /usr/local/bin/ae4j "$IMAGE" --version >/dev/null 2>>"$WORK/engine.log"; then
      tail -5 "$WORK/engine.log" >&2
      skip "image: podman cannot run containers on this machine (log above)"; return 0
    fi
    tail -20 "$WORK/engine.log" >&2
    [ -n "${CONTAINER:-}" ] && $ENGINE logs "$CONTAINER" 2>&1 | tail -20 >&2
    fail "image: the container with -v $one:/models:ro did not serve /healthz"; return 0
  fi
  pass "image: serves /healthz with nothing but -v DIR:/models:ro (port $PORT)"
  check "image: the synth_tanh rows scored through it equal the CLI's" score_through "$PORT" synth_tanh
  check "image: runs as uid 65532" bash -c "$ENGINE exec '$CONTAINER' cat /proc/1/status | grep -Eq '^Uid:\s+65532\s+65532\s+65532\s+65532$'"
  if [ "$ENGINE" = podman ]; then
    check "image: its HEALTHCHECK passes (podman healthcheck run)" podman healthcheck run "$CONTAINER"
  else
    check "image: its HEALTHCHECK passes" bash -c "for i in \$(seq 40); do [ \"\$(docker inspect -f '{{.State.Health.Status}}' '$CONTAINER')\" = healthy ] && exit 0; sleep 1; done; exit 1"
  fi
  local t0 code secs
  t0=$(date +%s%N)
  $ENGINE kill --signal TERM "$CONTAINER" >/dev/null 2>>"$WORK/engine.log"
  code=$(timeout $((GRACE_SECS + 10)) $ENGINE wait "$CONTAINER" 2>>"$WORK/engine.log" | head -1)
  secs=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$code" = 0 ] && [ "$secs" -lt $((GRACE_SECS * 1000)) ]; then
    pass "image: SIGTERM stopped it, exit 0, in $secs ms (grace ${GRACE_SECS} s)"
  else
    fail "image: after SIGTERM: exit '${code:-none}' after $secs ms (grace ${GRACE_SECS} s)"
  fi

  local all=$WORK/models-all args=() name path
  mkdir -p "$all"
  while read -r name path; do
    cp "$AE4J_ROOT/tests/fixtures/$path" "$all/$name.zip"
    args+=(--model "$name=/models/$name.zip")
  done < "$WORK/inputs/models.txt"
  if run_container "ae4j-test-all-$$" "$all" "${args[@]}"; then
    while read -r name path; do
      check "image: the $name rows scored through it equal the CLI's" score_through "$PORT" "$name" "&model=$name"
    done < "$WORK/inputs/models.txt"
  else
    fail "image: the container with every fixture model did not serve /healthz"
  fi
  local bytes
  bytes=$($ENGINE image inspect --format '{{.Size}}' "$IMAGE")
  echo "  image size: $IMAGE $((bytes / 1000000)) MB ($bytes bytes; its CLI dist/ae4j $(( $(stat -c %s "$DIST/ae4j") / 1000000 )) MB)"
}
