//===- ScheduleSimulator.h - Memory of a growing order ----------*- C++ -*-===//
//
// Part of memopt. Internal to lib/Schedule: follows a schedule as it is built
// one node at a time and answers, for every ready node, the live bytes of its
// step and the bytes left live after it, exactly as computeProfile counts them.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_LIB_SCHEDULE_SCHEDULESIMULATOR_H
#define MEMOPT_LIB_SCHEDULE_SCHEDULESIMULATOR_H

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <vector>

namespace memopt {

/// Sizes that depend on the node alone: what its step adds, what stays live
/// after it, and what is live at the very first step whichever node runs.
struct NodeFootprint {
  /// Activation results: all live at the node's step.
  int64_t definedBytes = 0;
  /// Activation results that stay live after the step (read later or
  /// escaping).
  int64_t keptBytes = 0;
};

/// Per-node footprints of `graph`.
std::vector<NodeFootprint> computeFootprints(const MemoryGraph &graph);

/// Activation block arguments that are live before any step: those read by a
/// node or escaping. They stay live until their last reader.
int64_t initialLiveBytes(const MemoryGraph &graph);

/// Activation block arguments that nobody reads and that do not escape: live
/// at step 0 only.
int64_t firstStepOnlyBytes(const MemoryGraph &graph);

/// Follows a schedule under construction.
class ScheduleSimulator {
public:
  ScheduleSimulator(const MemoryGraph &graph, const ModelOptions &options);

  /// Nodes whose dependences have all run, in the order they became ready.
  llvm::ArrayRef<unsigned> readyNodes() const { return ready; }
  bool done() const { return scheduledCount == graph.numNodes(); }

  /// Live bytes before the next step (values that a later step still needs).
  int64_t liveBytes() const { return live; }
  /// Live bytes at the step of `node`, were it to run next.
  int64_t stepBytes(unsigned node) const;
  /// Live bytes after the step of `node`.
  int64_t bytesAfter(unsigned node) const {
    return live + footprints[node].keptBytes - freedBytes[node];
  }
  /// Bytes of the node's operands that it would be the last reader of.
  int64_t bytesFreed(unsigned node) const { return freedBytes[node]; }
  int64_t bytesDefined(unsigned node) const {
    return footprints[node].definedBytes;
  }

  /// Runs `node`, which must be ready. `onFreedChange` is told of every
  /// not yet scheduled node whose bytesFreed grew.
  void schedule(unsigned node,
                llvm::function_ref<void(unsigned)> onFreedChange = nullptr);

private:
  const MemoryGraph &graph;
  ModelOptions options;
  std::vector<NodeFootprint> footprints;
  int64_t firstStepExtra;
  std::vector<unsigned> remainingUsers;
  std::vector<unsigned> remainingPreds;
  std::vector<bool> scheduled;
  std::vector<int64_t> freedBytes;
  std::vector<unsigned> ready;
  unsigned scheduledCount = 0;
  int64_t live;
};

} // namespace memopt

#endif // MEMOPT_LIB_SCHEDULE_SCHEDULESIMULATOR_H
