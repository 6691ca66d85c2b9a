#!/usr/bin/env bash
# Runs the default --memory-schedule --memopt-assign-offsets on generated NAS
# models twice, the second time while busy loops keep every core loaded, and
# requires byte-identical output. Usage: benchmarks/determinism.sh [build]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
models=(nasnet amoebanet darts)
for model in "${models[@]}"; do
  python3 "$root/utils/modelgen/memopt-modelgen.py" --model "$model" \
    -o "$work/$model.mlir"
done
plan() {
  for model in "${models[@]}"; do
    /usr/bin/time -f "$model $1: %e s" "$build/bin/memopt-opt" \
      "$work/$model.mlir" --memory-schedule --memopt-assign-offsets \
      -o "$work/$model.$1.mlir"
  done
}
plan idle
for _ in $(seq "$(nproc)"); do
  (while :; do :; done) &
done
plan loaded
kill $(jobs -p)
status=0
for model in "${models[@]}"; do
  if cmp -s "$work/$model.idle.mlir" "$work/$model.loaded.mlir"; then
    echo "$model: identical ($(sha256sum < "$work/$model.idle.mlir" | cut -c1-16))"
  else
    echo "$model: DIFFERENT under load"
    status=1
  fi
done
exit $status
