#!/bin/sh
# The plugin runtime benchmark (see bench.js): ango-console run vs python-socketio (SDK semantics)
# vs the Node socket.io-client, same Node hub, 1 and 64 in flight. Extra arguments go to bench.js.
#   bench/runtime/run.sh [build/<dir>/app/ango-console] [--count 20000] ...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
console=${1:-"$here/../../build/dev/app/ango-console"}
[ $# -gt 0 ] && shift
exec node "$here/bench.js" --console "$console" "$@"
