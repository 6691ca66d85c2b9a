//===- Heuristics.cpp - Memory-aware orders of production compilers -------===//

#include "memopt/Schedule/Heuristics.h"

#include "ScheduleSimulator.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <set>
#include <tuple>

using namespace memopt;

namespace {
/// Distinct nodes reading some result of each node.
std::vector<unsigned> countUserNodes(const MemoryGraph &graph) {
  std::vector<unsigned> counts(graph.numNodes(), 0);
  std::vector<unsigned> lastCountedFor(graph.numNodes(), ~0u);
  for (unsigned nodeId = 0; nodeId < graph.numNodes(); ++nodeId)
    for (unsigned result : graph.node(nodeId).results)
      for (unsigned user : graph.value(result).users)
        if (lastCountedFor[user] != nodeId) {
          lastCountedFor[user] = nodeId;
          ++counts[nodeId];
        }
  return counts;
}
} // namespace

std::vector<unsigned>
memopt::scheduleReversePostOrder(const MemoryGraph &graph) {
  unsigned n = graph.numNodes();
  std::vector<unsigned> roots;
  for (const MemoryGraph::Value &value : graph.getValues())
    if (value.escapes && value.producer)
      roots.push_back(*value.producer);
  for (unsigned nodeId = 0; nodeId < n; ++nodeId)
    if (graph.node(nodeId).succs.empty())
      roots.push_back(nodeId);

  std::vector<unsigned> order;
  order.reserve(n);
  std::vector<bool> visited(n, false);
  // Each frame is a node and the index of its next dependence to visit.
  std::vector<std::pair<unsigned, unsigned>> stack;
  for (unsigned root : roots) {
    if (visited[root])
      continue;
    visited[root] = true;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      llvm::ArrayRef<unsigned> preds = graph.node(node).preds;
      while (next < preds.size() && visited[preds[next]])
        ++next;
      if (next == preds.size()) {
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      unsigned pred = preds[next++];
      visited[pred] = true;
      stack.push_back({pred, 0});
    }
  }
  return order;
}

std::vector<unsigned>
memopt::scheduleListFreedMinusDefined(const MemoryGraph &graph,
                                      const ModelOptions &options) {
  ScheduleSimulator simulator(graph, options);
  std::vector<unsigned> userNodes = countUserNodes(graph);
  // Ordered best first: most net bytes freed, most users, earliest node.
  using Priority = std::tuple<int64_t, int64_t, unsigned>;
  std::set<Priority> readySet;
  std::vector<Priority> priorityOf(graph.numNodes());
  auto insert = [&](unsigned node) {
    priorityOf[node] = {simulator.bytesDefined(node) -
                            simulator.bytesFreed(node),
                        -int64_t(userNodes[node]), node};
    readySet.insert(priorityOf[node]);
  };
  std::vector<bool> inReadySet(graph.numNodes(), false);
  for (unsigned node : simulator.readyNodes()) {
    insert(node);
    inReadySet[node] = true;
  }
  std::vector<unsigned> order;
  order.reserve(graph.numNodes());
  while (!readySet.empty()) {
    unsigned node = std::get<2>(*readySet.begin());
    readySet.erase(readySet.begin());
    inReadySet[node] = false;
    order.push_back(node);
    simulator.schedule(node, [&](unsigned changed) {
      if (!inReadySet[changed])
        return;
      readySet.erase(priorityOf[changed]);
      insert(changed);
    });
    for (unsigned succ : simulator.readyNodes())
      if (!inReadySet[succ]) {
        insert(succ);
        inReadySet[succ] = true;
      }
  }
  return order;
}

std::vector<unsigned>
memopt::schedulePostOrderBySubtree(const MemoryGraph &graph) {
  unsigned n = graph.numNodes();
  // Node ids are a topological order, so dependences are summed first. Sums
  // count shared ancestors more than once; caps keep them meaningful.
  int64_t totalBytes = 0;
  for (unsigned id = 0; id < graph.numValues(); ++id)
    if (graph.isActivation(id) && graph.value(id).producer)
      totalBytes += graph.value(id).size;
  std::vector<unsigned> userNodes = countUserNodes(graph);
  std::vector<int64_t> extraUsers(n), subtreeBytes(n);
  for (unsigned nodeId = 0; nodeId < n; ++nodeId) {
    const MemoryGraph::Node &node = graph.node(nodeId);
    extraUsers[nodeId] = userNodes[nodeId] > 0 ? userNodes[nodeId] - 1 : 0;
    for (unsigned result : node.results)
      if (graph.isActivation(result))
        subtreeBytes[nodeId] += graph.value(result).size;
    for (unsigned pred : node.preds) {
      extraUsers[nodeId] += extraUsers[pred];
      subtreeBytes[nodeId] += subtreeBytes[pred];
    }
    extraUsers[nodeId] = std::min<int64_t>(extraUsers[nodeId], n);
    subtreeBytes[nodeId] = std::min(subtreeBytes[nodeId], totalBytes);
  }
  auto visitsFirst = [&](unsigned a, unsigned b) {
    return std::make_tuple(-extraUsers[a], -subtreeBytes[a], a) <
           std::make_tuple(-extraUsers[b], -subtreeBytes[b], b);
  };

  std::vector<unsigned> roots;
  for (unsigned nodeId = 0; nodeId < n; ++nodeId)
    if (graph.node(nodeId).succs.empty())
      roots.push_back(nodeId);
  llvm::sort(roots, visitsFirst);

  std::vector<unsigned> order;
  order.reserve(n);
  std::vector<bool> visited(n, false);
  // Each frame is a node and its dependences still to visit, best last.
  struct Frame {
    unsigned node;
    std::vector<unsigned> pending;
  };
  std::vector<Frame> stack;
  auto push = [&](unsigned node) {
    visited[node] = true;
    Frame frame{node, {}};
    for (unsigned pred : graph.node(node).preds)
      if (!visited[pred])
        frame.pending.push_back(pred);
    llvm::sort(frame.pending,
               [&](unsigned a, unsigned b) { return visitsFirst(b, a); });
    stack.push_back(std::move(frame));
  };
  for (unsigned root : roots) {
    push(root);
    while (!stack.empty()) {
      Frame &frame = stack.back();
      if (frame.pending.empty()) {
        order.push_back(frame.node);
        stack.pop_back();
        continue;
      }
      unsigned pred = frame.pending.back();
      frame.pending.pop_back();
      if (!visited[pred])
        push(pred);
    }
  }
  return order;
}

std::vector<unsigned>
memopt::scheduleLeastPeakFirst(const MemoryGraph &graph,
                               const ModelOptions &options) {
  ScheduleSimulator simulator(graph, options);
  std::vector<unsigned> order;
  order.reserve(graph.numNodes());
  int64_t peakSoFar = simulator.liveBytes();
  while (!simulator.done()) {
    // Steps within the peak so far tie on the first key; among them the one
    // leaving the least live memory wins.
    std::tuple<int64_t, int64_t, unsigned> best{INT64_MAX, INT64_MAX, 0};
    for (unsigned node : simulator.readyNodes())
      best = std::min(
          best, std::make_tuple(std::max(simulator.stepBytes(node), peakSoFar),
                                simulator.bytesAfter(node), node));
    unsigned node = std::get<2>(best);
    peakSoFar = std::get<0>(best);
    order.push_back(node);
    simulator.schedule(node);
  }
  return order;
}
