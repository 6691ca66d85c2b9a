//===- PassUtils.h - Helpers shared by memopt passes ------------*- C++ -*-===//

#ifndef MEMOPT_LIB_TRANSFORMS_PASSUTILS_H
#define MEMOPT_LIB_TRANSFORMS_PASSUTILS_H

#include "memopt/Analysis/BlockMemoryModel.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Analysis/OrderCheck.h"
#include "memopt/Packing/Packing.h"
#include "memopt/Schedule/Scheduler.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace memopt {

/// Extraction options from the `pure-dialects` option every pass has.
inline ExtractionOptions
makeExtractionOptions(llvm::ArrayRef<std::string> pureDialects) {
  ExtractionOptions options;
  options.pureDialects.assign(pureDialects.begin(), pureDialects.end());
  return options;
}

/// Model options from the `in-place` option every pass has.
inline ModelOptions makeModelOptions(bool inPlace) {
  ModelOptions options;
  options.inPlace = inPlace;
  return options;
}

/// The functions with a body in `root`, in order; the bodies of functions are
/// not searched for more functions.
llvm::SmallVector<mlir::FunctionOpInterface>
getDefinedFunctions(mlir::Operation *root);

/// Whether a memopt pass that works function by function can run on ops
/// named `name`: functions, and ops holding a symbol table (modules), whose
/// functions it then processes.
bool canProcessFunctionsOf(mlir::RegisteredOperationName name);

/// Runs `process` on `root` if it is a function with a body, otherwise on
/// every function getDefinedFunctions(root) lists, in parallel when the
/// context allows threads (diagnostics still come out in function order).
/// `process` must touch nothing but its function. Fails if any call failed.
mlir::LogicalResult forEachFunction(
    mlir::Operation *root,
    llvm::function_ref<mlir::LogicalResult(mlir::FunctionOpInterface)> process);

/// Time limits above this many seconds (about 31 years), `inf` included,
/// mean no limit.
inline constexpr double kMaxTimeLimitSeconds = 1e9;

/// Checks a `time-limit` option: positive seconds, `inf` for no limit. On
/// error (zero, negative, NaN), reports on `anchor` and returns nothing;
/// otherwise returns the limit capped at kMaxTimeLimitSeconds, which the
/// solvers' clocks can add without overflow.
std::optional<double> checkTimeLimit(mlir::Operation *anchor,
                                     llvm::StringRef passName,
                                     double timeLimit);

/// The largest alignment the packing passes accept.
inline constexpr int64_t kMaxAlignment = int64_t(1) << 32;

/// The first message of the verifier on `op`, or nothing when it verifies.
/// The messages are collected instead of printed, so that a pass can restore
/// its input and report one error of its own.
std::optional<std::string> getVerifierError(mlir::Operation *op);

/// A rewritten function's model and its peak in the order it stands.
struct CheckedRewrite {
  BlockMemoryModel model;
  int64_t peakBytes = 0;
};

/// Re-checks a function that `rewrite` (a noun such as "banding") changed:
/// it verifies, it can be modelled, and its peak in the order it stands is
/// below `peakBefore`. Returns its new model and peak, or sets `why` (a
/// phrase for "...; the function is left unchanged") and fails.
mlir::FailureOr<CheckedRewrite>
checkRewriteLowersPeak(mlir::FunctionOpInterface function,
                       const ExtractionOptions &extraction, int64_t peakBefore,
                       llvm::StringRef rewrite, std::string &why);

/// Moves the ops of `model`'s block into `order` (node ids of `model`),
/// keeping the pinned last op last, then checks the result on the IR itself,
/// independently of the memory model: dependences and effect order
/// (checkReordering with `pureDialects`), then the verifier, dominance
/// included. When it is wrong, restores the previous order and returns why.
std::optional<std::string>
applyCheckedOrder(mlir::FunctionOpInterface function,
                  const BlockMemoryModel &model, llvm::ArrayRef<unsigned> order,
                  llvm::ArrayRef<std::string> pureDialects);

/// Checks the scheduler options shared by the passes that schedule
/// (`algorithm`, `time-limit`); on error, reports on `anchor` and returns
/// nothing.
std::optional<ScheduleOptions>
parseSchedulePassOptions(mlir::Operation *anchor, llvm::StringRef passName,
                         llvm::StringRef algorithm, double timeLimit);

/// Checks the options shared by the packing passes; on error, reports on
/// `anchor` and returns nothing.
std::optional<PackingOptions> parsePackingPassOptions(mlir::Operation *anchor,
                                                      llvm::StringRef passName,
                                                      llvm::StringRef algorithm,
                                                      int64_t alignment,
                                                      double timeLimit);

/// The summary of `function` if it still describes its body in the current
/// order, as modelled by `model` and `modelOptions` (same peak, resident
/// bytes and in-place model); null when there is none or the body changed
/// since it was written (e.g. canonicalized), so that passes drop its stale
/// fields, such as a lower bound above the new peak.
SummaryAttr getCurrentSummary(mlir::FunctionOpInterface function,
                              const BlockMemoryModel &model,
                              const ModelOptions &modelOptions);

/// The order of a function body that a pass is about to replace, as the
/// report draws it later: its bucketed live-bytes timeline, and whether the
/// timelines recorded before it still describe this body.
struct ReplacedOrder {
  TimelineAttr timeline;
  bool keepEarlier = false;
};

/// Describes the current order of `function`, modelled by `model` and
/// `modelOptions`, before a pass changes it; the order is named by the
/// current summary's algorithm (`input` without one). Earlier timelines are
/// kept only while that summary is current.
ReplacedOrder describeReplacedOrder(mlir::FunctionOpInterface function,
                                    const BlockMemoryModel &model,
                                    const ModelOptions &modelOptions);

/// Appends `replaced` to the `memopt.timelines` of `function`, once the
/// change succeeded.
void recordReplacedOrder(mlir::FunctionOpInterface function,
                         const ReplacedOrder &replaced);

/// Records a packing result in the arena fields of a summary, with its time
/// only when `recordTime` (times make the output differ run to run).
void recordArena(SummaryExtras &extras, const PackingResult &result,
                 bool recordTime);

} // namespace memopt

#endif // MEMOPT_LIB_TRANSFORMS_PASSUTILS_H
