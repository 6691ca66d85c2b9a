//===- MemoryGraph.cpp - IR-free model of a block's memory behaviour ------===//

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>
#include <tuple>

using namespace memopt;

unsigned MemoryGraph::addNode(std::string name, bool inPlaceCapable) {
  Node node;
  node.name = std::move(name);
  node.inPlaceCapable = inPlaceCapable;
  nodes.push_back(std::move(node));
  return nodes.size() - 1;
}

unsigned MemoryGraph::addValue(int64_t size, std::optional<unsigned> producer,
                               bool resident, std::string name) {
  assert(size >= 0 && "value sizes are non-negative");
  Value value;
  value.name = std::move(name);
  value.size = size;
  value.producer = producer;
  value.resident = resident;
  values.push_back(std::move(value));
  unsigned id = values.size() - 1;
  if (producer)
    nodes[*producer].results.push_back(id);
  return id;
}

unsigned MemoryGraph::addScratch(unsigned node, int64_t size) {
  unsigned id = addValue(size, node, /*resident=*/false, "scratch");
  values[id].scratch = true;
  return id;
}

void MemoryGraph::addEdge(unsigned from, unsigned to) {
  if (from == to || !edgeSet.insert({from, to}).second)
    return;
  nodes[from].succs.push_back(to);
  nodes[to].preds.push_back(from);
}

void MemoryGraph::addUse(unsigned valueId, unsigned nodeId) {
  Value &value = values[valueId];
  if (value.producer == nodeId)
    return;
  auto it = llvm::lower_bound(value.users, nodeId);
  if (it != value.users.end() && *it == nodeId)
    return;
  value.users.insert(it, nodeId);
  nodes[nodeId].operands.push_back(valueId);
  if (value.producer)
    addEdge(*value.producer, nodeId);
}

void MemoryGraph::addOrderingEdge(unsigned before, unsigned after) {
  addEdge(before, after);
}

int64_t MemoryGraph::residentBytes() const {
  int64_t total = 0;
  for (const Value &value : values)
    if (value.resident)
      total += value.size;
  return total;
}

llvm::SmallVector<std::pair<unsigned, unsigned>, 2>
MemoryGraph::inPlacePairs(
    unsigned nodeId, llvm::function_ref<bool(unsigned)> operandDies) const {
  llvm::SmallVector<std::pair<unsigned, unsigned>, 2> pairs;
  const Node &node = nodes[nodeId];
  if (!node.inPlaceCapable)
    return pairs;
  llvm::SmallVector<unsigned, 4> donors;
  for (unsigned operand : node.operands)
    if (!values[operand].resident && !values[operand].escapes &&
        operandDies(operand))
      donors.push_back(operand);
  if (donors.empty())
    return pairs;
  llvm::SmallVector<unsigned, 2> results(node.results.begin(),
                                         node.results.end());
  llvm::stable_sort(results, [&](unsigned a, unsigned b) {
    return values[a].size > values[b].size;
  });
  for (unsigned result : results) {
    if (values[result].resident || values[result].scratch)
      continue;
    auto *donor = llvm::find_if(donors, [&](unsigned operand) {
      return values[operand].size == values[result].size;
    });
    if (donor == donors.end())
      continue;
    pairs.push_back({result, *donor});
    donors.erase(donor);
  }
  return pairs;
}

int64_t MemoryGraph::inPlaceSavings(
    unsigned nodeId, llvm::function_ref<bool(unsigned)> operandDies) const {
  int64_t saved = 0;
  for (auto [result, operand] : inPlacePairs(nodeId, operandDies))
    saved += values[result].size;
  return saved;
}

