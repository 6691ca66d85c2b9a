//===- SegmentModel.cpp - Memory of one contiguous part of a schedule -----===//

#include "SegmentModel.h"

#include "ScheduleSimulator.h"

#include "llvm/ADT/DenseSet.h"

#include <algorithm>

using namespace memopt;

SegmentModel::SegmentModel(const MemoryGraph &graph,
                           const ModelOptions &options,
                           llvm::ArrayRef<unsigned> partNodes,
                           std::function<bool(unsigned)> runsBefore,
                           int64_t liveOnEntry)
    : graph(graph), options(options), nodes(partNodes.begin(), partNodes.end()),
      runsBeforePart(std::move(runsBefore)), liveOnEntry(liveOnEntry) {
  unsigned size = nodes.size();
  for (unsigned local = 0; local < size; ++local)
    localOf[nodes[local]] = local;
  for (unsigned node = 0; node < graph.numNodes() && startsSchedule; ++node)
    startsSchedule = !runsBeforePart(node);
  if (startsSchedule)
    firstStepExtra = firstStepOnlyBytes(graph);

  localPreds.resize(size);
  localSuccs.resize(size);
  infos.resize(size);
  llvm::DenseSet<unsigned> dyingValues;
  int64_t dyingBytes = 0, dyingEntryBytes = 0, keptBytes = 0;
  for (unsigned local = 0; local < size; ++local) {
    const MemoryGraph::Node &node = graph.node(nodes[local]);
    for (unsigned pred : node.preds)
      if (std::optional<unsigned> localPred = localNode(pred)) {
        localPreds[local].push_back(*localPred);
        localSuccs[*localPred].push_back(local);
      }
    NodeInfo &info = infos[local];
    info.inPlaceCapable = options.inPlace && node.inPlaceCapable;
    for (unsigned result : node.results) {
      if (!graph.isActivation(result))
        continue;
      const MemoryGraph::Value &value = graph.value(result);
      info.definedBytes += value.size;
      if (value.escapes || !value.users.empty())
        info.keptBytes += value.size;
    }
    keptBytes += info.keptBytes;
    info.firstOperand = dyingOperands.size();
    for (unsigned operand : node.operands) {
      const MemoryGraph::Value &value = graph.value(operand);
      if (!graph.isActivation(operand) || value.escapes)
        continue;
      unsigned firstUser = otherUsers.size();
      bool readAfterPart = false;
      for (unsigned user : value.users) {
        if (user == nodes[local])
          continue;
        if (std::optional<unsigned> localUser = localNode(user))
          otherUsers.push_back(*localUser);
        else if (!runsBeforePart(user))
          readAfterPart = true;
      }
      if (readAfterPart) {
        otherUsers.resize(firstUser);
        continue;
      }
      dyingOperands.push_back(
          {operand, value.size, firstUser, unsigned(otherUsers.size())});
      if (!dyingValues.insert(operand).second)
        continue;
      dyingBytes += value.size;
      if (!value.producer || !localNode(*value.producer))
        dyingEntryBytes += value.size;
    }
    info.endOperand = dyingOperands.size();
  }
  through = liveOnEntry - dyingEntryBytes;
  liveOnExit = liveOnEntry + keptBytes - dyingBytes;
  bound = std::max({liveOnEntry, liveOnExit, computeLowerBound()});
}

std::optional<unsigned> SegmentModel::localNode(unsigned global) const {
  auto it = localOf.find(global);
  if (it == localOf.end())
    return std::nullopt;
  return it->second;
}

int64_t SegmentModel::computeLowerBound() const {
  int64_t best = 0;
  for (unsigned local = 0; local < size(); ++local) {
    const NodeInfo &info = infos[local];
    auto canDie = [&](unsigned value) {
      for (unsigned i = info.firstOperand; i < info.endOperand; ++i)
        if (dyingOperands[i].value == value)
          return true;
      return false;
    };
    // The node's working set beyond what is live throughout the part.
    int64_t bytes = through + info.definedBytes;
    for (unsigned operand : graph.node(nodes[local]).operands) {
      if (!graph.isActivation(operand))
        continue;
      std::optional<unsigned> producer = graph.value(operand).producer;
      bool producedBefore = !producer || !localNode(*producer);
      if (!producedBefore || canDie(operand))
        bytes += graph.value(operand).size;
    }
    if (info.inPlaceCapable)
      bytes -= graph.inPlaceSavings(nodes[local], canDie);
    best = std::max(best, bytes);
  }
  return best;
}

int64_t SegmentModel::peakOf(llvm::ArrayRef<unsigned> localOrder) const {
  std::vector<bool> scheduled(size(), false);
  int64_t live = liveOnEntry, peak = 0;
  for (unsigned position = 0; position < localOrder.size(); ++position) {
    unsigned local = localOrder[position];
    Step next = step(local, live, position == 0,
                     [&](unsigned other) { return bool(scheduled[other]); });
    peak = std::max(peak, next.bytes);
    live = next.liveAfter;
    scheduled[local] = true;
  }
  return peak;
}
