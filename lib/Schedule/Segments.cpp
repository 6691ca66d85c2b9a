//===- Segments.cpp - Parts that every schedule runs in sequence ----------===//

#include "memopt/Schedule/Segments.h"

#include "llvm/ADT/STLExtras.h"

using namespace memopt;

namespace {
/// A set of nodes with constant-time insertion, removal and listing.
class NodeSet {
public:
  explicit NodeSet(unsigned numNodes) : position(numNodes, ~0u) {}
  void insert(unsigned node) {
    position[node] = members.size();
    members.push_back(node);
  }
  void erase(unsigned node) {
    unsigned last = members.back();
    members[position[node]] = last;
    position[last] = position[node];
    members.pop_back();
    position[node] = ~0u;
  }
  bool contains(unsigned node) const { return position[node] != ~0u; }
  llvm::ArrayRef<unsigned> list() const { return members; }
  unsigned size() const { return members.size(); }

private:
  std::vector<unsigned> position;
  std::vector<unsigned> members;
};
} // namespace

std::vector<std::vector<unsigned>>
memopt::splitIntoSegments(const MemoryGraph &graph,
                          llvm::ArrayRef<unsigned> topologicalOrder) {
  unsigned n = graph.numNodes();
  std::vector<std::vector<unsigned>> segments;
  if (n == 0)
    return segments;
  // `sinks`: prefix nodes without a successor in the prefix. `sources`:
  // nodes outside the prefix whose predecessors are all in it.
  NodeSet sinks(n), sources(n);
  std::vector<unsigned> predsInPrefix(n, 0), succsInPrefix(n, 0);
  for (unsigned node = 0; node < n; ++node)
    if (graph.node(node).preds.empty())
      sources.insert(node);
  auto isCut = [&]() {
    for (unsigned source : sources.list()) {
      llvm::ArrayRef<unsigned> preds = graph.node(source).preds;
      if (preds.size() < sinks.size())
        return false;
      unsigned fromSinks =
          llvm::count_if(preds, [&](unsigned p) { return sinks.contains(p); });
      if (fromSinks != sinks.size())
        return false;
    }
    return true;
  };
  segments.emplace_back();
  for (unsigned position = 0; position < n; ++position) {
    unsigned node = topologicalOrder[position];
    segments.back().push_back(node);
    sources.erase(node);
    for (unsigned pred : graph.node(node).preds)
      if (succsInPrefix[pred]++ == 0)
        sinks.erase(pred);
    sinks.insert(node);
    for (unsigned succ : graph.node(node).succs)
      if (++predsInPrefix[succ] == graph.node(succ).preds.size())
        sources.insert(succ);
    if (position + 1 < n && isCut())
      segments.emplace_back();
  }
  return segments;
}
