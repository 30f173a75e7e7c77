#!/usr/bin/env bash
# Installs every Debian package and npm module the project needs. Idempotent: it only asks apt
# when something is missing, and npm only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config g++ clang libclang-rt-14-dev clang-format
  qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-httpserver-dev qt6-svg-dev qt6-qpa-plugins
  qtkeychain-qt6-dev libgl-dev nlohmann-json3-dev
  python3 python3-socketio python3-aiohttp python3-websocket
  xvfb xauth fonts-dejavu-core
  dpkg-dev lintian file appstream systemd
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node peers for the tests and benchmarks (official socket.io server and client).
node_dir=tests/peers/node
if [[ -f $node_dir/package-lock.json ]]; then
  stamp=$node_dir/node_modules/.ango-lock-stamp
  if [[ ! -f $stamp ]] || ! cmp -s "$node_dir/package-lock.json" "$stamp"; then
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$node_dir/package-lock.json" "$stamp"
  fi
fi
