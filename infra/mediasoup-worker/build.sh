#!/usr/bin/env bash
# Builds mediasoup-worker from the sources shipped in node_modules/mediasoup
# against Debian's system libraries, caches it outside the repository and
# installs it where mediasoup looks for it at run time.
#
#   build.sh path     print the cache path of the worker for this machine
#   build.sh ensure   build into the cache if missing, then install it
#
# The cache key is the mediasoup version, the versions of the Debian libraries
# the worker links against, and a hash of this recipe (script + shims).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CACHE_ROOT="${VECHE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/veche}/mediasoup-worker"
DEB_LIBS=(libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev libflatbuffers-dev)

die() { echo "mediasoup-worker: $*" >&2; exit 1; }

mediasoup_version() {
  node -e 'const p=require(process.argv[1]);const v=p.dependencies.mediasoup;if(!/^\d+\.\d+\.\d+$/.test(v)){console.error("mediasoup must be pinned exactly, found "+v);process.exit(1)}console.log(v)' \
    "$ROOT/package.json"
}

cache_key() {
  local libs recipe
  libs="$(dpkg-query -W -f='${Package}=${Version}\n' "${DEB_LIBS[@]}" 2>/dev/null)" \
    || die "Debian build libraries missing (${DEB_LIBS[*]}); run npm run setup"
  recipe="$(cd "$HERE" && find build.sh shims -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-12)"
  printf '%s-%s-%s' "$(mediasoup_version)" \
    "$(printf '%s' "$libs" | sha256sum | cut -c1-12)" "$recipe"
}

cache_path() { printf '%s/%s/mediasoup-worker' "$CACHE_ROOT" "$(cache_key)"; }

# Applies one literal source edit; fails loudly if the original text moved.
patch_line() {
  local file="$1" from="$2" to="$3"
  grep -qF -- "$from" "$file" || die "expected text not found in ${file#"$BUILD_DIR"/}: $from
(the mediasoup sources changed; review infra/mediasoup-worker/build.sh)"
  FROM="$from" TO="$to" perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$file"
}

wrap_directory() {
  sed -n 's/^directory *= *//p' "$BUILD_DIR/subprojects/$1.wrap"
}

build() {
  local target="$1" src="$ROOT/node_modules/mediasoup/worker"
  [ -f "$src/meson.build" ] || die "mediasoup sources not found in node_modules (run npm ci first)"
  local work; work="$(dirname "$target")"
  mkdir -p "$work"
  BUILD_DIR="$(mktemp -d "$CACHE_ROOT/.build-XXXXXX")"
  local log="$work/build.log"
  trap 'rm -rf "$BUILD_DIR"' EXIT
  cp -a "$src/." "$BUILD_DIR/"
  rm -rf "$BUILD_DIR/out"

  # Debian bookworm ships meson 1.0.1, which builds this worker fine.
  patch_line "$BUILD_DIR/meson.build" "meson_version: '>= 1.1.0'" "meson_version: '>= 1.0.0'"
  # Debian's OpenSSL has kernel-TLS support; comparing the BIO callback's
  # operation with == makes libssl think KTLS is active, it never allocates
  # its write buffer and the worker crashes on the first DTLS handshake.
  patch_line "$BUILD_DIR/src/RTC/DtlsTransport.cpp" \
    "(operationType == BIO_CB_RETURN)" "(operationType & BIO_CB_RETURN)"

  local name dir
  for name in openssl libuv libsrtp2 usrsctp abseil-cpp flatbuffers catch2; do
    dir="$(wrap_directory "$name")"
    [ -n "$dir" ] || die "no directory in subprojects/$name.wrap"
    rm -rf "$BUILD_DIR/subprojects/$dir"
    cp -a "$HERE/shims/$name" "$BUILD_DIR/subprojects/$dir"
  done

  echo "mediasoup-worker: building $(mediasoup_version) (about 5 minutes on 2 cores; log: $log)"
  (
    cd "$BUILD_DIR"
    meson setup build --buildtype=release -Db_ndebug=true -Dms_disable_liburing=true \
      --wrap-mode=nodownload
    meson compile -C build flatbuffers-generator
    meson compile -C build -j "$(nproc)" mediasoup-worker
  ) >"$log" 2>&1 || { tail -n 40 "$log" >&2; die "build failed (full log: $log)"; }

  install -m 0755 "$BUILD_DIR/build/mediasoup-worker" "$target.tmp"
  mv -f "$target.tmp" "$target"
  rm -rf "$BUILD_DIR"
  trap - EXIT
}

install_into_node_modules() {
  local bin="$1" dest="$ROOT/node_modules/mediasoup/worker/out/Release/mediasoup-worker"
  if ! cmp -s "$bin" "$dest" 2>/dev/null; then
    mkdir -p "$(dirname "$dest")"
    install -m 0755 "$bin" "$dest"
  fi
}

main() {
  case "${1:-}" in
    path) cache_path; echo ;;
    ensure)
      mkdir -p "$CACHE_ROOT"
      local target; target="$(cache_path)"
      if [ ! -x "$target" ]; then
        local started=$SECONDS
        build "$target"
        echo "mediasoup-worker: built in $((SECONDS - started)) s -> $target"
      fi
      install_into_node_modules "$target"
      ;;
    *) echo "usage: $0 path|ensure" >&2; exit 2 ;;
  esac
}

main "$@"
