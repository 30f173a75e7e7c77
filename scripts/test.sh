#!/usr/bin/env bash
# One command: install what is needed, build, and run the whole test suite (the fuzzers included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dev
scripts/fuzz.sh "${ANGO_FUZZ_SECONDS:-60}"
ctest --preset dev --parallel 2
scripts/sanitize.sh
