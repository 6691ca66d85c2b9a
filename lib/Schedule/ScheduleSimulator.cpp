//===- ScheduleSimulator.cpp - Step-by-step memory of a growing order -----===//

#include "ScheduleSimulator.h"

#include "llvm/ADT/STLExtras.h"

#include <cassert>

using namespace memopt;

std::vector<NodeFootprint> memopt::computeFootprints(const MemoryGraph &graph) {
  std::vector<NodeFootprint> footprints(graph.numNodes());
  for (unsigned nodeId = 0; nodeId < graph.numNodes(); ++nodeId) {
    for (unsigned result : graph.node(nodeId).results) {
      if (!graph.isActivation(result))
        continue;
      const MemoryGraph::Value &value = graph.value(result);
      footprints[nodeId].definedBytes += value.size;
      if (value.escapes || !value.users.empty())
        footprints[nodeId].keptBytes += value.size;
    }
  }
  return footprints;
}

int64_t memopt::initialLiveBytes(const MemoryGraph &graph) {
  int64_t bytes = 0;
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    if (!value.producer && graph.isActivation(id) &&
        (value.escapes || !value.users.empty()))
      bytes += value.size;
  }
  return bytes;
}

int64_t memopt::firstStepOnlyBytes(const MemoryGraph &graph) {
  int64_t bytes = 0;
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    if (!value.producer && graph.isActivation(id) && !value.escapes &&
        value.users.empty())
      bytes += value.size;
  }
  return bytes;
}

ScheduleSimulator::ScheduleSimulator(const MemoryGraph &graph,
                                     const ModelOptions &options)
    : graph(graph), options(options), footprints(computeFootprints(graph)),
      firstStepExtra(firstStepOnlyBytes(graph)),
      remainingUsers(graph.numValues()), remainingPreds(graph.numNodes()),
      scheduled(graph.numNodes(), false), freedBytes(graph.numNodes(), 0),
      live(initialLiveBytes(graph)) {
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    remainingUsers[id] = value.users.size();
    if (value.users.size() == 1 && graph.isActivation(id) && !value.escapes)
      freedBytes[value.users.front()] += value.size;
  }
  for (unsigned nodeId = 0; nodeId < graph.numNodes(); ++nodeId) {
    remainingPreds[nodeId] = graph.node(nodeId).preds.size();
    if (remainingPreds[nodeId] == 0)
      ready.push_back(nodeId);
  }
}

int64_t ScheduleSimulator::stepBytes(unsigned node) const {
  int64_t bytes = live + footprints[node].definedBytes;
  if (scheduledCount == 0)
    bytes += firstStepExtra;
  if (options.inPlace)
    bytes -= graph.inPlaceSavings(
        node, [&](unsigned operand) { return remainingUsers[operand] == 1; });
  return bytes;
}

void ScheduleSimulator::schedule(
    unsigned node, llvm::function_ref<void(unsigned)> onFreedChange) {
  auto position = llvm::find(ready, node);
  assert(position != ready.end() && "scheduling a node that is not ready");
  ready.erase(position);
  live = bytesAfter(node);
  scheduled[node] = true;
  ++scheduledCount;
  for (unsigned operand : graph.node(node).operands) {
    if (--remainingUsers[operand] != 1)
      continue;
    const MemoryGraph::Value &value = graph.value(operand);
    if (!graph.isActivation(operand) || value.escapes)
      continue;
    for (unsigned user : value.users) {
      if (scheduled[user])
        continue;
      freedBytes[user] += value.size;
      if (onFreedChange)
        onFreedChange(user);
    }
  }
  for (unsigned succ : graph.node(node).succs)
    if (--remainingPreds[succ] == 0)
      ready.push_back(succ);
}
