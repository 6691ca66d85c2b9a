//===- Packing.h - Static buffer offset assignment -------------*- C++ -*-===//
//
// Part of memopt. Places buffers with known lifetimes at byte offsets of one
// arena so that buffers live at the same time never share a byte: the
// dynamic storage allocation problem, on a model that knows nothing of MLIR.
// Greedy packers of production planners (TFLite, XLA, IREE, TVM) and an exact
// search over canonical solutions in the spirit of MiniMalloc (Moffitt,
// ASPLOS 2023). docs/Packing.md describes the algorithms.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_PACKING_PACKING_H
#define MEMOPT_PACKING_PACKING_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace memopt {

/// A buffer to place: it needs `size` bytes at an offset that is a multiple of
/// `alignment` while it is live, on the half-open step interval [begin, end).
struct PackingBuffer {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size = 0;
  int64_t alignment = 1;
  std::string id;
};

/// Buffers to pack, and optionally the size of the arena they must fit in.
struct PackingProblem {
  std::vector<PackingBuffer> buffers;
  std::optional<int64_t> capacity;
};

enum class PackingAlgorithm {
  /// Largest buffer first, each into the smallest gap that fits among the
  /// buffers live at the same time (TFLite ArenaPlanner, XLA's spatial heap
  /// simulator).
  SizeDescendingBestFit,
  /// Buffers by start step, best-fit gap (IREE LayoutSlices, the upstream
  /// static memory planner).
  StartOrderBestFit,
  /// Most time-conflicting buffer first, lowest offset that fits (TVM USMP
  /// greedy_by_conflicts).
  GreedyByConflicts,
  /// The smallest arena of the three heuristics.
  BestOfAll,
  /// The heuristics, then an exact search that shrinks the arena towards the
  /// lower bound until it proves the optimum or runs out of time.
  Exact,
  /// The heuristics, then, unless the capacity is below the lower bound, the
  /// exact search until the packing fits the capacity; without a capacity,
  /// as `Exact`.
  Auto,
};

/// Largest arena, in bytes, that a problem may need: `verifyPackingProblem`
/// rejects problems whose sizes plus alignment padding could exceed it, so
/// that no offset computation overflows.
constexpr int64_t kMaxArenaBytes = int64_t(1) << 62;

struct PackingOptions {
  PackingAlgorithm algorithm = PackingAlgorithm::Auto;
  /// Multiplies the effort of the exact search: the search nodes it may
  /// visit, scaled to the problem's size (docs/Packing.md). The effort alone
  /// decides where the search stops, so the same problem always gets the same
  /// offsets. Positive and finite.
  double effort = 1;
  /// Wall-clock safety net: the exact search also stops when it passes, and
  /// the result says so (`stoppedByTimeLimit`). Positive; infinity means no
  /// limit. Not NaN.
  double timeLimitSeconds = 10;
};

enum class PackingStatus {
  /// No smaller arena exists: it equals the lower bound or the exact search
  /// exhausted every smaller one.
  Optimal,
  /// Fits the capacity (if any); not proven minimal.
  Feasible,
  /// Proven: no packing fits the capacity.
  Infeasible,
  /// No packing within the capacity was found by the algorithm within its
  /// effort or time.
  Timeout,
  /// The problem or the options are malformed (`error` says why); there are
  /// no offsets.
  Invalid,
};

struct PackingResult {
  /// Offset of each buffer, in the problem's order. Always a valid packing,
  /// also when it exceeds the capacity (then `arenaBytes` says how many bytes
  /// the best packing found needs).
  std::vector<int64_t> offsets;
  /// The arena the offsets need: max over buffers of offset + size.
  int64_t arenaBytes = 0;
  /// Max-live bytes at any step, with alignment (see `maxLiveBytes`).
  int64_t lowerBoundBytes = 0;
  PackingStatus status = PackingStatus::Feasible;
  /// Name of the algorithm that found the offsets.
  std::string algorithm;
  double seconds = 0;
  /// Arena of every algorithm that ran, by name, in the order they ran.
  std::vector<std::pair<std::string, int64_t>> candidates;
  /// Whether the wall-clock limit stopped the exact search before its effort
  /// was spent: then the result may differ from run to run.
  bool stoppedByTimeLimit = false;
  /// Why the problem or the options were rejected (status Invalid).
  std::string error;
};

/// Packs `problem`'s buffers with `options.algorithm`. A problem that
/// `verifyPackingProblem` or options that `verifyPackingOptions` reject give
/// an Invalid result without offsets.
PackingResult packBuffers(const PackingProblem &problem,
                          const PackingOptions &options = {});

/// The largest, over steps, number of bytes that any packing needs for the
/// buffers live at that step: their total size, raised when alignment forces
/// the topmost of them past the sum of the others.
int64_t maxLiveBytes(const PackingProblem &problem);

/// Returns why `problem` is malformed (negative size, alignment below one,
/// `end < begin`, a lifetime whose length overflows, capacity below zero, or
/// sizes and alignments that could need an arena over `kMaxArenaBytes`), or
/// nothing.
std::optional<std::string> verifyPackingProblem(const PackingProblem &problem);

/// Returns why `options` are out of range (time limit NaN or not positive,
/// effort not positive and finite), or nothing.
std::optional<std::string> verifyPackingOptions(const PackingOptions &options);

/// Checks `result` against `problem` without trusting the packer: one offset
/// per buffer, each non-negative and aligned, buffers with overlapping
/// lifetimes never share a byte, every buffer ends within `arenaBytes`, the
/// lower bound does not exceed the arena, and a result that claims to fit
/// (Optimal or Feasible) fits the capacity. Returns the first violation.
std::optional<std::string> checkPacking(const PackingProblem &problem,
                                        const PackingResult &result);

/// Reads MiniMalloc's CSV: a header naming the columns `id`, `lower`, `upper`,
/// `size` and optionally `offset` and `alignment`, each once, in any order;
/// each row is a buffer live on [lower, upper), with an id no other row has.
/// Offsets are ignored. On failure (also when `verifyPackingProblem` rejects
/// the problem) returns nothing and sets `error`.
std::optional<PackingProblem> readMiniMallocCsv(llvm::StringRef text,
                                                std::string &error);

/// Writes `problem` as MiniMalloc's CSV (`id,lower,upper,size`), with an
/// `alignment` column if any buffer needs one and an `offset` column when
/// `result` is given.
std::string writeMiniMallocCsv(const PackingProblem &problem,
                               const PackingResult *result = nullptr);

/// Command-line names: size-best-fit, start-best-fit, conflicts, best, exact,
/// auto.
llvm::StringRef getPackingAlgorithmName(PackingAlgorithm algorithm);
std::optional<PackingAlgorithm> parsePackingAlgorithm(llvm::StringRef name);

/// optimal, feasible, infeasible, timeout, invalid.
llvm::StringRef getPackingStatusName(PackingStatus status);

} // namespace memopt

#endif // MEMOPT_PACKING_PACKING_H
