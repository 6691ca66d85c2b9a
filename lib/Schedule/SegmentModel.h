//===- SegmentModel.h - Memory of one part of a schedule --------*- C++ -*-===//
//
// Part of memopt. Internal to lib/Schedule: a set of nodes that runs as one
// contiguous part of the schedule, after a fixed set of nodes. The live bytes
// before any of its steps depend only on which of its nodes already ran, not
// on their order, which is what makes the exact search and the divide and
// conquer exact.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_LIB_SCHEDULE_SEGMENTMODEL_H
#define MEMOPT_LIB_SCHEDULE_SEGMENTMODEL_H

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace memopt {

class SegmentModel {
public:
  /// `nodes` lists the part's nodes in a topological order; `runsBefore`
  /// tells which other nodes run before the part (all others run after it);
  /// `liveOnEntry` is the live bytes before its first step.
  SegmentModel(const MemoryGraph &graph, const ModelOptions &options,
               llvm::ArrayRef<unsigned> nodes,
               std::function<bool(unsigned)> runsBefore, int64_t liveOnEntry);

  const MemoryGraph &getGraph() const { return graph; }
  const ModelOptions &getOptions() const { return options; }
  unsigned size() const { return nodes.size(); }
  /// Local ids are positions in `nodes`, hence topological.
  unsigned globalNode(unsigned local) const { return nodes[local]; }
  std::optional<unsigned> localNode(unsigned global) const;
  llvm::ArrayRef<unsigned> preds(unsigned local) const {
    return localPreds[local];
  }
  llvm::ArrayRef<unsigned> succs(unsigned local) const {
    return localSuccs[local];
  }
  bool runsBefore(unsigned global) const { return runsBeforePart(global); }

  int64_t liveBytesOnEntry() const { return liveOnEntry; }
  /// Live bytes after the part's last step, whatever its order.
  int64_t liveBytesOnExit() const { return liveOnExit; }
  /// Bytes live at the part's first step only (block arguments that nobody
  /// reads, when the part starts the schedule).
  int64_t firstStepBytes() const { return startsSchedule ? firstStepExtra : 0; }
  /// Activation bytes that `local` defines, all live at its step.
  int64_t definedBytes(unsigned local) const {
    return infos[local].definedBytes;
  }
  /// Bytes live at every step of the part, whatever its order.
  int64_t throughBytes() const { return through; }
  /// Lower bound on the peak of the part over all its orders.
  int64_t lowerBound() const { return bound; }

  /// The step of running `local` when the nodes for which `isScheduled`
  /// holds already ran and `live` bytes are live before it.
  struct Step {
    /// Live bytes at the step.
    int64_t bytes;
    /// Live bytes after it.
    int64_t liveAfter;
  };
  template <typename IsScheduled>
  Step step(unsigned local, int64_t live, bool firstOfPart,
            IsScheduled isScheduled) const {
    const NodeInfo &info = infos[local];
    Step result{live + info.definedBytes, live + info.keptBytes};
    if (firstOfPart && startsSchedule)
      result.bytes += firstStepExtra;
    auto dies = [&](const DyingOperand &operand) {
      for (unsigned u = operand.firstUser; u < operand.endUser; ++u)
        if (!isScheduled(otherUsers[u]))
          return false;
      return true;
    };
    for (unsigned i = info.firstOperand; i < info.endOperand; ++i)
      if (dies(dyingOperands[i]))
        result.liveAfter -= dyingOperands[i].size;
    if (info.inPlaceCapable)
      result.bytes -= graph.inPlaceSavings(nodes[local], [&](unsigned value) {
        for (unsigned i = info.firstOperand; i < info.endOperand; ++i)
          if (dyingOperands[i].value == value)
            return dies(dyingOperands[i]);
        return false;
      });
    return result;
  }

  /// Peak of running the part in `localOrder`, a valid order of its nodes.
  int64_t peakOf(llvm::ArrayRef<unsigned> localOrder) const;

private:
  /// An operand that may die in the part: an activation that does not escape
  /// and that no node after the part reads.
  struct DyingOperand {
    unsigned value;
    int64_t size;
    /// Readers in the part other than the node itself, as a range of
    /// `otherUsers`; the operand dies when they all ran.
    unsigned firstUser, endUser;
  };
  struct NodeInfo {
    int64_t definedBytes = 0;
    int64_t keptBytes = 0;
    unsigned firstOperand = 0, endOperand = 0;
    bool inPlaceCapable = false;
  };

  int64_t computeLowerBound() const;

  const MemoryGraph &graph;
  ModelOptions options;
  std::vector<unsigned> nodes;
  llvm::DenseMap<unsigned, unsigned> localOf;
  std::function<bool(unsigned)> runsBeforePart;
  std::vector<std::vector<unsigned>> localPreds, localSuccs;
  std::vector<NodeInfo> infos;
  std::vector<DyingOperand> dyingOperands;
  std::vector<unsigned> otherUsers;
  int64_t liveOnEntry;
  int64_t liveOnExit = 0;
  /// Whether no node runs before the part; then block arguments that
  /// nobody reads are live at its first step.
  bool startsSchedule = true;
  int64_t firstStepExtra = 0;
  int64_t through = 0;
  int64_t bound = 0;
};

} // namespace memopt

#endif // MEMOPT_LIB_SCHEDULE_SEGMENTMODEL_H
