//===- Segments.h - Parts that every schedule runs in sequence --*- C++ -*-===//
//
// Part of memopt. A cut of a graph is a set of nodes P, closed under
// dependences, such that every node of P is an ancestor of every node outside
// it. Every schedule then runs all of P first, and the live bytes at each
// step depend only on the order inside the part the step belongs to. The cuts
// split the graph into segments whose orders can be chosen independently;
// the peak of a schedule is the maximum of its segments' peaks. A single cut
// point (a node that every other node precedes or follows) gives two cuts.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_SCHEDULE_SEGMENTS_H
#define MEMOPT_SCHEDULE_SEGMENTS_H

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace memopt {

/// Splits `topologicalOrder` (any valid schedule of `graph`) at every cut.
/// A prefix is a cut exactly when each of its nodes without a successor
/// inside it has an edge to each node outside it without a predecessor
/// outside it. Every schedule runs the returned segments in this order, each
/// contiguously.
std::vector<std::vector<unsigned>>
splitIntoSegments(const MemoryGraph &graph,
                  llvm::ArrayRef<unsigned> topologicalOrder);

} // namespace memopt

#endif // MEMOPT_SCHEDULE_SEGMENTS_H
