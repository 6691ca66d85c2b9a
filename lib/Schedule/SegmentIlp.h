//===- SegmentIlp.h - OLLA's ordering program for one segment ---*- C++ -*-===//
//
// Part of memopt. Internal to lib/Schedule: builds OLLA's ordering integer
// program for a segment, solves it with GLPK and turns its answer into an
// order of the segment.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_LIB_SCHEDULE_SEGMENTILP_H
#define MEMOPT_LIB_SCHEDULE_SEGMENTILP_H

#include "ExactSearch.h"
#include "SegmentModel.h"

#include <optional>
#include <vector>

namespace memopt {

struct IlpOutcome {
  /// The order the program found, as local ids; none when GLPK found no
  /// integer solution in time.
  std::optional<std::vector<unsigned>> order;
  /// Proven lower bound on the segment's peak; 0 when the program proves
  /// nothing (it only does with as many time steps as nodes).
  int64_t lowerBound = 0;
  /// Whether GLPK proved its solution optimal (then, with as many time steps
  /// as nodes, the order's peak is the segment's optimum).
  bool solvedToOptimality = false;
  bool timedOut = false;
  unsigned timeSteps = 0;
};

/// Solves the ordering program of `segment` with `timeSteps` time steps
/// (0 for OLLA's min(ceil(1.01 x longest path), nodes); at least the longest
/// path and at most the number of nodes, where the program is exact), warm
/// started from `warmStart` (a valid order of the segment, as local ids).
/// GLPK stops after the simplex iterations that `work` pays for (or at the
/// meter's deadline), or once it finds a solution whose peak is at most
/// `stopAtPeak`. Nodes that share a time step are ordered by the exact
/// search (at most `maxStates` states) or greedily.
IlpOutcome solveSegmentIlp(const SegmentModel &segment,
                           llvm::ArrayRef<unsigned> warmStart,
                           unsigned timeSteps, WorkLimit work,
                           int64_t stopAtPeak, size_t maxStates);

} // namespace memopt

#endif // MEMOPT_LIB_SCHEDULE_SEGMENTILP_H
