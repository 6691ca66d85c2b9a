//===- RematGreedy.cpp - Greedy rematerialization on a fixed order --------===//
//
// Part of memopt. In the manner of XLA's HloRematerialization: repeatedly
// recompute, right before its next read, a value held across a step above the
// budget, preferring the most bytes removed per unit of cost.
//
//===----------------------------------------------------------------------===//

#include "memopt/Remat/Remat.h"

#include <algorithm>

using namespace memopt;

namespace {
/// One copy of a value in a simulated sequence.
struct Copy {
  unsigned value;
  unsigned start;
  /// Last step the copy is held, inclusive.
  unsigned end;
  /// Steps that read the copy, ascending.
  std::vector<unsigned> reads;
};

/// The solver's own simulation of a sequence; see RematSchedule for the
/// semantics. The sequence must be well formed.
struct Simulation {
  std::vector<Copy> copies;
  /// Copies of each value, in start order.
  std::vector<std::vector<unsigned>> copiesOf;
  std::vector<int64_t> live;
  int64_t peak = 0;
  /// Sum over steps of the bytes above the budget.
  int64_t excess = 0;
};

Simulation simulate(const RematProblem &problem,
                    const std::vector<unsigned> &sequence) {
  const MemoryGraph &graph = problem.graph;
  Simulation sim;
  sim.copiesOf.resize(graph.numValues());
  auto newCopy = [&](unsigned value, unsigned step) {
    sim.copiesOf[value].push_back(sim.copies.size());
    sim.copies.push_back({value, step, step, {}});
  };
  for (unsigned v = 0; v < graph.numValues(); ++v)
    if (!graph.value(v).producer)
      newCopy(v, 0);
  for (unsigned step = 0; step < sequence.size(); ++step) {
    const MemoryGraph::Node &node = graph.node(sequence[step]);
    for (unsigned operand : node.operands) {
      Copy &copy = sim.copies[sim.copiesOf[operand].back()];
      copy.end = step;
      copy.reads.push_back(step);
    }
    for (unsigned result : node.results)
      newCopy(result, step);
  }
  unsigned numSteps = sequence.size();
  if (numSteps == 0)
    return sim;
  for (unsigned v = 0; v < graph.numValues(); ++v)
    if (graph.value(v).escapes && !sim.copiesOf[v].empty())
      sim.copies[sim.copiesOf[v].back()].end = numSteps - 1;
  sim.live.assign(numSteps + 1, 0);
  for (const Copy &copy : sim.copies) {
    if (!graph.isActivation(copy.value))
      continue;
    sim.live[copy.start] += graph.value(copy.value).size;
    sim.live[copy.end + 1] -= graph.value(copy.value).size;
  }
  sim.live.pop_back();
  for (unsigned step = 0; step < numSteps; ++step) {
    if (step > 0)
      sim.live[step] += sim.live[step - 1];
    sim.peak = std::max(sim.peak, sim.live[step]);
    sim.excess += std::max<int64_t>(0, sim.live[step] - problem.budget);
  }
  return sim;
}

/// A recomputation of `node` inserted before step `before`, estimated to
/// remove `gain` bytes from the step it targets.
struct Candidate {
  unsigned node;
  unsigned before;
  int64_t gain;
  int64_t cost;
};

/// Whether `a` removes more bytes per unit of cost than `b`; zero-cost
/// candidates come first, then ties go to the larger gain.
bool betterCandidate(const Candidate &a, const Candidate &b) {
  if ((a.cost == 0) != (b.cost == 0))
    return a.cost == 0;
  __int128 lhs = (__int128)a.gain * std::max<int64_t>(b.cost, 1);
  __int128 rhs = (__int128)b.gain * std::max<int64_t>(a.cost, 1);
  if (lhs != rhs)
    return lhs > rhs;
  if (a.gain != b.gain)
    return a.gain > b.gain;
  return std::make_pair(a.before, a.node) < std::make_pair(b.before, b.node);
}

/// Recomputations that would lower the live bytes at `step`: values held
/// across it but not read there, recomputed before their next read. Operands
/// of the recomputation whose copies would be stretched across `step` count
/// against the gain.
std::vector<Candidate> candidatesAt(const RematProblem &problem,
                                    const Simulation &sim, unsigned step) {
  const MemoryGraph &graph = problem.graph;
  std::vector<Candidate> candidates;
  for (const Copy &copy : sim.copies) {
    const MemoryGraph::Value &value = graph.value(copy.value);
    if (copy.start >= step || copy.end <= step || !value.producer ||
        !graph.isActivation(copy.value) || value.size == 0 ||
        !problem.isRecomputable(*value.producer))
      continue;
    auto next = std::upper_bound(copy.reads.begin(), copy.reads.end(), step);
    if (next == copy.reads.end() || *(next - 1) == step)
      continue;
    unsigned before = *next;
    int64_t gain = value.size;
    // The copy read at `before` would be the one current there now.
    for (unsigned operand : graph.node(*value.producer).operands) {
      if (!graph.isActivation(operand))
        continue;
      const std::vector<unsigned> &ofOperand = sim.copiesOf[operand];
      auto it = std::partition_point(
          ofOperand.begin(), ofOperand.end(),
          [&](unsigned c) { return sim.copies[c].start < before; });
      if (it == ofOperand.begin())
        continue;
      if (sim.copies[*(it - 1)].end < step)
        gain -= graph.value(operand).size;
    }
    if (gain > 0)
      candidates.push_back({*value.producer, before, gain,
                            problem.costs[*value.producer]});
  }
  llvm::sort(candidates, betterCandidate);
  return candidates;
}

/// Drops the recomputations of `sequence` that the budget does not need,
/// costliest first.
std::vector<unsigned> dropNeedless(const RematProblem &problem,
                                   std::vector<unsigned> sequence) {
  std::vector<bool> seen(problem.graph.numNodes(), false);
  std::vector<unsigned> repeats;
  for (unsigned step = 0; step < sequence.size(); ++step) {
    if (seen[sequence[step]])
      repeats.push_back(step);
    seen[sequence[step]] = true;
  }
  llvm::stable_sort(repeats, [&](unsigned a, unsigned b) {
    return problem.costs[sequence[a]] > problem.costs[sequence[b]];
  });
  std::vector<bool> dropped(sequence.size(), false);
  auto without = [&](std::optional<unsigned> alsoDrop) {
    std::vector<unsigned> kept;
    for (unsigned step = 0; step < sequence.size(); ++step)
      if (!dropped[step] && step != alsoDrop)
        kept.push_back(sequence[step]);
    return kept;
  };
  for (unsigned step : repeats)
    if (simulate(problem, without(step)).peak <= problem.budget)
      dropped[step] = true;
  return without(std::nullopt);
}
} // namespace

