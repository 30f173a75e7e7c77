#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a bounded time; any crash, leak or
# sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
scripts/build.sh fuzz
shopt -s nullglob
targets=(build/fuzz/fuzz/fuzz_*)
if ((${#targets[@]} == 0)); then
  echo "fuzz: no fuzz targets built" >&2
  exit 1
fi
per_target=$((seconds / ${#targets[@]}))
((per_target > 0)) || per_target=1
for target in "${targets[@]}"; do
  name=$(basename "$target")
  corpus=build/fuzz/corpus/$name
  mkdir -p "$corpus"
  seeds=fuzz/seeds/${name#fuzz_}
  echo "fuzz: $name for ${per_target}s"
  "$target" -max_total_time="$per_target" -max_len=4096 -print_final_stats=1 \
    -artifact_prefix=build/fuzz/ "$corpus" ${seeds:+$( [[ -d $seeds ]] && echo "$seeds")} \
    >build/fuzz/$name.log 2>&1 || { tail -n 60 "build/fuzz/$name.log"; echo "fuzz: $name FAILED" >&2; exit 1; }
  grep -E '^stat::number_of_executed_units' "build/fuzz/$name.log" || true
done
