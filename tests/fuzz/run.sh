#!/usr/bin/env bash
# Run each libFuzzer harness for SECONDS (default 60) from its seed corpus, after replaying every committed crash
# reproducer (tests/data/fuzz-crashes/<harness>/) as a regression test. Exit 1 if any harness crashes.
# Usage: tests/fuzz/run.sh [SECONDS] (from the repository root, after `make fuzz` built build/fuzz).
set -u
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz
status=0
for name in scenario_reader distribution results_reader; do
  exe=$build/tests/fuzz/fuzz_$name
  corpus=$build/corpus/$name
  crashes=$build/crashes/$name
  mkdir -p "$corpus" "$crashes"
  seeds=()
  # HDF5 1.10 itself leaks when an object header fails its checksum (a damaged file): leaks are not checked for
  # the results reader, neither per input (-detect_leaks=0) nor at exit (ASAN_OPTIONS); every other error (crashes,
  # ASan, UBSan) is.
  extra=()
  run=(env)
  if [ "$name" = results_reader ]; then extra=(-detect_leaks=0); run=(env ASAN_OPTIONS=detect_leaks=0); fi
  case $name in
    scenario_reader) seeds=("$root/scenarios" "$root/tests/data") ;;
    distribution) seeds=("$root/tests/fuzz/seeds/distribution") ;;
    results_reader) seeds=("$root/tests/fuzz/seeds/results") ;;
  esac
  # Seed files: the YAML (or .h5) files below the seed folders, flattened into one folder libFuzzer can read.
  seeddir=$build/seeds/$name
  rm -rf "$seeddir" && mkdir -p "$seeddir"
  find "${seeds[@]}" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.h5' \) -size -1024k -not -path '*/fuzz-crashes/*' -print0 |
    while IFS= read -r -d '' f; do cp "$f" "$seeddir/$(echo "$f" | md5sum | cut -c1-16)-$(basename "$f")"; done
  regressions=$root/tests/data/fuzz-crashes/$name
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== $name: replaying $(ls "$regressions" | wc -l) committed reproducers"
    if ! "${run[@]}" "$exe" "${extra[@]}" -rss_limit_mb=2048 -timeout=20 "$regressions"/*; then status=1; fi
  fi
  echo "== $name: fuzzing for $seconds s"
  if ! (cd "$build" && "${run[@]}" "$exe" "${extra[@]}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
          -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$seeddir" 2>&1 | tail -n 25); then
    status=1
  fi
  if [ -n "$(ls -A "$crashes")" ]; then
    echo "== $name: crash reproducers in $crashes:"; ls -l "$crashes"; status=1
  fi
done
exit $status
