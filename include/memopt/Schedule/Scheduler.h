//===- Scheduler.h - Operation order that minimises peak memory -*- C++ -*-===//
//
// Part of memopt. Chooses a topological order of a MemoryGraph whose peak
// activation memory, as defined by computeProfile, is as low as possible:
// production heuristics (XLA, PyTorch Inductor) and HMCOS's baseline, an exact
// dynamic program over scheduled sets (SERENITY) that also re-solves windows
// of an order, and an ordering integer program (OLLA). See
// docs/Scheduling.md.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_SCHEDULE_SCHEDULER_H
#define MEMOPT_SCHEDULE_SCHEDULER_H

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace memopt {

enum class ScheduleAlgorithm {
  /// Keep the input order ("input").
  InputOrder,
  /// HMCOS's baseline: reverse post-order from the returned values
  /// ("rpo").
  ReversePostOrder,
  /// XLA's list scheduler: greedily runs the ready node that frees the most
  /// bytes net of the bytes it defines ("list").
  ListFreedMinusDefined,
  /// XLA's DFS scheduler: post-order from the sinks, operands with more extra
  /// users and heavier subtrees first ("dfs").
  PostOrderBySubtree,
  /// PyTorch Inductor's least-peak-memory-first greedy ("lpmf").
  LeastPeakFirst,
  /// The best of the heuristics, chosen per segment ("heuristics").
  BestHeuristic,
  /// Exact search over scheduled sets per segment; when it runs out of time
  /// or memory, exact re-solves of windows of orders, beams and soft budgets
  /// ("dp").
  DynamicProgramming,
  /// OLLA's ordering integer program per segment, solved by GLPK ("ilp").
  IntegerProgram,
  /// Heuristics, then the window search, the exact search and beams, with
  /// an effort scaled to the graph's size ("auto").
  Auto,
};

/// Parses one of: input, rpo, list, dfs, lpmf, heuristics, dp, ilp, auto.
std::optional<ScheduleAlgorithm> parseScheduleAlgorithm(llvm::StringRef name);
llvm::StringRef stringifyScheduleAlgorithm(ScheduleAlgorithm algorithm);

struct ScheduleOptions {
  ScheduleAlgorithm algorithm = ScheduleAlgorithm::Auto;
  /// Multiplies the work the searches may do, which is scaled to the graph
  /// (docs/Scheduling.md) and counted in deterministic units (states
  /// expanded, steps recomputed), so that the same graph and options always
  /// give the same order. Positive and finite.
  double effort = 1;
  /// Wall-clock safety net of the whole call, heuristics included: the
  /// searches also stop when it passes (`stoppedByTimeLimit`), and they
  /// never plan more work than half of it would allow at the nominal speed.
  /// Positive; infinity means no limit. Not NaN.
  double timeLimitSeconds = 10;
  /// Limit on the state tables of the exact search. Positive; any value is
  /// safe (the tables never outgrow 2^32 states).
  int64_t memoryLimitBytes = int64_t(1) << 30;
  /// When set, the call only decides whether some order peaks at or below
  /// this many bytes: its searches stop as soon as they find an order that
  /// low or prove a lower bound above it. Until then it works exactly as
  /// without the option, so its answer is that call's: the call without it
  /// returns an order at most as high as one found at or below the mark,
  /// and no order at or below a proven bound above it; when neither
  /// happens, the result is the same.
  std::optional<int64_t> decidePeakBytes;
  ModelOptions model;
};

/// Returns why `options` are out of range (time limit NaN or not positive,
/// effort not positive and finite, memory limit not positive), or nothing.
/// `scheduleForMemory` requires options it accepts.
std::optional<std::string>
verifyScheduleOptions(const ScheduleOptions &options);

enum class ScheduleStatus {
  /// The peak is proven minimal.
  Optimal,
  /// A valid order, not proven minimal.
  Feasible,
};

struct ScheduleResult {
  /// The chosen schedule: a topological order of all nodes.
  std::vector<unsigned> order;
  int64_t peakBytes = 0;
  /// Peak of the input order.
  int64_t inputPeakBytes = 0;
  /// Best proven lower bound on the peak of every schedule.
  int64_t lowerBoundBytes = 0;
  ScheduleStatus status = ScheduleStatus::Feasible;
  /// Algorithm that produced the kept order, by its stringified name
  /// ("input" when nothing beat the input order).
  std::string algorithm;
  double seconds = 0;
  /// Contiguous parts that every schedule runs one after the other
  /// (docs/Scheduling.md), and how many of them are settled: their part of
  /// the order is proven minimal, or its peak is at most the proven lower
  /// bound of the whole graph. The status is Optimal exactly when all are.
  unsigned segments = 0;
  unsigned optimalSegments = 0;
  /// Whether a work, memory or time limit stopped a search before it
  /// finished.
  bool timedOut = false;
  /// Whether the wall-clock limit stopped a search: then, unlike a result
  /// bounded by work alone, the order may differ from run to run.
  bool stoppedByTimeLimit = false;
  /// Peak of each algorithm tried, in the order they ran.
  std::vector<std::pair<std::string, int64_t>> candidates;
};

/// Orders `graph` for the lowest peak with `options.algorithm`. The result is
/// never worse than the input order. Precondition: `verifyScheduleOptions`
/// accepts `options`.
ScheduleResult scheduleForMemory(const MemoryGraph &graph,
                                 const ScheduleOptions &options);

/// Independent check of `result`: its order is a valid schedule and its peak
/// recomputed by computeProfile equals the claimed one, and the lower bound
/// is not above it. Returns a description of the first problem found.
std::optional<std::string> checkSchedule(const MemoryGraph &graph,
                                         const ScheduleResult &result,
                                         const ModelOptions &options);

} // namespace memopt

#endif // MEMOPT_SCHEDULE_SCHEDULER_H
