//===- OrderingIlp.h - OLLA's ordering integer program ----------*- C++ -*-===//
//
// Part of memopt. The ordering integer program of OLLA (Steiner et al.) for a
// whole graph, solved by GLPK: time steps that several independent nodes may
// share, liveness variables only inside ASAP/ALAP windows, sizes divided by
// their common divisor, a warm start from a known order. The answer is turned
// into a full order and re-evaluated by computeProfile.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_SCHEDULE_ORDERINGILP_H
#define MEMOPT_SCHEDULE_ORDERINGILP_H

#include "memopt/Model/MemoryGraph.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace memopt {

struct OrderingIlpOptions {
  ModelOptions model;
  /// One time step per node: the program then covers every order and is
  /// exact, but grows quadratically. Otherwise OLLA's
  /// min(ceil(1.01 x longest path), nodes) steps, whose optimum proves
  /// nothing about the step-by-step peak.
  bool stepPerNode = false;
  double timeLimitSeconds = 10;
  /// Order to warm start from; the input order when empty.
  std::vector<unsigned> warmStart;
};

struct OrderingIlpResult {
  std::vector<unsigned> order;
  /// Peak of `order` by computeProfile.
  int64_t peakBytes = 0;
  /// Whether `order` is proven optimal (GLPK finished with a step per node).
  bool provenOptimal = false;
  /// Proven lower bound from the program (0 unless `stepPerNode`).
  int64_t lowerBoundBytes = 0;
  unsigned timeSteps = 0;
  bool timedOut = false;
};

/// Solves the ordering program of `graph`; none when GLPK found no solution
/// within the time limit or the program is too large to build.
std::optional<OrderingIlpResult>
solveOrderingIlp(const MemoryGraph &graph, const OrderingIlpOptions &options);

} // namespace memopt

#endif // MEMOPT_SCHEDULE_ORDERINGILP_H
