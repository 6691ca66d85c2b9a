//===- PassUtils.h - Helpers shared by memopt passes ------------*- C++ -*-===//

#ifndef MEMOPT_LIB_TRANSFORMS_PASSUTILS_H
#define MEMOPT_LIB_TRANSFORMS_PASSUTILS_H

#include "memopt/Analysis/BlockMemoryModel.h"
#include "memopt/Analysis/MemoryAnnotations.h"
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

/// Checks the options shared by the packing passes; on error, reports on
/// `anchor` and returns nothing.
std::optional<PackingOptions>
parsePackingPassOptions(mlir::Operation *anchor, llvm::StringRef passName,
                        llvm::StringRef algorithm, int64_t alignment,
                        double timeLimit);

/// Records a packing result in the arena fields of a summary, with its time
/// only when `recordTime` (times make the output differ run to run).
void recordArena(SummaryExtras &extras, const PackingResult &result,
                 bool recordTime);

} // namespace memopt

#endif // MEMOPT_LIB_TRANSFORMS_PASSUTILS_H
