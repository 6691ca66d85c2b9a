//===- MemoryAnnotations.h - Write and read memopt attributes ---*- C++ -*-===//
//
// Part of memopt. Turns a block's memory model into the attributes of the
// memopt dialect and collects the per-function report that every pass adds
// to.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_ANALYSIS_MEMORYANNOTATIONS_H
#define MEMOPT_ANALYSIS_MEMORYANNOTATIONS_H

#include "memopt/Analysis/BlockMemoryModel.h"
#include "memopt/Dialect/MemOptDialect.h"

#include <string>

namespace memopt {

/// Attaches `memopt.lifetimes` and `memopt.sizes` to every op of the model
/// that defines buffers, and `memopt.resident` to constants and global reads.
/// The model's node order must be the block's current order.
void annotateLifetimes(const BlockMemoryModel &model);

/// Whether an op of `block` carries memopt's per-op attributes.
bool hasOpAnnotations(mlir::Block &block);

/// Removes memopt's per-op attributes (lifetimes, sizes, resident markers,
/// buffers) from every op nested in `root`.
void clearOpAnnotations(mlir::Operation *root);

/// Fields of `#memopt.summary` that passes other than memopt-annotate fill in.
struct SummaryExtras {
  std::string algorithm = "input";
  /// A lower bound proven by a solver, when better than the model's own.
  std::optional<int64_t> lowerBoundBytes;
  std::optional<SolveStatus> status;
  std::optional<int64_t> inputPeakBytes;
  std::optional<int64_t> scheduleTimeUs;
  std::optional<int64_t> segments;
  std::optional<int64_t> optimalSegments;
  std::optional<int64_t> arenaBytes;
  std::optional<std::string> arenaAlgorithm;
  std::optional<SolveStatus> arenaStatus;
  std::optional<int64_t> arenaTimeUs;

  /// The extras recorded in an existing summary.
  static SummaryExtras from(SummaryAttr summary);
};

/// Builds the summary of the model in its current order. The status is
/// `extras.status` when given, else optimal exactly when the peak meets the
/// lower bound (the larger of the model's and `extras.lowerBoundBytes`).
SummaryAttr buildSummary(const BlockMemoryModel &model,
                         const ModelOptions &modelOptions,
                         const SummaryExtras &extras);

/// The summary attached to `function`, if any.
SummaryAttr getSummary(mlir::Operation *function);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_MEMORYANNOTATIONS_H
