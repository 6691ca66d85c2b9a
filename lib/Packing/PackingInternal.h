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

/// Whether the lifetimes of two buffers that occupy memory overlap.
inline bool livesOverlap(const PackingBuffer &a, const PackingBuffer &b) {
  return a.begin < b.end && b.begin < a.end;
}

/// max over buffers of offset + size; zero for no buffers.
int64_t arenaOf(const PackingProblem &problem, llvm::ArrayRef<int64_t> offsets);

/// A point in time after which searches give up.
class Deadline {
public:
  explicit Deadline(double seconds)
      : end(std::chrono::steady_clock::now() +
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(seconds))) {}
  bool passed() const { return std::chrono::steady_clock::now() >= end; }

private:
  std::chrono::steady_clock::time_point end;
};

/// Runs one heuristic algorithm (`SizeDescendingBestFit`, `StartOrderBestFit`
/// or `GreedyByConflicts`).
std::vector<int64_t> runHeuristic(const PackingProblem &problem,
                                  PackingAlgorithm algorithm);

/// What an exact minimization established.
struct ExactOutcome {
  /// The smallest arena found, or the initial offsets if none beat them.
  std::vector<int64_t> offsets;
  int64_t arenaBytes = 0;
  /// No packing in fewer than `arenaBytes` bytes exists.
  bool provenOptimal = false;
  /// No packing fits `fitWithin`.
  bool provenInfeasible = false;
};

/// Shrinks the arena of `initialOffsets`, a valid packing of `problem`, with
/// the canonical search (docs/Packing.md) until it reaches `lowerBound`, the
/// search proves that no smaller arena exists, or `deadline` passes. When
/// `fitWithin` is set and the initial arena exceeds it, first looks for a
/// packing within it. `stopOnceFitting` ends the work as soon as the arena
/// fits `fitWithin` (at once if the initial one does).
ExactOutcome minimizeArena(const PackingProblem &problem,
                           std::vector<int64_t> initialOffsets,
                           int64_t lowerBound, std::optional<int64_t> fitWithin,
                           bool stopOnceFitting, const Deadline &deadline);

} // namespace memopt::packing

#endif // MEMOPT_LIB_PACKING_PACKINGINTERNAL_H
