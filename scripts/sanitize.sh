#!/usr/bin/env bash
# Builds the ASan+UBSan preset and runs the unit, integration and fault tests under it: any
# sanitizer report fails the test that triggered it (halt_on_error, no recovery).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh asan
ctest --preset asan --parallel 2
