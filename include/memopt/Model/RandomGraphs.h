//===- RandomGraphs.h - Random memory graphs for tests -----------*- C++ -*-===//
//
// Part of memopt. Deterministic random DAGs used by unit tests and
// benchmarks to compare solvers against brute force.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_MODEL_RANDOMGRAPHS_H
#define MEMOPT_MODEL_RANDOMGRAPHS_H

#include "memopt/Model/MemoryGraph.h"

#include <cstdint>

namespace memopt {

struct RandomGraphOptions {
  unsigned numNodes = 8;
  /// Probability of an edge from an earlier node to a later one.
  double edgeProbability = 0.3;
  int64_t minSize = 1;
  int64_t maxSize = 100;
  /// Probability that a node has a second result.
  double secondResultProbability = 0.2;
  /// Probability of an extra ordering edge between two nodes.
  double orderingEdgeProbability = 0.05;
  /// Probability that a node is marked in-place capable.
  double inPlaceProbability = 0.3;
  /// Number of resident inputs (arguments) shared by random nodes.
  unsigned numArguments = 2;
};

/// Builds a random DAG whose nodes are numbered in a topological order; some
/// results escape. The same seed always gives the same graph.
MemoryGraph buildRandomGraph(uint64_t seed, const RandomGraphOptions &options);

} // namespace memopt

#endif // MEMOPT_MODEL_RANDOMGRAPHS_H
