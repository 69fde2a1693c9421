# Shared by scripts/build-native.sh, release.sh, build-image.sh and test-portable.sh (sourced):
# the portable build's target, the glibc floor, the version, the caches, and the zig tooling.
# Everything slow to make lives under ~/.cache/ae4j/, keyed by what it holds.

AE4J_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AE4J_GLIBC_FLOOR=2.17
AE4J_ZIGLANG_VERSION=0.17.1        # the same zig as the Python wheel's build (scripts/test-python.sh)
AE4J_CARGO_ZIGBUILD_VERSION=0.24.1
AE4J_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ae4j
AE4J_TARGET_DIR=${CARGO_TARGET_DIR:-$AE4J_ROOT/target}

# The version of the Cargo workspace ([workspace.package] version), which Gradle checks too.
AE4J_VERSION=$(awk '/^\[/{p=($0=="[workspace.package]")} p && /^version *=/{gsub(/[" ]/,"",$0); sub(/version=/,""); print; exit}' "$AE4J_ROOT/Cargo.toml")

case "$(uname -m)" in
  x86_64 | amd64) AE4J_ARCH=x86_64 ;;
  aarch64 | arm64) AE4J_ARCH=aarch64 ;;
  *) AE4J_ARCH=$(uname -m) ;;
esac
AE4J_TRIPLE=$AE4J_ARCH-unknown-linux-gnu
# cargo zigbuild's output directory (the .2.17 suffix is not part of it).
AE4J_PORTABLE_DIR=$AE4J_TARGET_DIR/$AE4J_TRIPLE/release
AE4J_PLATFORM=linux-$AE4J_ARCH      # io.ae4j.internal.NativeLoader's resource directory

ae4j_fail() { echo "ae4j: $*" >&2; exit 1; }

# ae4j_zig_tooling: puts cargo-zigbuild and zig (PyPI wheels, in a venv cached by version) on PATH.
ae4j_zig_tooling() {
  local py=${PYTHON:-python3}
  command -v "$py" >/dev/null || ae4j_fail "$py not found: the portable build installs zig and cargo-zigbuild from PyPI into a venv"
  local pyver
  pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  local venv=$AE4J_CACHE/zigbuild-py$pyver-zig$AE4J_ZIGLANG_VERSION-cargo-zigbuild$AE4J_CARGO_ZIGBUILD_VERSION
  mkdir -p "$AE4J_CACHE"
  (
    # one maker at a time (Gradle and a script may ask at once); .complete is written last
    flock 9
    if [ ! -f "$venv/.complete" ]; then
      echo "ae4j: installing zig $AE4J_ZIGLANG_VERSION and cargo-zigbuild $AE4J_CARGO_ZIGBUILD_VERSION (PyPI) into $venv" >&2
      rm -rf "$venv"
      "$py" -m venv "$venv" || exit 1
      "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "ziglang==$AE4J_ZIGLANG_VERSION" "cargo-zigbuild==$AE4J_CARGO_ZIGBUILD_VERSION" || exit 1
      touch "$venv/.complete"
    fi
  ) 9>"$AE4J_CACHE/.zigbuild.lock" || ae4j_fail "could not install the zig tooling from PyPI"
  PATH=$venv/bin:$PATH
  export PATH
}

# ae4j_glibc_max FILE: the highest GLIBC_x.y symbol version FILE needs (empty if none).
ae4j_glibc_max() {
  objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1
}

# ae4j_needed FILE: its shared-library dependencies (DT_NEEDED), sorted, space-separated.
ae4j_needed() {
  objdump -p "$1" | awk '$1 == "NEEDED" {print $2}' | sort | tr '\n' ' ' | sed 's/ $//'
}

# ae4j_version_le A B: true when version A <= version B.
ae4j_version_le() {
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]
}

# ae4j_as_root CMD...: CMD as root (sudo when not root).
ae4j_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ae4j_apt_install PKG...: installs Debian packages that are missing.
ae4j_apt_install() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "ae4j: installing ${missing[*]} (apt)" >&2
  ae4j_as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive ae4j_as_root apt-get install -y -qq "${missing[@]}"
}

# ae4j_unzip ARCHIVE DIR PREFIX...: extracts the members whose names start with a PREFIX.
ae4j_unzip() {
  python3 - "$@" <<'PY'
import sys, zipfile
archive, out, prefixes = sys.argv[1], sys.argv[2], tuple(sys.argv[3:])
with zipfile.ZipFile(archive) as z:
    z.extractall(out, [n for n in z.namelist() if n.startswith(prefixes)])
PY
}
