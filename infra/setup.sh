#!/usr/bin/env bash
# npm run setup — prepares a Debian 12 machine with Node 20 to run and test
# Veche: apt packages, npm dependencies, the mediasoup worker (built from
# source into a cache outside the repository) and the server and web builds.
# Idempotent: with everything in place it only checks and prints one line.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

APT_PACKAGES=(
  # mediasoup worker build (see infra/mediasoup-worker/build.sh)
  build-essential pkg-config meson ninja-build perl
  libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev
  libflatbuffers-dev flatbuffers-compiler
  # browser tests and benchmarks
  chromium libnss3-tools
  # test services: tests start their own ephemeral instances
  postgresql redis-server coturn nginx
  # test hosts in network namespaces with a firewall (firewalled-client tests)
  iproute2 nftables
  # the load bots' pre-encoded VP8 and Opus clips (test/load/media)
  ffmpeg
)

say() { echo "setup: $*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

check_node() {
  node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    if (maj < 20 || (maj === 20 && min < 19)) {
      console.error("setup: Node.js >= 20.19 is required, found " + process.versions.node);
      process.exit(1);
    }'
}

install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  # Debian starts freshly installed services; Veche and its tests run their own.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

tree_hash() {
  # Content hash of the given files and folders (sorted), for build stamps.
  find "$@" -type f -not -path '*/node_modules/*' -print0 2>/dev/null \
    | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}

install_npm_packages() {
  local stamp="node_modules/.veche-lock-stamp" want
  want="$(sha256sum package-lock.json | cut -c1-16)-$(node --version)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "installing npm packages (npm ci)"
  # mediasoup's postinstall would download a prebuilt worker; pointing it at
  # the worker's real cache path makes it skip that (npm 11 skips it anyway).
  MEDIASOUP_WORKER_BIN="$(bash infra/mediasoup-worker/build.sh path)" \
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" >"$stamp"
}

build_once() {
  # build_once NAME COMMAND... : runs COMMAND when the sources changed.
  local name="$1"; shift
  local stamp="dist/.stamp-$name" want
  want="$(tree_hash "${BUILD_INPUTS[@]}")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  say "building $name"
  "$@" >/dev/null
  mkdir -p dist
  echo "$want" >"$stamp"
}

main() {
  local started=$SECONDS
  check_node
  install_apt_packages
  install_npm_packages
  bash infra/mediasoup-worker/build.sh ensure
  BUILD_INPUTS=(sfu signaling tsconfig.base.json tsconfig.server.json tsconfig.build.json package-lock.json)
  build_once server npm run --silent build:server
  BUILD_INPUTS=(web signaling/protocol sfu/api package-lock.json)
  build_once web npm run --silent build:web
  say "ready ($((SECONDS - started)) s)"
}

main "$@"
