#!/usr/bin/env bash
# Builds the service image localhost/ae4j:<version> from dist/ (run scripts/release.sh first):
# the Dockerfile's `prebuilt` target, which copies the portable CLI dist/ae4j into a base this
# script makes itself (Debian bookworm minbase by mmdebstrap, imported as
# localhost/ae4j-base:bookworm-<recipe hash>; its tarball cached under ~/.cache/ae4j/), so
# nothing is pulled and nothing is compiled in the image build. Docker image format, so the
# HEALTHCHECK is kept. Uses podman, or docker when a Docker engine answers.
#   scripts/build-image.sh            prints the image name on its last line
# Installs mmdebstrap (and podman when there is no engine) with apt when they are missing.
set -euo pipefail
. "$(dirname "$0")/lib/portable.sh"
cd "$AE4J_ROOT"
IMAGE=localhost/ae4j:$AE4J_VERSION
[ -x dist/ae4j ] || ae4j_fail "no dist/ae4j: run scripts/release.sh first"

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  ENGINE=docker
else
  command -v podman >/dev/null || ae4j_apt_install podman runc || ae4j_fail "cannot install podman"
  ENGINE=podman
fi
command -v mmdebstrap >/dev/null || ae4j_apt_install mmdebstrap || ae4j_fail "cannot install mmdebstrap"

# The base: its recipe is its cache key (a changed recipe makes a new base).
BASE_SUITE=bookworm
BASE_MIRRORS=("deb http://deb.debian.org/debian $BASE_SUITE main"
  "deb http://deb.debian.org/debian $BASE_SUITE-updates main"
  "deb http://deb.debian.org/debian-security $BASE_SUITE-security main")
BASE_RECIPE="mmdebstrap --variant=minbase --format=tar $BASE_SUITE ${BASE_MIRRORS[*]}"
BASE_KEY=$(printf '%s' "$BASE_RECIPE" | sha256sum | cut -c1-12)
BASE=localhost/ae4j-base:$BASE_SUITE-$BASE_KEY
BASE_TAR=$AE4J_CACHE/image-base-$BASE_SUITE-$BASE_KEY.tar
if ! $ENGINE image inspect "$BASE" >/dev/null 2>&1; then
  if [ ! -f "$BASE_TAR" ]; then
    echo "== image base: $BASE_RECIPE (once; cached in $BASE_TAR)" >&2
    mkdir -p "$AE4J_CACHE"
    mmdebstrap --quiet --variant=minbase --format=tar "$BASE_SUITE" "$BASE_TAR.part" "${BASE_MIRRORS[@]}" \
      || ae4j_fail "mmdebstrap could not make the $BASE_SUITE base (needs deb.debian.org)"
    mv "$BASE_TAR.part" "$BASE_TAR"
  fi
  echo "== image base: importing $BASE_TAR as $BASE" >&2
  $ENGINE import "$BASE_TAR" "$BASE" >/dev/null
fi

echo "== image: $IMAGE ($ENGINE, target prebuilt, base $BASE)" >&2
if [ "$ENGINE" = podman ]; then
  podman build --quiet --pull=never --isolation chroot --format docker --target prebuilt \
    --build-arg "RUNTIME_BASE=$BASE" --build-arg "BUILD_BASE=$BASE" -t "$IMAGE" . >/dev/null
else
  docker build --quiet --pull=false --target prebuilt \
    --build-arg "RUNTIME_BASE=$BASE" --build-arg "BUILD_BASE=$BASE" -t "$IMAGE" . >/dev/null
fi
echo "$IMAGE"