bool memopt::isValidSchedule(const MemoryGraph &graph,
                             llvm::ArrayRef<unsigned> order,
                             std::string *reason) {
  auto fail = [&](std::string message) {
    if (reason)
      *reason = std::move(message);
    return false;
  };
  unsigned n = graph.numNodes();
  if (order.size() != n)
    return fail("schedule has " + std::to_string(order.size()) +
                " steps for " + std::to_string(n) + " nodes");
  std::vector<int> position(n, -1);
  for (unsigned step = 0; step < n; ++step) {
    unsigned node = order[step];
    if (node >= n)
      return fail("step " + std::to_string(step) + " names unknown node " +
                  std::to_string(node));
    if (position[node] >= 0)
      return fail("node " + std::to_string(node) + " is scheduled twice");
    position[node] = step;
  }
  for (unsigned node = 0; node < n; ++node)
    for (unsigned pred : graph.node(node).preds)
      if (position[pred] > position[node])
        return fail("node " + std::to_string(node) + " ('" +
                    graph.node(node).name + "') runs before its dependence " +
                    std::to_string(pred) + " ('" + graph.node(pred).name +
                    "')");
  return true;
}

std::vector<unsigned> memopt::sinkWeightlessNodes(
    const MemoryGraph &graph, llvm::ArrayRef<unsigned> order) {
  unsigned n = order.size();
  auto isWeightless = [&](unsigned nodeId) {
    const MemoryGraph::Node &node = graph.node(nodeId);
    return node.results.empty() &&
           llvm::all_of(node.operands, [&](unsigned value) {
             return !graph.isActivation(value) || graph.value(value).size == 0;
           });
  };
  // Sort key: the step of the node a weightless node is moved before (its
  // earliest successor, through other moved nodes), whether it is that node
  // itself, then the step it had. Later nodes first, so successors are done.
  struct Key {
    unsigned anchor, isAnchor, step;
  };
  std::vector<Key> keys(graph.numNodes());
  for (unsigned step = n; step-- > 0;) {
    unsigned nodeId = order[step];
    const MemoryGraph::Node &node = graph.node(nodeId);
    keys[nodeId] = {step, 1, step};
    if (node.succs.empty() || !isWeightless(nodeId))
      continue;
    unsigned anchor = n;
    for (unsigned succ : node.succs)
      anchor = std::min(anchor, keys[succ].anchor);
    keys[nodeId] = {anchor, 0, step};
  }
  std::vector<unsigned> sunk(order.begin(), order.end());
  llvm::stable_sort(sunk, [&](unsigned a, unsigned b) {
    return std::tie(keys[a].anchor, keys[a].isAnchor, keys[a].step) <
           std::tie(keys[b].anchor, keys[b].isAnchor, keys[b].step);
  });
  return sunk;
}

std::vector<unsigned> memopt::inputOrder(const MemoryGraph &graph) {
  std::vector<unsigned> order(graph.numNodes());
  for (unsigned i = 0; i < order.size(); ++i)
    order[i] = i;
  return order;
}

std::vector<Lifetime> memopt::computeLifetimes(const MemoryGraph &graph,
                                               llvm::ArrayRef<unsigned> order) {
  std::vector<unsigned> position(graph.numNodes());
  for (unsigned step = 0; step < order.size(); ++step)
    position[order[step]] = step;
  unsigned lastStep = order.empty() ? 0 : order.size() - 1;
  std::vector<Lifetime> lifetimes(graph.numValues());
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    Lifetime &lifetime = lifetimes[id];
    lifetime.start = value.producer ? position[*value.producer] : 0;
    lifetime.end = lifetime.start;
    for (unsigned user : value.users)
      lifetime.end = std::max(lifetime.end, position[user]);
    if (value.escapes)
      lifetime.end = lastStep;
  }
  return lifetimes;
}

