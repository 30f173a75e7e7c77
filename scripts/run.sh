#!/usr/bin/env bash
# One command: install what is needed, build, and launch the console (offline sandbox by default).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dev
console=build/dev/app/ango-console
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
  echo "No display found: starting the console inside a virtual X server (xvfb-run)." >&2
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "$console" "$@"
fi
exec "$console" "$@"
