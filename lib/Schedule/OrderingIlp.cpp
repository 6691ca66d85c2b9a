//===- OrderingIlp.cpp - OLLA's ordering integer program ------------------===//

#include "memopt/Schedule/OrderingIlp.h"

#include "ExactSearch.h"
#include "ScheduleSimulator.h"
#include "SegmentIlp.h"
#include "SegmentModel.h"

#include <limits>

using namespace memopt;

std::optional<OrderingIlpResult>
memopt::solveOrderingIlp(const MemoryGraph &graph,
                         const OrderingIlpOptions &options) {
  std::vector<unsigned> nodes = inputOrder(graph);
  SegmentModel whole(
      graph, options.model, nodes, [](unsigned) { return false; },
      initialLiveBytes(graph));
  std::vector<unsigned> warmStart =
      options.warmStart.empty() ? nodes : options.warmStart;
  // Only the time limit bounds this entry point.
  WorkMeter meter(deadlineAfter(options.timeLimitSeconds));
  IlpOutcome outcome = solveSegmentIlp(
      whole, warmStart, options.stepPerNode ? graph.numNodes() : 0,
      WorkLimit(meter, std::numeric_limits<uint64_t>::max()),
      /*stopAtPeak=*/0, /*maxStates=*/size_t(1) << 20);
  if (!outcome.order)
    return std::nullopt;
  OrderingIlpResult result;
  result.order = std::move(*outcome.order);
  result.peakBytes =
      computeProfile(graph, result.order, options.model).peakBytes;
  result.provenOptimal =
      outcome.timeSteps == graph.numNodes() && outcome.solvedToOptimality;
  result.lowerBoundBytes = outcome.lowerBound;
  result.timeSteps = outcome.timeSteps;
  result.timedOut = outcome.timedOut;
  return result;
}