RematResult memopt::solveRematGreedy(const RematProblem &problem,
                                     const RematOptions &options) {
  RematResult result;
  result.budgetFloor = rematBudgetFloor(problem);
  std::vector<unsigned> sequence = inputOrder(problem.graph);
  if (problem.budget >= result.budgetFloor) {
    Simulation sim = simulate(problem, sequence);
    for (unsigned inserted = 0;
         sim.excess > 0 && inserted < options.maxGreedySteps; ++inserted) {
      // Steps above the budget, highest first; the first that has a move
      // lowering the total excess gets it.
      std::vector<unsigned> over;
      for (unsigned step = 0; step < sim.live.size(); ++step)
        if (sim.live[step] > problem.budget)
          over.push_back(step);
      llvm::stable_sort(over, [&](unsigned a, unsigned b) {
        return sim.live[a] > sim.live[b];
      });
      bool moved = false;
      for (unsigned step : llvm::ArrayRef(over).take_front(4)) {
        std::vector<Candidate> candidates = candidatesAt(problem, sim, step);
        for (const Candidate &candidate :
             llvm::ArrayRef(candidates).take_front(options.candidatesPerStep)) {
          std::vector<unsigned> trial = sequence;
          trial.insert(trial.begin() + candidate.before, candidate.node);
          Simulation trialSim = simulate(problem, trial);
          if (trialSim.excess < sim.excess) {
            sequence = std::move(trial);
            sim = std::move(trialSim);
            moved = true;
            break;
          }
        }
        if (moved)
          break;
      }
      if (!moved)
        break;
    }
    if (sim.excess == 0)
      sequence = dropNeedless(problem, std::move(sequence));
  }
  result.schedule.sequence = std::move(sequence);
  result.check = checkRematSchedule(problem, result.schedule);
  if (problem.budget < result.budgetFloor)
    result.status = RematStatus::Infeasible;
  else if (result.check.valid)
    result.status = result.check.addedCost == 0 ? RematStatus::Optimal
                                                : RematStatus::Feasible;
  else
    result.status = RematStatus::NotFound;
  if (result.status == RematStatus::Optimal)
    result.costLowerBound = 0;
  return result;
}
