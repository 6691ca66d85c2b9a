#!/bin/sh
# Parallel benchmark: one module holding N generated networks (RandWire-WS,
# one seed per function, so that every function differs) goes through the
# default schedule and offsets, on one thread and then on the pass manager's
# threads, nested as func.func(...) and as module passes; prints the
# wall-clock times and checks that all outputs are identical.
# Usage: run-parallel.sh [build] [functions] [model]
set -e
build=${1:-build}
functions=${2:-16}
model=${3:-randwire_ws}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
{
  echo "module {"
  i=0
  while [ "$i" -lt "$functions" ]; do
    python3 "$root/utils/modelgen/memopt-modelgen.py" --model "$model" \
      --seed "$i" --func-name "f$i" | sed -e '/^module {$/d' -e '$d'
    i=$((i + 1))
  done
  echo "}"
} > "$dir/many.mlir"
echo "$functions functions, $(grep -c '= tosa\.' "$dir/many.mlir") tosa ops, $(nproc) cores"
nested="builtin.module(func.func(memory-schedule,memopt-assign-offsets))"
run() {
  label=$1
  shift
  /usr/bin/time -f "$label: wall %e s, user %U s" \
    "$build/bin/memopt-opt" "$dir/many.mlir" "$@" -o "$dir/$label.mlir"
}
run nested-1-thread --pass-pipeline="$nested" --mlir-disable-threading
run nested-threads --pass-pipeline="$nested"
run module-1-thread --memory-schedule --memopt-assign-offsets --mlir-disable-threading
run module-threads --memory-schedule --memopt-assign-offsets
for label in nested-threads module-1-thread module-threads; do
  cmp -s "$dir/nested-1-thread.mlir" "$dir/$label.mlir" ||
    { echo "$label differs from nested-1-thread" >&2; exit 1; }
done
echo "outputs identical"
