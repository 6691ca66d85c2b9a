//===- CostModel.h - Compute cost of an operation ---------------*- C++ -*-===//
//
// Part of memopt. How much compute one run of an operation takes, for
// memopt-remat to weigh recomputations (docs/Remat.md): FLOPs for
// convolutions and matrix products, elements for elementwise ops and
// reductions, nothing for views, reshapes and constants.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_ANALYSIS_COSTMODEL_H
#define MEMOPT_ANALYSIS_COSTMODEL_H

#include "mlir/IR/Operation.h"

#include <cstdint>

namespace memopt {

/// Costs are capped here, so that the costs of up to 2^17 ops add up without
/// overflow.
inline constexpr int64_t kMaxComputeCost = int64_t(1) << 46;

/// The estimated cost of one run of `op`, ignoring `memopt.cost`:
/// - linalg structured ops: the product of their static loop ranges (output
///   elements times the reduction trip count), doubled for contractions and
///   convolutions (a multiply and an add per iteration);
/// - convolutions of tosa, stablehlo/mhlo, onnx and ttir (depthwise and
///   transposed included): 2 x output elements x filter elements per output
///   channel; transposed ones 2 x input elements x filter elements per input
///   channel;
/// - matrix products (tosa.matmul, dot, dot_general, batch_matmul, matmul,
///   linear, fully_connected, Gemm): 2 x output elements x contracted size;
/// - reductions and pooling: the elements of the first operand;
/// - views, reshapes, `tensor.empty`, constants: zero;
/// - anything else: the elements of its results.
/// Unknown (dynamic) shapes count as zero elements.
int64_t estimateComputeCost(mlir::Operation *op);

/// The cost memopt-remat uses: the `memopt.cost` attribute of `op` if it has
/// one, else estimateComputeCost; at most kMaxComputeCost.
int64_t getComputeCost(mlir::Operation *op);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_COSTMODEL_H
