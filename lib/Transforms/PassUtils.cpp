//===- PassUtils.cpp - Helpers shared by memopt passes --------------------===//

#include "PassUtils.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace memopt;

std::optional<double> memopt::checkTimeLimit(Operation *anchor,
                                             StringRef passName,
                                             double timeLimit) {
  // Written so that NaN fails too.
  if (!(timeLimit > 0)) {
    anchor->emitError() << passName
                        << ": time-limit must be positive seconds, or inf "
                           "for no limit";
    return std::nullopt;
  }
  return std::min(timeLimit, kMaxTimeLimitSeconds);
}

std::optional<std::string> memopt::getVerifierError(Operation *op) {
  std::string message;
  ScopedDiagnosticHandler handler(op->getContext(), [&](Diagnostic &diagnostic) {
    if (message.empty())
      message = diagnostic.str();
    return success();
  });
  if (succeeded(verify(op)))
    return std::nullopt;
  return message;
}

void memopt::applyOrder(const BlockMemoryModel &model,
                        ArrayRef<unsigned> order) {
  Block &block = *model.block;
  for (unsigned node : order) {
    Operation *op = model.nodeOps[node];
    if (model.terminator)
      op->moveBefore(model.terminator);
    else
      op->moveBefore(&block, block.end());
  }
}

std::optional<std::string>
memopt::checkReorderedFunction(FunctionOpInterface function, Block &block,
                               ArrayRef<Operation *> inputOrder,
                               ArrayRef<std::string> pureDialects) {
  if (std::optional<std::string> problem =
          checkReordering(block, inputOrder, pureDialects))
    return problem;
  if (std::optional<std::string> error = getVerifierError(function))
    return "the reordered function does not verify: " + *error;
  return std::nullopt;
}

std::optional<PackingOptions>
memopt::parsePackingPassOptions(Operation *anchor, StringRef passName,
                                StringRef algorithm, int64_t alignment,
                                double timeLimit) {
  std::optional<PackingAlgorithm> parsed = parsePackingAlgorithm(algorithm);
  if (!parsed) {
    anchor->emitError() << passName << ": unknown algorithm '" << algorithm
                        << "'; expected size-best-fit, start-best-fit, "
                           "conflicts, best, exact or auto";
    return std::nullopt;
  }
  // Offsets are multiples of the alignment: a bound keeps them, and arena
  // sizes rounded up to it, far from overflow.
  if (alignment <= 0 || !llvm::isPowerOf2_64(alignment) ||
      alignment > kMaxAlignment) {
    anchor->emitError() << passName
                        << ": alignment must be a power of two between 1 and "
                        << kMaxAlignment << ", got " << alignment;
    return std::nullopt;
  }
  std::optional<double> seconds = checkTimeLimit(anchor, passName, timeLimit);
  if (!seconds)
    return std::nullopt;
  PackingOptions options;
  options.algorithm = *parsed;
  options.timeLimitSeconds = *seconds;
  return options;
}

SummaryAttr memopt::getCurrentSummary(FunctionOpInterface function,
                                     const BlockMemoryModel &model,
                                     const ModelOptions &modelOptions) {
  SummaryAttr summary = getSummary(function);
  if (!summary)
    return summary;
  MemoryProfile profile =
      computeProfile(model.graph, inputOrder(model.graph), modelOptions);
  bool inPlace = summary.getInPlace() && summary.getInPlace().getValue();
  if (summary.getPeakBytes() != profile.peakBytes ||
      summary.getResidentBytes() != model.graph.residentBytes() ||
      inPlace != modelOptions.inPlace)
    return SummaryAttr();
  return summary;
}

void memopt::recordArena(SummaryExtras &extras, const PackingResult &result,
                         bool recordTime) {
  extras.arenaBytes = result.arenaBytes;
  extras.arenaAlgorithm = result.algorithm;
  extras.arenaStatus = result.status == PackingStatus::Optimal
                           ? SolveStatus::optimal
                           : SolveStatus::feasible;
  extras.arenaTimeUs.reset();
  if (recordTime)
    extras.arenaTimeUs = int64_t(result.seconds * 1e6);
}
