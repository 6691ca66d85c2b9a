//===- RematCheck.cpp - Independent checker of remat schedules ------------===//
//
// Part of memopt. Simulates a remat schedule from scratch; deliberately shares
// nothing with the solvers so that it can vouch for their results.
//
//===----------------------------------------------------------------------===//

#include "memopt/Remat/Remat.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>

using namespace memopt;

int64_t RematProblem::baseCost() const {
  int64_t total = 0;
  for (int64_t cost : costs)
    total += cost;
  return total;
}

RematProblem memopt::reorderRematProblem(const RematProblem &problem,
                                         llvm::ArrayRef<unsigned> order) {
  const MemoryGraph &graph = problem.graph;
  std::vector<unsigned> position(graph.numNodes());
  for (unsigned step = 0; step < order.size(); ++step)
    position[order[step]] = step;
  RematProblem reordered;
  reordered.budget = problem.budget;
  MemoryGraph &result = reordered.graph;
  for (unsigned node : order) {
    result.addNode(graph.node(node).name, graph.node(node).inPlaceCapable);
    reordered.costs.push_back(problem.costs[node]);
    if (!problem.recomputable.empty())
      reordered.recomputable.push_back(problem.recomputable[node]);
  }
  for (unsigned v = 0; v < graph.numValues(); ++v) {
    const MemoryGraph::Value &value = graph.value(v);
    std::optional<unsigned> producer;
    if (value.producer)
      producer = position[*value.producer];
    result.addValue(value.size, producer, value.resident, value.name);
    if (value.escapes)
      result.markEscaping(v);
  }
  for (unsigned step = 0; step < order.size(); ++step) {
    const MemoryGraph::Node &node = graph.node(order[step]);
    for (unsigned operand : node.operands)
      result.addUse(operand, step);
    for (unsigned pred : node.preds)
      result.addOrderingEdge(position[pred], step);
  }
  return reordered;
}

llvm::StringRef memopt::stringifyRematStatus(RematStatus status) {
  switch (status) {
  case RematStatus::Optimal:
    return "optimal";
  case RematStatus::Feasible:
    return "feasible";
  case RematStatus::Infeasible:
    return "infeasible";
  case RematStatus::NotFound:
    return "not-found";
  }
  return "unknown";
}

int64_t memopt::rematBudgetFloor(const RematProblem &problem) {
  const MemoryGraph &graph = problem.graph;
  int64_t escaping = 0;
  for (unsigned v = 0; v < graph.numValues(); ++v)
    if (graph.isActivation(v) && graph.value(v).escapes)
      escaping += graph.value(v).size;
  return std::max(escaping, largestWorkingSet(graph));
}

RematCheck memopt::checkRematSchedule(const RematProblem &problem,
                                      const RematSchedule &schedule) {
  const MemoryGraph &graph = problem.graph;
  RematCheck check;
  auto fail = [&](const llvm::Twine &reason) {
    check.reason = reason.str();
    return check;
  };
  if (problem.costs.size() != graph.numNodes())
    return fail("the problem has " + llvm::Twine(problem.costs.size()) +
                " costs for " + llvm::Twine(graph.numNodes()) + " nodes");

  unsigned numSteps = schedule.sequence.size();
  std::vector<unsigned> runs(graph.numNodes(), 0);
  unsigned nextFirst = 0;
  // One record per copy of a value: [start, end] steps, inclusive.
  struct Copy {
    unsigned value;
    unsigned start;
    unsigned end;
  };
  std::vector<Copy> copies;
  // Index into `copies` of each value's current copy.
  std::vector<int> current(graph.numValues(), -1);
  for (unsigned v = 0; v < graph.numValues(); ++v)
    if (!graph.value(v).producer) {
      current[v] = copies.size();
      // An argument nobody reads is live at step 0 only.
      copies.push_back({v, 0, 0});
    }

  for (unsigned step = 0; step < numSteps; ++step) {
    unsigned node = schedule.sequence[step];
    if (node >= graph.numNodes())
      return fail("step " + llvm::Twine(step) + " names no node");
    if (runs[node] == 0) {
      if (node != nextFirst)
        return fail("node " + llvm::Twine(node) + " first runs at step " +
                    llvm::Twine(step) + " before node " +
                    llvm::Twine(nextFirst) + " of the input order");
      ++nextFirst;
    } else {
      if (!problem.isRecomputable(node))
        return fail("node " + llvm::Twine(node) +
                    " runs again but is not recomputable");
      check.addedCost += problem.costs[node];
    }
    ++runs[node];
    for (unsigned pred : graph.node(node).preds)
      if (runs[pred] == 0)
        return fail("node " + llvm::Twine(node) + " runs at step " +
                    llvm::Twine(step) + " before its predecessor " +
                    llvm::Twine(pred));
    for (unsigned operand : graph.node(node).operands) {
      if (current[operand] < 0)
        return fail("node " + llvm::Twine(node) + " reads value " +
                    llvm::Twine(operand) + " at step " + llvm::Twine(step) +
                    " before it is computed");
      copies[current[operand]].end = step;
    }
    for (unsigned result : graph.node(node).results) {
      current[result] = copies.size();
      copies.push_back({result, step, step});
    }
  }
  if (nextFirst != graph.numNodes())
    return fail("node " + llvm::Twine(nextFirst) + " never runs");
  check.wellFormed = true;

  if (numSteps == 0)
    return check.valid = true, check;
  for (unsigned v = 0; v < graph.numValues(); ++v)
    if (graph.value(v).escapes && current[v] >= 0)
      copies[current[v]].end = numSteps - 1;

  // Live bytes by a difference array over the copies' intervals.
  std::vector<int64_t> delta(numSteps + 1, 0);
  for (const Copy &copy : copies) {
    if (!graph.isActivation(copy.value))
      continue;
    delta[copy.start] += graph.value(copy.value).size;
    delta[copy.end + 1] -= graph.value(copy.value).size;
  }
  int64_t live = 0;
  check.liveBytes.resize(numSteps);
  for (unsigned step = 0; step < numSteps; ++step) {
    live += delta[step];
    check.liveBytes[step] = live;
    if (live > check.peakBytes) {
      check.peakBytes = live;
      check.peakStep = step;
    }
  }
  if (check.peakBytes > problem.budget)
    return fail("step " + llvm::Twine(check.peakStep) + " holds " +
                llvm::Twine(check.peakBytes) + " bytes, above the budget of " +
                llvm::Twine(problem.budget));
  check.valid = true;
  return check;
}
