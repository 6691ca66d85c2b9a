//===- PassUtils.cpp - Helpers shared by memopt passes --------------------===//

#include "PassUtils.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace memopt;

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
  if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
    anchor->emitError() << passName
                        << ": alignment must be a positive power of two, got "
                        << alignment;
    return std::nullopt;
  }
  if (timeLimit <= 0) {
    anchor->emitError() << passName << ": time-limit must be positive";
    return std::nullopt;
  }
  PackingOptions options;
  options.algorithm = *parsed;
  options.timeLimitSeconds = timeLimit;
  return options;
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
