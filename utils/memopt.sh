#!/usr/bin/env bash
# Sets up a fresh Debian machine for memopt, builds it, and then either runs
# memopt-opt on a generated model and prints the memory report (`demo`),
# runs a generated model end to end, without and with memopt, down to LLVM
# and mlir-runner, printing both outputs and the memory (`e2e`),
# runs every test through ctest (`test`), runs every test with memopt's code
# under AddressSanitizer and UndefinedBehaviorSanitizer (`sanitize`, in
# build-asan/), or fuzzes every pass pipeline with libFuzzer (`fuzz`, in
# build-fuzz/, with clang; the corpus and crashes stay there), or runs the
# whole benchmark suite and writes docs/benchmarks.md with tables and SVG
# plots (`bench`; long, never part of the tests).
#
#   utils/memopt.sh demo [model]   # model: any memopt-modelgen.py name
#   utils/memopt.sh e2e [model [generator options]]  # default tiny_cnn
#   utils/memopt.sh test
#   utils/memopt.sh bench [options] # benchmarks/bench-report.py --help
#   utils/memopt.sh sanitize
#   utils/memopt.sh fuzz [seconds] # default 600; extra libFuzzer flags in
#                                  # MEMOPT_FUZZ_FLAGS
#
# MEMOPT_BUILD_DIR overrides the build directory (default: build/,
# build-asan/ or build-fuzz/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
packages=(cmake ninja-build python3 libmlir-22-dev mlir-22-tools llvm-22-dev
          llvm-22-tools libglpk-dev libgtest-dev)
# Only `fuzz` needs them: libFuzzer comes with clang's runtimes.
fuzz_packages=(clang-22 libclang-rt-22-dev)

install_missing_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "memopt: installing ${missing[*]}" >&2
  local sudo=
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >&2
}

# configure_and_build [cmake flags...] [-- targets...]
configure_and_build() {
  local flags=() targets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targets=("$@")
  if [ ! -f "$build/build.ninja" ]; then
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir "${flags[@]}" >&2
  fi
  cmake --build "$build" ${targets[@]:+--target "${targets[@]}"} >&2
}

run_demo() {
  local model=${1:-darts}
  local dir="$build/demo"
  mkdir -p "$dir"
  python3 "$root/utils/modelgen/memopt-modelgen.py" --model "$model" \
    -o "$dir/$model.mlir"
  echo "memopt: scheduling and packing $model ($dir/$model.mlir)" >&2
  "$build/bin/memopt-opt" "$dir/$model.mlir" --memory-schedule \
    --memopt-assign-offsets --memopt-report -o "$dir/$model.memopt.mlir"
  echo "memopt: the annotated program is in $dir/$model.memopt.mlir" >&2
}

run_bench() {
  MEMOPT_BENCH_COMMAND="utils/memopt.sh bench${*:+ $*}" \
    python3 "$root/benchmarks/bench-report.py" --build "$build" "$@"
}

run_e2e() {
  local model=${1:-tiny_cnn}
  [ $# -gt 0 ] && shift
  python3 "$root/examples/e2e/run.py" --build "$build" --model "$model" \
    ${1:+-- "$@"}
}

run_tests() {
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
}

# The seed corpus: every test input, split where lit splits it.
make_seed_corpus() {
  local seeds=$1
  rm -rf "$seeds"
  mkdir -p "$seeds"
  find "$root/test" -name '*.mlir' | sort | while read -r file; do
    awk -v out="$seeds/$(basename "$file" .mlir)" \
      '/^\/\/ -----/ { n++; next } { print > (out "-" n+0 ".mlir") }' "$file"
  done
}

run_fuzz() {
  local seconds=${1:-600}
  local corpus="$build/corpus" seeds="$build/corpus-seed"
  make_seed_corpus "$seeds"
  mkdir -p "$corpus" "$build/crashes"
  echo "memopt: fuzzing for ${seconds}s; corpus in $corpus, crashes in" \
    "$build/crashes" >&2
  # LLVM's allocator is not instrumented; see test/lit.cfg.py.
  ASAN_OPTIONS=allow_user_poisoning=0 "$build/bin/memopt-fuzz" \
    -max_total_time="$seconds" -timeout=30 -max_len=8192 \
    -dict="$root/tools/memopt-fuzz/memopt.dict" \
    -artifact_prefix="$build/crashes/" ${MEMOPT_FUZZ_FLAGS:-} \
    "$corpus" "$seeds"
}

case "${1:-}" in
demo)
  build=${MEMOPT_BUILD_DIR:-$root/build}
  install_missing_packages "${packages[@]}"
  configure_and_build
  shift
  run_demo "$@"
  ;;
e2e)
  build=${MEMOPT_BUILD_DIR:-$root/build}
  install_missing_packages "${packages[@]}"
  configure_and_build
  shift
  run_e2e "$@"
  ;;
test)
  build=${MEMOPT_BUILD_DIR:-$root/build}
  install_missing_packages "${packages[@]}"
  configure_and_build
  run_tests
  ;;
bench)
  build=${MEMOPT_BUILD_DIR:-$root/build}
  install_missing_packages "${packages[@]}"
  configure_and_build
  shift
  run_bench "$@"
  ;;
sanitize)
  build=${MEMOPT_BUILD_DIR:-$root/build-asan}
  install_missing_packages "${packages[@]}"
  configure_and_build -DMEMOPT_SANITIZE="address;undefined"
  run_tests
  ;;
fuzz)
  build=${MEMOPT_BUILD_DIR:-$root/build-fuzz}
  install_missing_packages "${packages[@]}" "${fuzz_packages[@]}"
  CC=clang-22 CXX=clang++-22 configure_and_build -DMEMOPT_FUZZ=ON \
    -DMEMOPT_SANITIZE="address;undefined" -- memopt-fuzz
  shift
  run_fuzz "$@"
  ;;
*)
  echo "usage: $0 demo [model] | e2e [model [options]] | test | bench [options] | sanitize | fuzz [seconds]" >&2
  exit 2
  ;;
esac
