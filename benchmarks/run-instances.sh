#!/usr/bin/env bash
# Runs memopt's solvers on the papers' own instances and prints their tables:
#   - scheduling (reorder only) on Checkmate's and Moccasin's graphs,
#   - packing on MiniMalloc's challenging instances (capacity 1,048,576).
# Usage: benchmarks/run-instances.sh [build-dir] [shared-dir] [time-limit]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
shared=${2:-${MEMOPT_SHARED_DIR:-$root/../shared}}
limit=${3:-10}

if [ ! -d "$shared/instances" ]; then
  echo "note: $shared/instances not found; nothing to benchmark" >&2
  exit 0
fi

echo "## Scheduling the remat graphs (reorder only), time limit $limit s"
echo
"$build/bin/memopt-schedule-bench" --time-limit="$limit" \
  "$shared"/instances/remat-graphs/*.json
echo
echo "## Packing MiniMalloc's challenging instances into their capacity"
echo
"$build/bin/memopt-pack" --time-limit="$limit" --capacity=1048576 \
  "$shared"/instances/packing/[A-K].1048576.csv || true
echo
echo "## The smallest arena for each, time limit $limit s"
echo
"$build/bin/memopt-pack" --time-limit="$limit" \
  "$shared"/instances/packing/*.csv
