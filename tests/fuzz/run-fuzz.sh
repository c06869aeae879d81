#!/bin/sh
# run-fuzz.sh FUZZER SEED_CORPUS WORK_DIR SECONDS — one bounded libFuzzer run for ctest.
# New inputs go to WORK_DIR/corpus (listed first), never into the committed seed corpus;
# a crash input lands in WORK_DIR/artifacts. Exit 77 (ctest: skipped) when not built.
fuzzer=$1 seeds=$2 work=$3 seconds=$4
if [ ! -x "$fuzzer" ]; then
  echo "skipped: $fuzzer is not built. Build it with:"
  echo "  CC=clang CXX=clang++ cmake -S tests/fuzz -B build-fuzz -G Ninja && cmake --build build-fuzz"
  echo "(tools/dev test does this) or point SMPPGW_FUZZ_BUILD_DIR at its build directory."
  exit 77
fi
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
