//===- Heuristics.cpp - Greedy packers of production planners -------------===//
//
// Part of memopt. Each heuristic fixes an order of the buffers and places them
// one at a time among the buffers already placed whose lifetimes overlap:
//  - TFLite's ArenaPlanner and XLA's spatial heap simulator take the largest
//    buffer first and the best-fitting gap;
//  - IREE's LayoutSlices and the upstream static memory planner take buffers
//    in start order and the best-fitting gap;
//  - TVM USMP's greedy_by_conflicts takes the buffer with the most lifetime
//    conflicts first and the lowest offset where it fits.
//
//===----------------------------------------------------------------------===//

#include "PackingInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>

using namespace memopt;
using namespace memopt::packing;

int64_t memopt::packing::arenaOf(const PackingProblem &problem,
                                 llvm::ArrayRef<int64_t> offsets) {
  int64_t arena = 0;
  for (auto [buffer, offset] : llvm::zip_equal(problem.buffers, offsets))
    if (occupiesMemory(buffer))
      arena = std::max(arena, offset + buffer.size);
  return arena;
}

namespace {
/// Where a greedy packer puts the next buffer among the gaps that the
/// already placed buffers with overlapping lifetimes leave.
enum class GapChoice {
  /// The smallest gap that holds the buffer, the lowest of equal ones; above
  /// everything when none does.
  BestFit,
  /// The lowest offset where the buffer fits.
  FirstFit,
};
} // namespace

/// Places the buffers one by one in `order` (a permutation of their indices),
/// each by `choice`. Returns an offset per buffer.
static std::vector<int64_t> placeGreedily(const PackingProblem &problem,
                                          const TimeOverlaps &overlaps,
                                          llvm::ArrayRef<unsigned> order,
                                          GapChoice choice) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  assert(order.size() == buffers.size() && "order must be a permutation");
  std::vector<int64_t> offsets(buffers.size(), 0);
  std::vector<bool> placed(buffers.size(), false);
  /// Byte ranges [begin, end) of the placed buffers that are live together
  /// with the one being placed.
  std::vector<std::pair<int64_t, int64_t>> taken;
  for (unsigned index : order) {
    const PackingBuffer &buffer = buffers[index];
    if (!occupiesMemory(buffer))
      continue;
    taken.clear();
    for (unsigned other : overlaps.of(index))
      if (placed[other])
        taken.push_back({offsets[other], offsets[other] + buffers[other].size});
    llvm::sort(taken);

    int64_t bestOffset = -1;
    int64_t bestGap = std::numeric_limits<int64_t>::max();
    int64_t freeFrom = 0;
    for (auto [takenBegin, takenEnd] : taken) {
      int64_t candidate = alignUp(freeFrom, buffer.alignment);
      int64_t gap = takenBegin - candidate;
      if (gap >= buffer.size && gap < bestGap) {
        bestOffset = candidate;
        bestGap = gap;
        if (choice == GapChoice::FirstFit)
          break;
      }
      freeFrom = std::max(freeFrom, takenEnd);
    }
    if (bestOffset < 0)
      bestOffset = alignUp(freeFrom, buffer.alignment);
    offsets[index] = bestOffset;
    placed[index] = true;
  }
  return offsets;
}

std::vector<int64_t>
memopt::packing::runHeuristic(const PackingProblem &problem,
                              const TimeOverlaps &overlaps,
                              PackingAlgorithm algorithm) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  std::vector<unsigned> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  auto lifetime = [&](unsigned i) { return buffers[i].end - buffers[i].begin; };
  switch (algorithm) {
  case PackingAlgorithm::SizeDescendingBestFit:
    llvm::stable_sort(order, [&](unsigned a, unsigned b) {
      return std::make_tuple(-buffers[a].size, -lifetime(a), buffers[a].begin) <
             std::make_tuple(-buffers[b].size, -lifetime(b), buffers[b].begin);
    });
    return placeGreedily(problem, overlaps, order, GapChoice::BestFit);
  case PackingAlgorithm::StartOrderBestFit:
    llvm::stable_sort(order, [&](unsigned a, unsigned b) {
      return std::make_tuple(buffers[a].begin, -lifetime(a), -buffers[a].size) <
             std::make_tuple(buffers[b].begin, -lifetime(b), -buffers[b].size);
    });
    return placeGreedily(problem, overlaps, order, GapChoice::BestFit);
  case PackingAlgorithm::GreedyByConflicts:
    llvm::stable_sort(order, [&](unsigned a, unsigned b) {
      return std::make_tuple(overlaps.of(a).size(), buffers[a].size) >
             std::make_tuple(overlaps.of(b).size(), buffers[b].size);
    });
    return placeGreedily(problem, overlaps, order, GapChoice::FirstFit);
  case PackingAlgorithm::BestOfAll:
  case PackingAlgorithm::Exact:
  case PackingAlgorithm::Auto:
    break;
  }
  llvm_unreachable("not a single heuristic");
}

/// Rounds without a better arena after which the reordering gives up.
constexpr unsigned kStaleRounds = 500;

std::vector<int64_t> memopt::packing::improveByReordering(
    const PackingProblem &problem, const TimeOverlaps &overlaps,
    std::vector<int64_t> offsets, int64_t lowerBound, int64_t workBudget,
    int64_t &workDone) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  unsigned n = buffers.size();
  // Placing buffers lowest first in the order of their offsets gives a
  // packing no higher than the one they came from.
  std::vector<unsigned> order(n);
  std::iota(order.begin(), order.end(), 0);
  llvm::stable_sort(order, [&](unsigned a, unsigned b) {
    return std::tie(offsets[a], buffers[a].begin) <
           std::tie(offsets[b], buffers[b].begin);
  });
  int64_t bestArena = arenaOf(problem, offsets);
  // A fixed seed: the same problem always gets the same packing.
  std::mt19937_64 random(0x5eed);
  std::vector<double> key(n);
  // Work units of a round: every buffer and every overlapping pair is looked
  // at once or twice, plus the round's own overhead.
  int64_t roundWork = int64_t(n) + int64_t(overlaps.numEntries()) + 64;
  unsigned stale = 0;
  for (workDone = 0; workDone + roundWork <= workBudget &&
                     bestArena > lowerBound && stale < kStaleRounds;
       workDone += roundWork) {
    std::vector<int64_t> candidate =
        placeGreedily(problem, overlaps, order, GapChoice::FirstFit);
    int64_t arena = arenaOf(problem, candidate);
    ++stale;
    if (arena < bestArena) {
      bestArena = arena;
      offsets = candidate;
      stale = 0;
    }
    // Squeaky wheel: buffers that end above the lower bound move earlier,
    // the more the higher they end.
    for (unsigned position = 0; position < n; ++position) {
      unsigned buffer = order[position];
      key[buffer] = position;
      int64_t top = candidate[buffer] + buffers[buffer].size;
      if (!occupiesMemory(buffers[buffer]) || top <= lowerBound)
        continue;
      double blame = double(top - lowerBound) / double(arena - lowerBound);
      key[buffer] -= blame * double(random() % (n / 4 + 1));
    }
    llvm::stable_sort(order,
                      [&](unsigned a, unsigned b) { return key[a] < key[b]; });
  }
  return offsets;
}
