//===- RematGreedy.cpp - Greedy rematerialization on a fixed order --------===//
//
// Part of memopt. In the manner of XLA's HloRematerialization: repeatedly
// recompute, right before its next read, a value held across a step above the
// budget, preferring the most bytes removed per unit of cost.
//
//===----------------------------------------------------------------------===//

#include "memopt/Remat/Remat.h"

#include <algorithm>
#include <random>

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

/// A recomputation of `node` inserted before step `before`, after
/// recomputations of the producers in `operandsFirst`, estimated to remove
/// `gain` bytes from the step it targets.
struct Candidate {
  unsigned node;
  unsigned before;
  int64_t gain;
  int64_t cost;
  llvm::SmallVector<unsigned, 2> operandsFirst = {};
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
    // Operands held across `step` only for this recomputation, and what
    // recomputing them too would keep of the gain and add to the cost.
    llvm::SmallVector<unsigned, 2> stretched;
    int64_t chainGain = value.size, chainCost = problem.costs[*value.producer];
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
      if (sim.copies[*(it - 1)].end >= step)
        continue;
      gain -= graph.value(operand).size;
      std::optional<unsigned> producer = graph.value(operand).producer;
      if (producer && problem.isRecomputable(*producer)) {
        stretched.push_back(*producer);
        chainCost += problem.costs[*producer];
      } else {
        chainGain -= graph.value(operand).size;
      }
    }
    if (gain > 0)
      candidates.push_back({*value.producer, before, gain,
                            problem.costs[*value.producer]});
    // A chain: recompute the stretched operands right before too.
    if (!stretched.empty() && chainGain > 0)
      candidates.push_back(
          {*value.producer, before, chainGain, chainCost, stretched});
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

/// Ranks `candidates` by bytes per unit of cost perturbed by a random factor
/// in [1, 1.5), zero-cost ones first, to explore other choices than the
/// greedy's.
void shuffleByNoisyRank(std::vector<Candidate> &candidates,
                        std::mt19937_64 &random) {
  std::uniform_real_distribution<double> noise(1.0, 1.5);
  std::vector<std::pair<double, unsigned>> keys;
  for (unsigned i = 0; i < candidates.size(); ++i) {
    const Candidate &c = candidates[i];
    double score = c.cost == 0 ? 1e300 : double(c.gain) / double(c.cost);
    keys.push_back({-score * noise(random), i});
  }
  llvm::sort(keys);
  std::vector<Candidate> ranked;
  for (auto [key, i] : keys)
    ranked.push_back(candidates[i]);
  candidates = std::move(ranked);
}

/// Inserts recomputations into `sequence` until it is within the budget or
/// no move lowers the total excess, ranking moves with noise when `random`
/// is given. Adds the steps it simulates to `work`.
Simulation repair(const RematProblem &problem, std::vector<unsigned> &sequence,
                  const RematOptions &options, std::mt19937_64 *random,
                  uint64_t &work) {
  Simulation sim = simulate(problem, sequence);
  work += sequence.size();
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
      if (random)
        shuffleByNoisyRank(candidates, *random);
      for (const Candidate &candidate :
           llvm::ArrayRef(candidates).take_front(options.candidatesPerStep)) {
        std::vector<unsigned> trial = sequence;
        trial.insert(trial.begin() + candidate.before, candidate.node);
        trial.insert(trial.begin() + candidate.before,
                     candidate.operandsFirst.begin(),
                     candidate.operandsFirst.end());
        Simulation trialSim = simulate(problem, trial);
        work += trial.size();
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
  return sim;
}

/// The added cost of a well-formed sequence.
int64_t addedCostOf(const RematProblem &problem,
                    llvm::ArrayRef<unsigned> sequence) {
  std::vector<bool> ran(problem.graph.numNodes(), false);
  int64_t added = 0;
  for (unsigned node : sequence) {
    if (ran[node])
      added += problem.costs[node];
    ran[node] = true;
  }
  return added;
}

/// Sets the status of `result` from the checker's verdict on its schedule.
void finish(const RematProblem &problem, RematResult &result) {
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
}
} // namespace

RematResult memopt::solveRematGreedy(const RematProblem &problem,
                                     const RematOptions &options) {
  RematResult result;
  result.budgetFloor = rematBudgetFloor(problem);
  std::vector<unsigned> sequence = inputOrder(problem.graph);
  if (problem.budget >= result.budgetFloor) {
    uint64_t work = 0;
    Simulation sim = repair(problem, sequence, options, nullptr, work);
    if (sim.excess == 0)
      sequence = dropNeedless(problem, std::move(sequence));
  }
  result.schedule.sequence = std::move(sequence);
  finish(problem, result);
  return result;
}

RematResult memopt::solveRematLocalSearch(const RematProblem &problem,
                                          const RematOptions &options) {
  RematResult result = solveRematGreedy(problem, options);
  if (result.status != RematStatus::Feasible)
    return result;
  std::vector<unsigned> current = result.schedule.sequence;
  int64_t currentCost = result.check.addedCost;
  int64_t bestCost = currentCost;
  std::mt19937_64 random(options.localSearchSeed);
  uint64_t work = 0;
  for (unsigned round = 0; round < options.maxLocalSearchRounds &&
                           work < options.maxLocalSearchWork;
       ++round) {
    // Ruin: drop the recomputations in a random window around one of them.
    std::vector<unsigned> repeats;
    std::vector<bool> ran(problem.graph.numNodes(), false);
    for (unsigned step = 0; step < current.size(); ++step) {
      if (ran[current[step]])
        repeats.push_back(step);
      ran[current[step]] = true;
    }
    if (repeats.empty())
      break;
    unsigned center = repeats[random() % repeats.size()];
    unsigned radius = 1 + random() % std::max<size_t>(1, current.size() / 8);
    std::vector<unsigned> trial;
    for (unsigned step = 0, next = 0; step < current.size(); ++step) {
      bool repeat = next < repeats.size() && repeats[next] == step;
      next += repeat;
      if (repeat && step + radius >= center && step <= center + radius)
        continue;
      trial.push_back(current[step]);
    }
    // Recreate with noisy choices, then drop what the budget does not need.
    if (repair(problem, trial, options, &random, work).excess > 0)
      continue;
    work += trial.size() * repeats.size();
    trial = dropNeedless(problem, std::move(trial));
    int64_t cost = addedCostOf(problem, trial);
    // Equal costs are accepted too, to move along plateaus.
    if (cost <= currentCost) {
      current = std::move(trial);
      currentCost = cost;
      if (cost < bestCost) {
        bestCost = cost;
        result.schedule.sequence = current;
        result.algorithm = "local-search";
      }
    }
  }
  finish(problem, result);
  return result;
}
