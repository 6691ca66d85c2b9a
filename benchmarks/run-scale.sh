#!/bin/sh
# Scale benchmark: a generated DARTS network of about 50,000 ops in one
# function goes through annotation, the default schedule and the default
# offsets; prints the wall-clock time and peak memory (GNU time) and the
# report. Usage: run-scale.sh [build] [layers]
set -e
build=${1:-build}
layers=${2:-1380}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 "$root/utils/modelgen/memopt-modelgen.py" --model darts \
  --layers "$layers" -o "$dir/scale.mlir"
echo "ops: $(grep -c '= tosa\.' "$dir/scale.mlir")"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" \
  "$build/bin/memopt-opt" "$dir/scale.mlir" --memopt-annotate \
  --memory-schedule --memopt-assign-offsets --memopt-report -o /dev/null
