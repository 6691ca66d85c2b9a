//===- Heuristics.h - Memory-aware orders of compilers ----------*- C++ -*-===//
//
// Part of memopt. Greedy topological orders as XLA and PyTorch Inductor build
// them, and the reverse post-order that HMCOS compares against. Each returns a
// valid schedule of the whole graph in linear or near-linear time; none is
// optimal in general.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_SCHEDULE_HEURISTICS_H
#define MEMOPT_SCHEDULE_HEURISTICS_H

#include "memopt/Model/MemoryGraph.h"

#include <vector>

namespace memopt {

/// HMCOS's reverse post-order: a depth-first post-order over the
/// dependences, visited in the order they were added (operand order), from
/// the producers of the returned values in value order; nodes that no
/// returned value depends on follow from the remaining sinks in input order.
/// Each node runs right after the last of its dependences the search left.
std::vector<unsigned> scheduleReversePostOrder(const MemoryGraph &graph);

/// XLA's list scheduler: among the ready nodes, runs the one with the largest
/// bytes freed (operands it is the last reader of) minus bytes defined (its
/// results), then the most users, then the earliest in the input order.
std::vector<unsigned>
scheduleListFreedMinusDefined(const MemoryGraph &graph,
                              const ModelOptions &options);

/// XLA's DFS scheduler: a post-order from the sinks that visits the
/// dependences with more extra users first, then those whose subtree defines
/// more bytes, then the earliest in the input order.
std::vector<unsigned> schedulePostOrderBySubtree(const MemoryGraph &graph);

/// PyTorch Inductor's LPMF: among the ready nodes whose step stays within the
/// peak so far, runs the one that leaves the least memory live; when none
/// does, the one whose step needs the least memory.
std::vector<unsigned> scheduleLeastPeakFirst(const MemoryGraph &graph,
                                             const ModelOptions &options);

} // namespace memopt

#endif // MEMOPT_SCHEDULE_HEURISTICS_H
