#!/usr/bin/env bash
# Sets up a fresh Debian machine for memopt, builds it, and then either runs
# memopt-opt on a generated model and prints the memory report (`demo`), or
# runs every test through ctest (`test`).
#
#   utils/memopt.sh demo [model]   # model: any memopt-modelgen.py name
#   utils/memopt.sh test
#
# MEMOPT_BUILD_DIR overrides the build directory (default: build/).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${MEMOPT_BUILD_DIR:-$root/build}
packages=(cmake ninja-build python3 libmlir-22-dev mlir-22-tools llvm-22-dev
          llvm-22-tools libglpk-dev libgtest-dev)

install_missing_packages() {
  local missing=()
  for package in "${packages[@]}"; do
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

configure_and_build() {
  if [ ! -f "$build/build.ninja" ]; then
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
      -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >&2
  fi
  cmake --build "$build" >&2
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

run_tests() {
  ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
}

case "${1:-}" in
demo)
  install_missing_packages
  configure_and_build
  shift
  run_demo "$@"
  ;;
test)
  install_missing_packages
  configure_and_build
  run_tests
  ;;
*)
  echo "usage: $0 demo [model] | test" >&2
  exit 2
  ;;
esac
