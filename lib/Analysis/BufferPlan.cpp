//===- BufferPlan.cpp - Packing problems from memory graphs ---------------===//

#include "memopt/Analysis/BufferPlan.h"

#include <algorithm>

using namespace memopt;

BufferPlan memopt::buildBufferPlan(const MemoryGraph &graph,
                                   llvm::ArrayRef<unsigned> order,
                                   const ModelOptions &options,
                                   int64_t alignment,
                                   llvm::function_ref<bool(unsigned)> include) {
  std::vector<Lifetime> lifetimes = computeLifetimes(graph, order);
  // A value written in place of another takes over its donor's storage.
  std::vector<int> donorOf(graph.numValues(), -1);
  if (options.inPlace) {
    for (unsigned step = 0; step < order.size(); ++step) {
      auto dies = [&](unsigned operand) {
        return lifetimes[operand].end == step;
      };
      for (auto [result, operand] : graph.inPlacePairs(order[step], dies))
        if (include(result) && include(operand))
          donorOf[result] = operand;
    }
  }

  BufferPlan plan;
  plan.bufferOfValue.assign(graph.numValues(), -1);
  // Values in order of their start, so that donors get buffers before the
  // results that reuse them.
  std::vector<unsigned> byStart;
  for (unsigned id = 0; id < graph.numValues(); ++id)
    if (graph.isActivation(id) && graph.value(id).size > 0 && include(id))
      byStart.push_back(id);
  llvm::stable_sort(byStart, [&](unsigned a, unsigned b) {
    return lifetimes[a].start < lifetimes[b].start;
  });
  for (unsigned id : byStart) {
    int donor = donorOf[id];
    if (donor >= 0 && plan.bufferOfValue[donor] >= 0) {
      int buffer = plan.bufferOfValue[donor];
      PackingBuffer &shared = plan.problem.buffers[buffer];
      shared.end = std::max<int64_t>(shared.end, lifetimes[id].end + 1);
      plan.bufferOfValue[id] = buffer;
      continue;
    }
    PackingBuffer buffer;
    buffer.begin = lifetimes[id].start;
    buffer.end = lifetimes[id].end + 1;
    buffer.size = graph.value(id).size;
    buffer.alignment = alignment;
    buffer.id = std::to_string(id);
    plan.bufferOfValue[id] = plan.problem.buffers.size();
    plan.problem.buffers.push_back(std::move(buffer));
  }
  return plan;
}
