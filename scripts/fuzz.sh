#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a share of N seconds (default 60);
# any crash, leak, timeout, out-of-memory or sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
# Only the fuzz targets and what they link: the rest of core/ is not needed for them.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzz_targets
shopt -s nullglob
targets=()
for target in build/fuzz/fuzz/fuzz_*; do
  [[ -f $target && -x $target ]] && targets+=("$target")
done
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
  # -timeout: an input taking seconds is a hang; crash inputs land in build/fuzz/<name>-crash-*.
  args=(-max_total_time="$per_target" -max_len=4096 -timeout=10 -print_final_stats=1
        -artifact_prefix="build/fuzz/$name-" "$corpus")
  seeds=fuzz/seeds/${name#fuzz_}
  [[ -d $seeds ]] && args+=("$seeds")
  dict=fuzz/${name#fuzz_}.dict
  [[ -f $dict ]] && args+=(-dict="$dict")
  echo "fuzz: $name for ${per_target}s"
  "$target" "${args[@]}" >"build/fuzz/$name.log" 2>&1 || {
    tail -n 60 "build/fuzz/$name.log"
    echo "fuzz: $name FAILED (log: build/fuzz/$name.log)" >&2
    exit 1
  }
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "build/fuzz/$name.log" || true
done
