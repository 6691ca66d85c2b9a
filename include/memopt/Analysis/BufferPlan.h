//===- BufferPlan.h - Packing problems from memory graphs -------*- C++ -*-===//
//
// Part of memopt. Turns the values of a MemoryGraph, in a given order, into
// the buffers of a packing problem: one buffer per activation value, or per
// chain of values that share storage through in-place reuse.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_ANALYSIS_BUFFERPLAN_H
#define MEMOPT_ANALYSIS_BUFFERPLAN_H

#include "memopt/Model/MemoryGraph.h"
#include "memopt/Packing/Packing.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace memopt {

struct BufferPlan {
  PackingProblem problem;
  /// For each graph value, the buffer that holds it (-1 when none).
  std::vector<int> bufferOfValue;
};

/// Builds the packing problem of `graph` under `order`. Every activation value
/// of positive size accepted by `include` gets a buffer live on the half-open
/// steps [start, end + 1) of its lifetime, aligned to `alignment` bytes. With
/// `options.inPlace`, a result written in place of a dying operand (the same
/// pairs computeProfile counts) shares the operand's buffer.
BufferPlan buildBufferPlan(const MemoryGraph &graph,
                           llvm::ArrayRef<unsigned> order,
                           const ModelOptions &options, int64_t alignment,
                           llvm::function_ref<bool(unsigned)> include);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_BUFFERPLAN_H
