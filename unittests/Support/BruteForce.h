//===- BruteForce.h - Every schedule of a small graph -----------*- C++ -*-===//
//
// Part of memopt's unit tests: a small hand-made graph, and every valid
// schedule of a graph, to compare the schedulers with the true optimum.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_UNITTESTS_SUPPORT_BRUTEFORCE_H
#define MEMOPT_UNITTESTS_SUPPORT_BRUTEFORCE_H

#include "memopt/Model/MemoryGraph.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace memopt::testing {

/// Two branches a1 -> a2 and b1 -> b2 (100-byte then 1-byte values) into an
/// escaping join. Finishing one branch before starting the other peaks at
/// 102 bytes; the input order a1 b1 a2 b2 peaks at 201.
inline MemoryGraph twoBranches() {
  MemoryGraph graph;
  unsigned a1 = graph.addNode("a1"), b1 = graph.addNode("b1"),
           a2 = graph.addNode("a2"), b2 = graph.addNode("b2"),
           join = graph.addNode("join");
  unsigned va1 = graph.addValue(100, a1), vb1 = graph.addValue(100, b1);
  unsigned va2 = graph.addValue(1, a2), vb2 = graph.addValue(1, b2);
  graph.markEscaping(graph.addValue(1, join));
  graph.addUse(va1, a2);
  graph.addUse(vb1, b2);
  graph.addUse(va2, join);
  graph.addUse(vb2, join);
  return graph;
}

/// Calls `visit` on every valid schedule of `graph`.
inline void forEachSchedule(
    const MemoryGraph &graph,
    const std::function<void(const std::vector<unsigned> &)> &visit) {
  std::vector<unsigned> order, remainingPreds(graph.numNodes());
  for (unsigned node = 0; node < graph.numNodes(); ++node)
    remainingPreds[node] = graph.node(node).preds.size();
  std::vector<bool> done(graph.numNodes(), false);
  std::function<void()> extend = [&]() {
    if (order.size() == graph.numNodes()) {
      visit(order);
      return;
    }
    for (unsigned node = 0; node < graph.numNodes(); ++node) {
      if (done[node] || remainingPreds[node] != 0)
        continue;
      done[node] = true;
      order.push_back(node);
      for (unsigned succ : graph.node(node).succs)
        --remainingPreds[succ];
      extend();
      for (unsigned succ : graph.node(node).succs)
        ++remainingPreds[succ];
      order.pop_back();
      done[node] = false;
    }
  };
  extend();
}

/// Number of valid schedules, by counting over sets of scheduled nodes (at
/// most 20 nodes).
inline uint64_t countSchedules(const MemoryGraph &graph) {
  unsigned n = graph.numNodes();
  std::vector<uint64_t> ways(uint64_t(1) << n, 0);
  ways[0] = 1;
  for (uint64_t set = 0; set < ways.size(); ++set) {
    if (!ways[set])
      continue;
    for (unsigned node = 0; node < n; ++node) {
      if (set >> node & 1)
        continue;
      bool ready = std::all_of(graph.node(node).preds.begin(),
                               graph.node(node).preds.end(),
                               [&](unsigned pred) { return set >> pred & 1; });
      if (ready)
        ways[set | uint64_t(1) << node] += ways[set];
    }
  }
  return ways.back();
}

/// The least peak over all schedules.
inline int64_t bruteForceOptimum(const MemoryGraph &graph,
                                 const ModelOptions &options) {
  int64_t best = INT64_MAX;
  forEachSchedule(graph, [&](const std::vector<unsigned> &order) {
    best = std::min(best, computeProfile(graph, order, options).peakBytes);
  });
  return best;
}

} // namespace memopt::testing

#endif // MEMOPT_UNITTESTS_SUPPORT_BRUTEFORCE_H
