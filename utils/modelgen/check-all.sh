#!/usr/bin/env bash
# Self-check for memopt-modelgen.py: generate every model (CIFAR and ImageNet
# variants where they exist, plus batch/dtype/width variants, and the
# training step of every model), then
#   1. parse + verify each file with mlir-opt,
#   2. lower each file with the TOSA -> linalg/arith/tensor pipeline,
#   3. check that generation is deterministic per seed,
#   4. if mlir-runner is available, run tiny_cnn end to end and compare the
#      result against a hand-computed reference.
# Exits non-zero on any failure.  Environment:
#   MLIR_BIN  directory with mlir-opt / mlir-runner (default /usr/lib/llvm-22/bin)
#   KEEP_DIR  keep the generated .mlir files in this directory
set -u

here=$(cd "$(dirname "$0")" && pwd)
MLIR_BIN=${MLIR_BIN:-/usr/lib/llvm-22/bin}
OPT="$MLIR_BIN/mlir-opt"
GEN=(python3 "$here/memopt-modelgen.py")
LOWER='builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith,tosa-to-tensor))'

if [ -n "${KEEP_DIR:-}" ]; then
  out=$KEEP_DIR; mkdir -p "$out"
else
  out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
fi
fail=0

# check NAME GENERATOR-ARGS...
check() {
  local name=$1; shift
  local f="$out/$name.mlir"
  if ! "${GEN[@]}" "$@" -o "$f"; then
    echo "FAIL generate $name ($*)"; fail=1; return
  fi
  if ! "$OPT" "$f" -o /dev/null; then
    echo "FAIL verify   $name"; fail=1; return
  fi
  if ! "$OPT" --pass-pipeline="$LOWER" "$f" -o /dev/null; then
    echo "FAIL lower    $name"; fail=1; return
  fi
  printf 'ok   %-24s %5d tosa ops\n' "$name" "$(grep -c '= tosa' "$f")"
}

for m in $("${GEN[@]}" --list | awk '{print $1}'); do
  check "$m" --model "$m"
  check "${m}_train_b2" --model "$m" --train --batch 2
  case $m in
    randwire_*|nasnet|amoebanet|darts) check "${m}_imagenet" --model "$m" --imagenet ;;
  esac
done

# batch / dtype / resolution / graph-size variants
check resnet18_b4_f16    --model resnet18 --batch 4 --dtype f16
check darts_bf16_b2      --model darts --dtype bf16 --batch 2
check nasnet_img33       --model nasnet --image 33
check amoebanet_in_299   --model amoebanet --imagenet --image 299
check randwire_ba_n8_s7  --model randwire_ba --nodes 8 --seed 7
check randwire_er_plain  --model randwire_er --no-agg-weights
check mlp_b8             --model mlp --batch 8
check vgg16_img64_w025   --model vgg16 --image 64 --width 0.25
check mobilenetv2_w05_img96 --model mobilenetv2 --width 0.5 --image 96
check vgg16_train_f16    --model vgg16 --train --dtype f16 --image 64
check tiny_resnet_train_ig --model tiny_resnet --train --input-grad

# determinism: same seed -> identical text, different seed -> different graph
a=$("${GEN[@]}" --model randwire_ws --seed 5)
b=$("${GEN[@]}" --model randwire_ws --seed 5)
c=$("${GEN[@]}" --model randwire_ws --seed 6)
if [ "$a" != "$b" ]; then echo "FAIL randwire_ws not deterministic"; fail=1
elif [ "$a" = "$c" ]; then echo "FAIL randwire_ws ignores --seed"; fail=1
else echo "ok   randwire seeds deterministic"; fi

# end-to-end execution of tiny_cnn (first logit -0.0540071 for the varied
# inputs of --with-main, as in test/Execution/arena-run.test)
if [ -x "$MLIR_BIN/mlir-runner" ]; then
  libdir=$(cd "$MLIR_BIN/../lib" && pwd)
  res=$("${GEN[@]}" --model tiny_cnn --with-main |
    "$OPT" --pass-pipeline="$LOWER" |
    "$OPT" --one-shot-bufferize="bufferize-function-boundaries" \
      --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
      --lower-affine --finalize-memref-to-llvm --convert-math-to-llvm \
      --convert-arith-to-llvm --convert-func-to-llvm --convert-cf-to-llvm \
      --reconcile-unrealized-casts |
    "$MLIR_BIN/mlir-runner" -e main --entry-point-result=void \
      -shared-libs="$libdir/libmlir_runner_utils.so,$libdir/libmlir_c_runner_utils.so" |
    tail -n 1)
  if [[ "$res" == "[[-0.0540071,"* ]]; then
    echo "ok   tiny_cnn executes (-0.0540071)"
  else
    echo "FAIL tiny_cnn execution: got '$res'"; fail=1
  fi
else
  echo "skip tiny_cnn execution (no $MLIR_BIN/mlir-runner)"
fi

if [ $fail -ne 0 ]; then echo "check-all: FAILED"; else echo "check-all: all passed"; fi
exit $fail
