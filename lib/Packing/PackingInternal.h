//===- PackingInternal.h - Pieces shared by the packers --------*- C++ -*-===//
//
// Part of memopt. Not installed: the greedy packers and the exact search that
// packBuffers combines.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_LIB_PACKING_PACKINGINTERNAL_H
#define MEMOPT_LIB_PACKING_PACKINGINTERNAL_H

#include "memopt/Packing/Packing.h"

#include "llvm/ADT/ArrayRef.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace memopt::packing {

/// Rounds `value` up to a multiple of `alignment` (at least one).
inline int64_t alignUp(int64_t value, int64_t alignment) {
  int64_t remainder = value % alignment;
  return remainder == 0 ? value : value + alignment - remainder;
}

/// Whether a buffer takes part in packing at all: one that is never live or
/// needs no bytes conflicts with nothing and sits at offset zero.
inline bool occupiesMemory(const PackingBuffer &buffer) {
  return buffer.size > 0 && buffer.begin < buffer.end;
}

/// The buffers that occupy memory, by increasing start step.
std::vector<unsigned> occupyingBuffersByBegin(const PackingProblem &problem);

/// max over buffers of offset + size; zero for no buffers.
int64_t arenaOf(const PackingProblem &problem, llvm::ArrayRef<int64_t> offsets);

/// For each buffer that occupies memory, the others that do and whose
/// lifetimes overlap its own, found by a sweep over start steps: time and
/// memory linear in the number of overlapping pairs, not in the square of the
/// number of buffers.
class TimeOverlaps {
public:
  explicit TimeOverlaps(const PackingProblem &problem);
  llvm::ArrayRef<unsigned> of(unsigned buffer) const {
    return llvm::ArrayRef(neighbours)
        .slice(start[buffer], start[buffer + 1] - start[buffer]);
  }
  /// Twice the number of overlapping pairs.
  size_t numEntries() const { return neighbours.size(); }

private:
  /// Neighbours of buffer b are neighbours[start[b], start[b + 1]).
  std::vector<size_t> start;
  std::vector<unsigned> neighbours;
};

/// Work units (see `improveByReordering` and `minimizeArena`) that the
/// packers do in about a second on the development machine.
constexpr int64_t kPackingWorkPerSecond = 20000000;

/// A point in time after which searches give up; none for an infinite or
/// very long limit.
class Deadline {
public:
  explicit Deadline(double seconds) {
    // Far beyond any run; also keeps the conversion below from overflowing.
    if (seconds < 1e9)
      end = std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(std::max(seconds, 0.0)));
  }
  bool passed() const {
    return end != std::chrono::steady_clock::time_point::max() &&
           std::chrono::steady_clock::now() >= end;
  }

private:
  std::chrono::steady_clock::time_point end =
      std::chrono::steady_clock::time_point::max();
};

/// Runs one heuristic algorithm (`SizeDescendingBestFit`, `StartOrderBestFit`
/// or `GreedyByConflicts`).
std::vector<int64_t> runHeuristic(const PackingProblem &problem,
                                  const TimeOverlaps &overlaps,
                                  PackingAlgorithm algorithm);

/// Lowers the arena of `offsets`, a valid packing, by a squeaky-wheel search
/// over placement orders (Joslin and Clements, JAIR 1999): for `rounds`
/// rounds, places the buffers lowest first in an order, then moves the
/// buffers that ended above `lowerBound` earlier. Returns the best packing
/// after `workBudget` units of work (a unit: a buffer or an overlap looked
/// at), once it reaches the bound, or after 500 rounds without progress.
std::vector<int64_t> improveByReordering(const PackingProblem &problem,
                                         const TimeOverlaps &overlaps,
                                         std::vector<int64_t> offsets,
                                         int64_t lowerBound, int64_t workBudget,
                                         int64_t &workDone);

/// What an exact minimization established.
struct ExactOutcome {
  /// The smallest arena found, or the initial offsets if none beat them.
  std::vector<int64_t> offsets;
  int64_t arenaBytes = 0;
  /// No packing in fewer than `arenaBytes` bytes exists.
  bool provenOptimal = false;
  /// No packing fits `fitWithin`.
  bool provenInfeasible = false;
  /// The deadline, not the node budget, ended the search.
  bool stoppedByDeadline = false;
};

/// Shrinks the arena of `initialOffsets`, a valid packing of `problem`, with
/// the canonical search (docs/Packing.md) until it reaches `lowerBound`, the
/// search proves that no smaller arena exists, it has done `workBudget` units
/// of work (a unit per buffer of the part searched at each node), or
/// `deadline` passes (a safety net: only the budget makes
/// the result reproducible). When `fitWithin` is set and the initial arena
/// exceeds it, first looks for a packing within it. `stopOnceFitting` ends the
/// work as soon as the arena fits `fitWithin` (at once if the initial one
/// does); the shrinking also stops once the arena is at most `goodEnough`.
ExactOutcome minimizeArena(const PackingProblem &problem,
                           std::vector<int64_t> initialOffsets,
                           int64_t lowerBound, std::optional<int64_t> fitWithin,
                           bool stopOnceFitting, int64_t goodEnough,
                           int64_t workBudget, const Deadline &deadline);

} // namespace memopt::packing

#endif // MEMOPT_LIB_PACKING_PACKINGINTERNAL_H