MemoryProfile memopt::computeProfile(const MemoryGraph &graph,
                                     llvm::ArrayRef<unsigned> order,
                                     const ModelOptions &options) {
  MemoryProfile profile;
  unsigned steps = order.size();
  if (steps == 0)
    return profile;
  std::vector<Lifetime> lifetimes = computeLifetimes(graph, order);
  // Difference array: +size at the first live step, -size after the last.
  std::vector<int64_t> delta(steps + 1, 0);
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    if (!graph.isActivation(id))
      continue;
    delta[lifetimes[id].start] += graph.value(id).size;
    delta[lifetimes[id].end + 1] -= graph.value(id).size;
  }
  profile.liveBytes.resize(steps);
  int64_t live = 0;
  for (unsigned step = 0; step < steps; ++step) {
    live += delta[step];
    profile.liveBytes[step] = live;
  }
  if (options.inPlace) {
    for (unsigned step = 0; step < steps; ++step) {
      unsigned node = order[step];
      profile.liveBytes[step] -= graph.inPlaceSavings(
          node, [&](unsigned operand) { return lifetimes[operand].end == step; });
    }
  }
  for (unsigned step = 0; step < steps; ++step) {
    if (profile.liveBytes[step] > profile.peakBytes) {
      profile.peakBytes = profile.liveBytes[step];
      profile.peakStep = step;
    }
  }
  return profile;
}

/// Working set of `nodeId`: its activation operands and results, less what
/// it may write in place.
static int64_t workingSet(const MemoryGraph &graph, unsigned nodeId,
                          const ModelOptions &options) {
  const MemoryGraph::Node &node = graph.node(nodeId);
  int64_t bytes = 0;
  for (unsigned operand : node.operands)
    if (graph.isActivation(operand))
      bytes += graph.value(operand).size;
  for (unsigned result : node.results)
    if (graph.isActivation(result))
      bytes += graph.value(result).size;
  if (options.inPlace)
    bytes -= graph.inPlaceSavings(nodeId, [](unsigned) { return true; });
  return bytes;
}

int64_t memopt::largestWorkingSet(const MemoryGraph &graph,
                                  const ModelOptions &options) {
  int64_t largest = 0;
  for (unsigned nodeId = 0; nodeId < graph.numNodes(); ++nodeId)
    largest = std::max(largest, workingSet(graph, nodeId, options));
  return largest;
}

int64_t memopt::scheduleLowerBound(const MemoryGraph &graph,
                                   const ModelOptions &options) {
  unsigned n = graph.numNodes();
  int64_t escaping = 0;
  for (unsigned id = 0; id < graph.numValues(); ++id)
    if (graph.isActivation(id) && graph.value(id).escapes)
      escaping += graph.value(id).size;
  if (n > kMaxReachabilityNodes)
    return std::max(largestWorkingSet(graph, options), escaping);

  // descendants[x] and ancestors[x]: nodes reachable from x and reaching
  // x. Node ids are a topological order, so successors have larger ids.
  std::vector<llvm::BitVector> descendants(n, llvm::BitVector(n));
  std::vector<llvm::BitVector> ancestors(n, llvm::BitVector(n));
  for (unsigned nodeId = n; nodeId-- > 0;)
    for (unsigned succ : graph.node(nodeId).succs) {
      descendants[nodeId].set(succ);
      descendants[nodeId] |= descendants[succ];
    }
  for (unsigned nodeId = 0; nodeId < n; ++nodeId)
    for (unsigned pred : graph.node(nodeId).preds) {
      ancestors[nodeId].set(pred);
      ancestors[nodeId] |= ancestors[pred];
    }
  // Bytes every order keeps live across each node besides its own operands
  // and results: a value whose producer is an ancestor of the node (or that
  // has none) and which a descendant reads, or which escapes, is live at the
  // node's step.
  std::vector<int64_t> liveAcross(n, 0);
  llvm::BitVector across(n);
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    if (!graph.isActivation(id) || value.size == 0)
      continue;
    if (value.escapes) {
      across.set();
    } else {
      across.reset();
      for (unsigned user : value.users)
        across |= ancestors[user];
    }
    if (value.producer)
      across &= descendants[*value.producer];
    for (unsigned user : value.users)
      across.reset(user);
    for (unsigned nodeId : across.set_bits())
      liveAcross[nodeId] += value.size;
  }
  int64_t bound = escaping;
  for (unsigned nodeId = 0; nodeId < n; ++nodeId)
    bound = std::max(bound, workingSet(graph, nodeId, options) +
                                liveAcross[nodeId]);
  return bound;
}
