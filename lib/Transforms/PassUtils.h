//===- PassUtils.h - Helpers shared by memopt passes ------------*- C++ -*-===//

#ifndef MEMOPT_LIB_TRANSFORMS_PASSUTILS_H
#define MEMOPT_LIB_TRANSFORMS_PASSUTILS_H

#include "memopt/Analysis/BlockMemoryModel.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Analysis/OrderCheck.h"
#include "memopt/Packing/Packing.h"

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

/// The functions of `module` that have a body, in module order.
inline llvm::SmallVector<mlir::FunctionOpInterface>
getDefinedFunctions(mlir::ModuleOp module) {
  llvm::SmallVector<mlir::FunctionOpInterface> functions;
  module.walk([&](mlir::FunctionOpInterface function) {
    if (!function.isExternal())
      functions.push_back(function);
  });
  return functions;
}

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

/// Moves the ops of `model` into `order`, keeping the pinned last op last.
void applyOrder(const BlockMemoryModel &model, llvm::ArrayRef<unsigned> order);

/// Checks the reordered body of `function` on the IR itself, independently
/// of the memory model: dependences and effect order (checkReordering), then
/// the verifier, dominance included. Returns why it is wrong.
std::optional<std::string>
checkReorderedFunction(mlir::FunctionOpInterface function, mlir::Block &block,
                       llvm::ArrayRef<mlir::Operation *> inputOrder,
                       llvm::ArrayRef<std::string> pureDialects);

/// Checks the options shared by the packing passes; on error, reports on
/// `anchor` and returns nothing.
std::optional<PackingOptions>
parsePackingPassOptions(mlir::Operation *anchor, llvm::StringRef passName,
                        llvm::StringRef algorithm, int64_t alignment,
                        double timeLimit);

/// The summary of `function` if it still describes its body in the current
/// order, as modelled by `model` and `modelOptions` (same peak, resident
/// bytes and in-place model); null when there is none or the body changed
/// since it was written (e.g. canonicalized), so that passes drop its stale
/// fields, such as a lower bound above the new peak.
SummaryAttr getCurrentSummary(mlir::FunctionOpInterface function,
                              const BlockMemoryModel &model,
                              const ModelOptions &modelOptions);

/// Records a packing result in the arena fields of a summary, with its time
/// only when `recordTime` (times make the output differ run to run).
void recordArena(SummaryExtras &extras, const PackingResult &result,
                 bool recordTime);

} // namespace memopt

#endif // MEMOPT_LIB_TRANSFORMS_PASSUTILS_H
