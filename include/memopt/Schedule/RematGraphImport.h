//===- RematGraphImport.h - Checkmate and Moccasin graphs -------*- C++ -*-===//
//
// Part of memopt. Reads the networkx node-link JSON graphs of Checkmate and
// Moccasin (docs in /work/shared/instances/remat-graphs-schema.md) into a
// MemoryGraph: one value per node whose size is the node's output size, read
// by the node's successors. Nothing escapes, so a value nobody reads (the
// sink's) is live at its own step only, as Moccasin counts it.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_SCHEDULE_REMATGRAPHIMPORT_H
#define MEMOPT_SCHEDULE_REMATGRAPHIMPORT_H

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace memopt {

struct RematGraph {
  /// `graph.name` of the file.
  std::string name;
  /// Node i is the i-th node of the reference order (`graph.order` when
  /// present, else increasing ids), so the input order is that order.
  MemoryGraph graph;
  /// The file's id of each node.
  std::vector<int64_t> fileIds;
  /// Compute cost of each node (`cost_cpu` or `duration`).
  std::vector<int64_t> computeCosts;
  unsigned numEdges = 0;
};

/// Parses the JSON text of one graph, in either dialect.
llvm::Expected<RematGraph> parseRematGraph(llvm::StringRef json);

/// Reads and parses the file at `path`.
llvm::Expected<RematGraph> loadRematGraph(llvm::StringRef path);

} // namespace memopt

#endif // MEMOPT_SCHEDULE_REMATGRAPHIMPORT_H
