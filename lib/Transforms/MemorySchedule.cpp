//===- MemorySchedule.cpp - Reorder ops for the lowest activation peak ----===//
//
// Thin pass over the IR-free scheduler: extract each function body's memory
// graph, ask the scheduler for an order, check it independently, move the
// operations, and re-annotate.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Schedule/Scheduler.h"
#include "memopt/Transforms/Passes.h"

namespace memopt {
#define GEN_PASS_DEF_MEMORYSCHEDULE
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// Warns once per function and dialect when unregistered ops pin the order;
/// a lone effectful op orders nothing.
void warnAboutBarriers(FunctionOpInterface function,
                       const BlockMemoryModel &model) {
  if (model.numEffectfulOps < 2)
    return;
  for (const auto &[dialect, count] : model.barrierOpsByDialect)
    function->emitWarning()
        << "memory-schedule: " << count << " ops of dialect " << dialect
        << " are ordering barriers; pass pure-dialects=" << dialect
        << " if they have no side effects (the schedule is optimal only "
           "among orders that keep them in place)";
}

struct MemorySchedulePass
    : public memopt::impl::MemoryScheduleBase<MemorySchedulePass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    std::optional<ScheduleOptions> options = parseSchedulePassOptions(
        getOperation(), "memory-schedule", algorithm, timeLimit);
    if (!options)
      return signalPassFailure();
    // Larger limits overflow int64_t once converted to bytes.
    constexpr int64_t kMaxMemoryLimitMB = INT64_MAX >> 20;
    if (memoryLimitMB <= 0 || memoryLimitMB > kMaxMemoryLimitMB) {
      getOperation()->emitError()
          << "memory-schedule: memory-limit-mb must be between 1 and "
          << kMaxMemoryLimitMB << ", got " << memoryLimitMB;
      return signalPassFailure();
    }
    options->memoryLimitBytes = memoryLimitMB * (int64_t(1) << 20);
    options->model = makeModelOptions(inPlace);
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);

    if (failed(
            forEachFunction(getOperation(), [&](FunctionOpInterface function) {
              return scheduleFunction(function, extraction, *options);
            })))
      signalPassFailure();
  }

  LogicalResult scheduleFunction(FunctionOpInterface function,
                                 const ExtractionOptions &extraction,
                                 const ScheduleOptions &options) {
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    ScheduleResult result = scheduleForMemory(model->graph, options);
    if (std::optional<std::string> problem =
            checkSchedule(model->graph, result, options.model)) {
      function->emitError() << "memory-schedule: the " << result.algorithm
                            << " scheduler produced an invalid order ("
                            << *problem << "); the function is left unchanged";
      return failure();
    }
    warnAboutBarriers(function, *model);
    std::vector<unsigned> order =
        sinkWeightlessNodes(model->graph, result.order);
    bool reordered = order != inputOrder(model->graph);
    if (reordered) {
      ReplacedOrder replaced =
          describeReplacedOrder(function, *model, options.model);
      if (std::optional<std::string> problem = applyCheckedOrder(
              function, *model, order, extraction.pureDialects)) {
        function->emitError() << "memory-schedule: the " << result.algorithm
                              << " order would change the program (" << *problem
                              << "); the function is left in its input order";
        return failure();
      }
      recordReplacedOrder(function, replaced);
      ++numFunctionsScheduled;
      bytesSaved += result.inputPeakBytes - result.peakBytes;
      // Rebuild the model so node ids are steps of the new order again.
      model = buildFunctionMemoryModel(function, extraction);
      if (failed(model))
        return failure();
      // Lifetimes of an annotated body follow the new order; buffers planned
      // for the old one no longer apply.
      bool annotated = hasOpAnnotations(*model->block);
      clearOpAnnotations(function);
      if (annotated)
        annotateLifetimes(*model);
    }

    SummaryExtras extras = SummaryExtras::from(getSummary(function));
    extras.algorithm = result.algorithm;
    extras.status = result.status == ScheduleStatus::Optimal
                        ? SolveStatus::optimal
                        : SolveStatus::feasible;
    extras.lowerBoundBytes = result.lowerBoundBytes;
    extras.inputPeakBytes = result.inputPeakBytes;
    extras.scheduleTimeUs.reset();
    if (recordTimes)
      extras.scheduleTimeUs = int64_t(result.seconds * 1e6);
    extras.segments = result.segments;
    extras.optimalSegments = result.optimalSegments;
    // An arena planned for the old order no longer applies.
    if (reordered) {
      extras.arenaBytes.reset();
      extras.arenaAlgorithm.reset();
      extras.arenaStatus.reset();
      extras.arenaTimeUs.reset();
    }
    SummaryAttr summary = buildSummary(*model, options.model, extras);
    if (summary.getPeakBytes() != result.peakBytes) {
      function->emitError() << "memory-schedule: the reordered body peaks at "
                            << summary.getPeakBytes()
                            << " bytes, not the scheduled " << result.peakBytes;
      return failure();
    }
    function->setAttr(attr_names::kSummary, summary);
    return success();
  }
};

} // namespace
