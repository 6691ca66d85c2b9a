//===- PassUtils.cpp - Helpers shared by memopt passes --------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/OrderCheck.h"
#include "memopt/Report/ReportWriters.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Threading.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Threading.h"

#include <atomic>

using namespace mlir;
using namespace memopt;

SmallVector<FunctionOpInterface> memopt::getDefinedFunctions(Operation *root) {
  SmallVector<FunctionOpInterface> functions;
  root->walk<WalkOrder::PreOrder>([&](FunctionOpInterface function) {
    if (!function.isExternal())
      functions.push_back(function);
    // A function inside a function body belongs to that body: processing
    // both at once, in parallel, would race.
    return function.getOperation() == root ? WalkResult::advance()
                                           : WalkResult::skip();
  });
  return functions;
}

bool memopt::canProcessFunctionsOf(RegisteredOperationName name) {
  return name.hasInterface<FunctionOpInterface>() ||
         name.hasTrait<OpTrait::SymbolTable>();
}

LogicalResult memopt::forEachFunction(
    Operation *root, function_ref<LogicalResult(FunctionOpInterface)> process) {
  if (auto function = dyn_cast<FunctionOpInterface>(root))
    return function.isExternal() ? success() : process(function);
  SmallVector<FunctionOpInterface> functions = getDefinedFunctions(root);
  MLIRContext *context = root->getContext();
  // Like the pass manager's own parallel nesting: every function gets a
  // call, and their diagnostics come out in function order.
  ParallelDiagnosticHandler diagnostics(context);
  std::atomic<bool> anyFailed = false;
  parallelFor(context, 0, functions.size(), [&](size_t index) {
    diagnostics.setOrderIDForThread(index);
    if (failed(process(functions[index])))
      anyFailed = true;
    diagnostics.eraseOrderIDForThread();
  });
  return failure(anyFailed);
}

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
  // Functions are verified in parallel: diagnostics of other threads are not
  // this verifier's.
  uint64_t thread = llvm::get_threadid();
  auto collect = [&](Diagnostic &diagnostic) {
    if (llvm::get_threadid() != thread)
      return failure();
    if (message.empty())
      message = diagnostic.str();
    return success();
  };
  ScopedDiagnosticHandler handler(op->getContext(), collect);
  if (succeeded(verify(op)))
    return std::nullopt;
  return message;
}

FailureOr<CheckedRewrite> memopt::checkRewriteLowersPeak(
    FunctionOpInterface function, const ExtractionOptions &extraction,
    int64_t peakBefore, StringRef rewrite, std::string &why) {
  if (std::optional<std::string> error = getVerifierError(function)) {
    why =
        ("the function after " + rewrite + " does not verify: " + *error).str();
    return failure();
  }
  FailureOr<BlockMemoryModel> after =
      buildFunctionMemoryModel(function, extraction);
  if (failed(after)) {
    why = ("the function after " + rewrite + " cannot be modelled").str();
    return failure();
  }
  int64_t peakAfter =
      computeProfile(after->graph, inputOrder(after->graph)).peakBytes;
  if (peakAfter >= peakBefore) {
    why = (rewrite + " does not lower the modelled peak (" + Twine(peakBefore) +
           " -> " + Twine(peakAfter) + " bytes)")
              .str();
    return failure();
  }
  return CheckedRewrite{std::move(*after), peakAfter};
}

std::optional<std::string> memopt::applyCheckedOrder(
    FunctionOpInterface function, const BlockMemoryModel &model,
    ArrayRef<unsigned> order, ArrayRef<std::string> pureDialects) {
  Block &block = *model.block;
  SmallVector<Operation *> before(llvm::make_pointer_range(block));
  for (unsigned node : order) {
    Operation *op = model.nodeOps[node];
    if (model.terminator)
      op->moveBefore(model.terminator);
    else
      op->moveBefore(&block, block.end());
  }
  std::optional<std::string> problem =
      checkReordering(block, before, pureDialects);
  if (!problem)
    if (std::optional<std::string> error = getVerifierError(function))
      problem = "the reordered function does not verify: " + *error;
  if (problem)
    restoreOrder(block, before);
  return problem;
}

std::optional<ScheduleOptions>
memopt::parseSchedulePassOptions(Operation *anchor, StringRef passName,
                                 StringRef algorithm, double timeLimit) {
  std::optional<ScheduleAlgorithm> parsed = parseScheduleAlgorithm(algorithm);
  if (!parsed) {
    anchor->emitError() << passName << ": unknown algorithm '" << algorithm
                        << "'; expected input, rpo, list, dfs, lpmf, "
                           "heuristics, dp, ilp or auto";
    return std::nullopt;
  }
  std::optional<double> seconds = checkTimeLimit(anchor, passName, timeLimit);
  if (!seconds)
    return std::nullopt;
  ScheduleOptions options;
  options.algorithm = *parsed;
  options.timeLimitSeconds = *seconds;
  return options;
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

ReplacedOrder memopt::describeReplacedOrder(FunctionOpInterface function,
                                            const BlockMemoryModel &model,
                                            const ModelOptions &modelOptions) {
  SummaryAttr summary = getCurrentSummary(function, model, modelOptions);
  MemoryProfile profile =
      computeProfile(model.graph, inputOrder(model.graph), modelOptions);
  MLIRContext *context = function->getContext();
  ReplacedOrder replaced;
  replaced.keepEarlier = bool(summary);
  replaced.timeline = TimelineAttr::get(
      context, summary ? summary.getAlgorithm() : "input",
      profile.liveBytes.size(),
      DenseI64ArrayAttr::get(
          context,
          report::bucketMax(profile.liveBytes, TimelineAttr::kMaxBuckets)));
  return replaced;
}

void memopt::recordReplacedOrder(FunctionOpInterface function,
                                 const ReplacedOrder &replaced) {
  SmallVector<Attribute> timelines;
  if (auto earlier = function->getAttrOfType<ArrayAttr>(attr_names::kTimelines);
      earlier && replaced.keepEarlier)
    llvm::append_range(timelines, earlier);
  timelines.push_back(replaced.timeline);
  function->setAttr(attr_names::kTimelines,
                    ArrayAttr::get(function->getContext(), timelines));
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
