//===- ExactSearch.h - Search over scheduled sets of a segment --*- C++ -*-===//
//
// Part of memopt. Internal to lib/Schedule: SERENITY's dynamic program over
// scheduled sets. A state is the set of nodes of a segment that already ran
// (always closed under dependences); the live bytes after it do not depend on
// the order that reached it, so only the least peak per state matters.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_LIB_SCHEDULE_EXACTSEARCH_H
#define MEMOPT_LIB_SCHEDULE_EXACTSEARCH_H

#include "SegmentModel.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace memopt {

using SteadyClock = std::chrono::steady_clock;

/// The point `seconds` from now; never (time_point::max()) when `seconds` is
/// infinite, NaN or beyond any run.
SteadyClock::time_point deadlineAfter(double seconds);

/// Deterministic accounting of the work of one scheduling call. Searches add
/// the work they do (states expanded or stored, steps recomputed: units that
/// each take a fraction of a microsecond) and stop at marks on it, so the
/// same input always gets the same result. The wall-clock deadline is only a
/// safety net: once it has passed, every mark counts as reached and
/// `deadlinePassed` says so.
class WorkMeter {
public:
  explicit WorkMeter(SteadyClock::time_point deadline) : deadline(deadline) {}

  void add(uint64_t units) {
    done += units;
    if (done >= nextClockCheck) {
      nextClockCheck = done + kClockCheckInterval;
      expired |= SteadyClock::now() >= deadline;
    }
  }
  uint64_t workDone() const { return done; }
  bool deadlinePassed() const { return expired; }
  /// Ends the call's work: every mark counts as reached from now on (the
  /// question the caller asked is answered).
  void stop() { stopped = true; }
  bool isStopped() const { return stopped; }
  SteadyClock::time_point getDeadline() const { return deadline; }
  /// Reads the clock now (for phases that add little work).
  bool checkDeadline() {
    expired |= SteadyClock::now() >= deadline;
    return expired;
  }

private:
  /// Work between two readings of the clock.
  static constexpr uint64_t kClockCheckInterval = 4096;
  SteadyClock::time_point deadline;
  uint64_t done = 0;
  uint64_t nextClockCheck = 0;
  bool expired = false;
  bool stopped = false;
};

/// A mark on a WorkMeter that a search must stop at.
class WorkLimit {
public:
  WorkLimit(WorkMeter &meter, uint64_t end) : meter(&meter), end(end) {}

  bool reached() const {
    return meter->workDone() >= end || meter->deadlinePassed() ||
           meter->isStopped();
  }
  uint64_t left() const { return reached() ? 0 : end - meter->workDone(); }
  /// The mark after `fraction` of the work left, never past this one.
  WorkLimit share(double fraction) const {
    double units = double(left()) * fraction;
    return {*meter, meter->workDone() +
                        (units >= double(left()) ? left() : uint64_t(units))};
  }
  void add(uint64_t units) const { meter->add(units); }
  WorkMeter &getMeter() const { return *meter; }

private:
  WorkMeter *meter;
  uint64_t end;
};

/// When a search must stop.
struct SearchLimits {
  WorkLimit work;
  /// States the search may store before it gives up.
  size_t maxStates;
};

enum class SearchOutcome {
  /// An order within the budget was found.
  Found,
  /// The search proved that no order stays within the budget.
  NoneWithinBudget,
  /// A limit stopped the search first.
  GaveUp,
};

struct SearchResult {
  SearchOutcome outcome = SearchOutcome::GaveUp;
  /// The order found, as local node ids.
  std::vector<unsigned> order;
  int64_t peak = 0;
  /// Proven lower bound on the peak of every order of the segment.
  int64_t lowerBound = 0;
};

class ExactSearch {
public:
  explicit ExactSearch(const SegmentModel &segment);
  ~ExactSearch();

  /// Both searches count steps below `floor` as `floor`: when something else
  /// already forces a peak of `floor`, orders below it need not be told
  /// apart. Peaks and lower bounds in their results are those of
  /// max(floor, peak of the order).

  /// Best-first search in increasing order of peak: finds an order of least
  /// peak among those whose every step needs at most `budget` bytes. When it
  /// gives up, the peak it had reached is a proven lower bound.
  SearchResult findOptimal(int64_t budget, int64_t floor,
                           const SearchLimits &limits);

  /// Depth-first search for any order whose every step needs at most
  /// `budget` bytes, trying first the steps that leave the least memory live.
  /// Each state is visited once.
  SearchResult findWithin(int64_t budget, int64_t floor,
                          const SearchLimits &limits);

  /// Beam search, level by level (states with the same number of scheduled
  /// nodes): keeps the `width` states of least (peak, live bytes) per level,
  /// merging equal sets, and drops steps above `budget`. When no level had
  /// more than `width` states it was the full dynamic program, and its
  /// answer (an optimal order, or none within budget) is proven.
  SearchResult findByBeam(unsigned width, int64_t budget, int64_t floor,
                          const SearchLimits &limits);

  /// Bytes the search stores per state of a segment of `size` nodes.
  static size_t bytesPerState(unsigned size);

private:
  class StateTable;

  /// A node that may run next from a state, and what its step costs.
  struct Move {
    unsigned node;
    SegmentModel::Step step;
  };
  /// The moves worth trying from the state `bits` (whose first step is still
  /// to come when `first`), with `live` bytes live and `peak` reached: all
  /// ready nodes, or only one when running it at once frees memory without
  /// raising the peak (which never loses an optimal order).
  void collectMoves(const uint64_t *bits, int64_t live, int64_t peak,
                    bool first, std::vector<Move> &moves) const;

  /// Clears the state table and inserts the empty state, keyed by `key`
  /// (all zero). Returns its index, or nothing when the segment's own bound
  /// already exceeds `budget`; `result` gets the root's lower bound, or the
  /// outcome when there is nothing to search.
  std::optional<unsigned> startSearch(int64_t budget, int64_t floor,
                                      std::vector<uint64_t> &key,
                                      SearchResult &result);

  const SegmentModel &segment;
  /// The dependence of each node with the highest local id (the node
  /// itself when it has none): tested first, it rules out most nodes that
  /// are not ready.
  std::vector<unsigned> latestPred;
  /// latestReadyAfter[i]: the last node with dependences whose latest one is
  /// at most i (-1: none). No later node but a source can be ready once the
  /// nodes that ran end at i.
  std::vector<int64_t> latestReadyAfter;
  /// The nodes without dependences, in increasing order.
  std::vector<unsigned> sources;
  std::vector<uint64_t> zobristKeys;
  std::unique_ptr<StateTable> table;
};

} // namespace memopt

#endif // MEMOPT_LIB_SCHEDULE_EXACTSEARCH_H
