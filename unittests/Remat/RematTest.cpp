//===- RematTest.cpp - Remat checker, greedy and exact solver -------------===//

#include "memopt/Model/RandomGraphs.h"
#include "memopt/Remat/Remat.h"

#include "gtest/gtest.h"

#include <random>

using namespace memopt;

namespace {
/// A random graph of the remat benchmarks' shape: one result per node, read
/// by some later nodes, no arguments; every node but the first reads one.
RematProblem randomRematProblem(uint64_t seed, unsigned numNodes) {
  std::mt19937_64 random(seed);
  RematProblem problem;
  MemoryGraph &graph = problem.graph;
  for (unsigned i = 0; i < numNodes; ++i) {
    graph.addNode("n" + std::to_string(i));
    graph.addValue(1 + random() % 10, i);
    problem.costs.push_back(random() % 6);
    if (i == 0)
      continue;
    graph.addUse(random() % i, i);
    for (unsigned j = 0; j < i; ++j)
      if (random() % 3 == 0)
        graph.addUse(j, i);
  }
  if (random() % 2)
    graph.markEscaping(numNodes - 1);
  return problem;
}

/// The least added cost over every schedule of Checkmate's stage model (each
/// stage recomputes any subset of earlier nodes, in id order), or none.
std::optional<int64_t> bruteForceStages(const RematProblem &problem) {
  unsigned n = problem.graph.numNodes();
  std::optional<int64_t> best;
  std::vector<uint32_t> masks(n, 0);
  std::function<void(unsigned)> visit = [&](unsigned t) {
    if (t == n) {
      RematSchedule schedule;
      for (unsigned stage = 0; stage < n; ++stage) {
        for (unsigned i = 0; i < stage; ++i)
          if (masks[stage] >> i & 1)
            schedule.sequence.push_back(i);
        schedule.sequence.push_back(stage);
      }
      RematCheck check = checkRematSchedule(problem, schedule);
      if (check.valid && (!best || check.addedCost < *best))
        best = check.addedCost;
      return;
    }
    for (uint32_t mask = 0; mask < (1u << t); ++mask) {
      masks[t] = mask;
      visit(t + 1);
    }
  };
  visit(0);
  return best;
}

int64_t inputOrderPeak(const RematProblem &problem) {
  return computeProfile(problem.graph, inputOrder(problem.graph)).peakBytes;
}

/// Budgets from below the floor to the input order's peak.
std::vector<int64_t> interestingBudgets(const RematProblem &problem) {
  int64_t floor = rematBudgetFloor(problem), peak = inputOrderPeak(problem);
  return {floor - 1, floor, (floor + peak) / 2, peak - 1, peak};
}

/// A solver result agrees with the checker and with its own claims.
void expectConsistent(const RematProblem &problem, const RematResult &result) {
  RematCheck check = checkRematSchedule(problem, result.schedule);
  EXPECT_TRUE(check.wellFormed) << check.reason;
  EXPECT_EQ(check.valid, result.check.valid);
  EXPECT_EQ(check.addedCost, result.check.addedCost);
  EXPECT_EQ(result.budgetFloor, rematBudgetFloor(problem));
  switch (result.status) {
  case RematStatus::Optimal:
    ASSERT_TRUE(result.costLowerBound);
    EXPECT_LE(check.addedCost, *result.costLowerBound);
    [[fallthrough]];
  case RematStatus::Feasible:
    EXPECT_TRUE(check.valid) << check.reason;
    break;
  case RematStatus::Infeasible:
    EXPECT_LT(problem.budget, result.budgetFloor);
    EXPECT_FALSE(check.valid);
    break;
  case RematStatus::NotFound:
    EXPECT_FALSE(check.valid);
    break;
  }
  if (result.costLowerBound && check.valid) {
    EXPECT_LE(*result.costLowerBound, check.addedCost);
  }
}
} // namespace

TEST(RematCheck, InputOrderMatchesTheMemoryModel) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    RandomGraphOptions options;
    options.numNodes = 12;
    options.inPlaceProbability = 0;
    RematProblem problem;
    problem.graph = buildRandomGraph(seed, options);
    problem.costs.assign(problem.graph.numNodes(), 1);
    problem.budget = inputOrderPeak(problem);
    RematCheck check =
        checkRematSchedule(problem, {inputOrder(problem.graph)});
    EXPECT_TRUE(check.valid) << check.reason;
    EXPECT_EQ(check.peakBytes, problem.budget);
    EXPECT_EQ(check.addedCost, 0);
  }
}

TEST(RematCheck, RejectsMalformedSchedules) {
  RematProblem problem;
  MemoryGraph &graph = problem.graph;
  for (unsigned i = 0; i < 3; ++i) {
    graph.addNode("n" + std::to_string(i));
    graph.addValue(10, i);
  }
  graph.addUse(0, 1);
  graph.addUse(1, 2);
  graph.addUse(0, 2);
  problem.costs = {1, 2, 4};
  problem.budget = 30;
  auto reason = [&](std::vector<unsigned> sequence) {
    return checkRematSchedule(problem, {std::move(sequence)}).reason;
  };
  EXPECT_EQ(reason({0, 1}), "node 2 never runs");
  EXPECT_EQ(reason({1, 0, 2}),
            "node 1 first runs at step 0 before node 0 of the input order");
  EXPECT_EQ(reason({0, 1, 2, 7}), "step 3 names no node");
  problem.recomputable = {true, false, true};
  EXPECT_EQ(reason({0, 1, 1, 2}), "node 1 runs again but is not recomputable");
  problem.budget = 20;
  EXPECT_EQ(reason({0, 1, 2}),
            "step 2 holds 30 bytes, above the budget of 20");
  // Recomputing 0 before 2 does not help: 1 and the new copy are both read.
  RematCheck check = checkRematSchedule(problem, {{0, 1, 0, 2}});
  EXPECT_TRUE(check.wellFormed);
  EXPECT_EQ(check.peakBytes, 30);
  EXPECT_EQ(check.addedCost, 1);
}

TEST(RematCheck, RecomputationShortensLifetimes) {
  // a -> b -> c -> d and a -> d: a is held across b and c unless recomputed.
  RematProblem problem;
  MemoryGraph &graph = problem.graph;
  for (unsigned i = 0; i < 4; ++i) {
    graph.addNode("n" + std::to_string(i));
    graph.addValue(i == 0 ? 100 : i == 3 ? 1 : 10, i);
  }
  graph.addUse(0, 1);
  graph.addUse(1, 2);
  graph.addUse(2, 3);
  graph.addUse(0, 3);
  problem.costs = {7, 1, 1, 1};
  problem.budget = 120;
  EXPECT_EQ(inputOrderPeak(problem), 120);
  problem.budget = 111;
  RematCheck check = checkRematSchedule(problem, {{0, 1, 2, 0, 3}});
  EXPECT_TRUE(check.valid) << check.reason;
  EXPECT_EQ(check.peakBytes, 111);
  EXPECT_EQ(check.addedCost, 7);
  RematResult greedy = solveRematGreedy(problem);
  EXPECT_EQ(greedy.status, RematStatus::Feasible);
  EXPECT_EQ(greedy.check.addedCost, 7);
  RematResult exact = solveRematExact(problem);
  EXPECT_EQ(exact.status, RematStatus::Optimal);
  EXPECT_EQ(exact.check.addedCost, 7);
  EXPECT_EQ(exact.costLowerBound, 7);
  problem.budget = 110;
  EXPECT_EQ(rematBudgetFloor(problem), 111);
  EXPECT_EQ(solveRematGreedy(problem).status, RematStatus::Infeasible);
  EXPECT_EQ(solveRematExact(problem).status, RematStatus::Infeasible);
}

TEST(RematGreedy, ConsistentOnRandomGraphs) {
  for (uint64_t seed = 0; seed < 60; ++seed) {
    RandomGraphOptions options;
    options.numNodes = 10 + seed % 20;
    options.inPlaceProbability = 0;
    RematProblem problem;
    problem.graph = buildRandomGraph(seed, options);
    for (unsigned i = 0; i < problem.graph.numNodes(); ++i)
      problem.costs.push_back(1 + (seed * 7 + i * 13) % 10);
    if (seed % 3 == 0)
      problem.recomputable.assign(problem.graph.numNodes(), seed % 2 == 0);
    for (int64_t budget : interestingBudgets(problem)) {
      problem.budget = budget;
      RematResult result = solveRematGreedy(problem);
      expectConsistent(problem, result);
      EXPECT_EQ(result.status == RematStatus::Infeasible,
                budget < result.budgetFloor);
      if (budget >= inputOrderPeak(problem)) {
        EXPECT_EQ(result.status, RematStatus::Optimal);
        EXPECT_EQ(result.check.addedCost, 0);
      }
    }
  }
}

TEST(RematExact, MatchesBruteForceOnSmallGraphs) {
  unsigned optimal = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    RematProblem problem = randomRematProblem(seed, 6);
    for (int64_t budget : interestingBudgets(problem)) {
      problem.budget = budget;
      std::optional<int64_t> least = bruteForceStages(problem);
      RematResult exact = solveRematExact(problem);
      expectConsistent(problem, exact);
      if (!least) {
        EXPECT_NE(exact.status, RematStatus::Optimal);
        continue;
      }
      // The greedy may leave the stage model and beat it, never the reverse.
      ASSERT_TRUE(exact.check.valid) << "seed " << seed << " budget " << budget;
      EXPECT_LE(exact.check.addedCost, *least) << "seed " << seed;
      ASSERT_TRUE(exact.costLowerBound) << "seed " << seed;
      EXPECT_EQ(*exact.costLowerBound, *least) << "seed " << seed;
      optimal += exact.status == RematStatus::Optimal;
    }
  }
  EXPECT_GT(optimal, 40u);
}

TEST(RematExact, BoundNeverExceedsTheGreedyOrTheOptimum) {
  for (uint64_t seed = 100; seed < 105; ++seed) {
    RematProblem problem = randomRematProblem(seed, 12);
    RematOptions options;
    options.maxExactSubproblems = 500;
    for (int64_t budget : interestingBudgets(problem)) {
      problem.budget = budget;
      RematResult greedy = solveRematGreedy(problem, options);
      RematResult exact = solveRematExact(problem, options);
      expectConsistent(problem, exact);
      if (greedy.check.valid) {
        EXPECT_LE(exact.check.addedCost, greedy.check.addedCost);
      }
    }
  }
}

TEST(RematReorder, ReorderedProblemFollowsTheOrder) {
  for (uint64_t seed = 0; seed < 30; ++seed) {
    RandomGraphOptions options;
    options.numNodes = 15;
    options.inPlaceProbability = 0;
    RematProblem problem;
    problem.graph = buildRandomGraph(seed, options);
    for (unsigned i = 0; i < problem.graph.numNodes(); ++i)
      problem.costs.push_back(i % 4);
    problem.recomputable.assign(problem.graph.numNodes(), true);
    problem.recomputable[seed % problem.graph.numNodes()] = false;
    // A valid order other than the input order: reverse post-order of a
    // random priority.
    std::mt19937_64 random(seed);
    std::vector<unsigned> order;
    std::vector<unsigned> waiting(problem.graph.numNodes());
    std::vector<unsigned> ready;
    for (unsigned i = 0; i < problem.graph.numNodes(); ++i)
      if (!(waiting[i] = problem.graph.node(i).preds.size()))
        ready.push_back(i);
    while (!ready.empty()) {
      std::swap(ready[random() % ready.size()], ready.back());
      unsigned node = ready.back();
      ready.pop_back();
      order.push_back(node);
      for (unsigned succ : problem.graph.node(node).succs)
        if (--waiting[succ] == 0)
          ready.push_back(succ);
    }
    ASSERT_TRUE(isValidSchedule(problem.graph, order));
    problem.budget = computeProfile(problem.graph, order).peakBytes;
    RematProblem reordered = reorderRematProblem(problem, order);
    RematCheck check =
        checkRematSchedule(reordered, {inputOrder(reordered.graph)});
    EXPECT_TRUE(check.valid) << check.reason;
    EXPECT_EQ(check.peakBytes, problem.budget);
    EXPECT_EQ(reordered.baseCost(), problem.baseCost());
    for (unsigned k = 0; k < order.size(); ++k) {
      EXPECT_EQ(reordered.costs[k], problem.costs[order[k]]);
      EXPECT_EQ(reordered.isRecomputable(k), problem.isRecomputable(order[k]));
    }
    // Solvers accept the reordered problem.
    problem.budget = (problem.budget * 3) / 4;
    reordered.budget = problem.budget;
    RematResult result = solveRematGreedy(reordered);
    expectConsistent(reordered, result);
  }
}

TEST(RematLocalSearch, NeverWorseThanTheGreedyNorBelowTheOptimum) {
  unsigned improved = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    RematProblem problem = randomRematProblem(seed, 6);
    RematOptions options;
    options.maxLocalSearchRounds = 200;
    for (int64_t budget : interestingBudgets(problem)) {
      problem.budget = budget;
      RematResult greedy = solveRematGreedy(problem, options);
      RematResult search = solveRematLocalSearch(problem, options);
      expectConsistent(problem, search);
      EXPECT_EQ(search.status == RematStatus::Infeasible,
                greedy.status == RematStatus::Infeasible);
      if (!greedy.check.valid)
        continue;
      ASSERT_TRUE(search.check.valid);
      EXPECT_LE(search.check.addedCost, greedy.check.addedCost);
      improved += search.check.addedCost < greedy.check.addedCost;
      // The stage model's optimum by brute force bounds the search only
      // from where the search stays in it; the exact bound holds always.
      RematResult exact = solveRematExact(problem, options);
      if (exact.costLowerBound) {
        EXPECT_GE(search.check.addedCost, *exact.costLowerBound);
      }
      // Same problem, same options: the same schedule.
      EXPECT_EQ(solveRematLocalSearch(problem, options).schedule.sequence,
                search.schedule.sequence);
    }
  }
  RecordProperty("improved", improved);
}

TEST(RematLocalSearch, LargerGraphsStayConsistent) {
  for (uint64_t seed = 200; seed < 206; ++seed) {
    RematProblem problem = randomRematProblem(seed, 40);
    RematOptions options;
    options.maxLocalSearchWork = 200000;
    int64_t peak = inputOrderPeak(problem);
    problem.budget = rematBudgetFloor(problem) +
                     (peak - rematBudgetFloor(problem)) / 3;
    RematResult greedy = solveRematGreedy(problem, options);
    RematResult search = solveRematLocalSearch(problem, options);
    expectConsistent(problem, search);
    if (greedy.check.valid) {
      ASSERT_TRUE(search.check.valid);
      EXPECT_LE(search.check.addedCost, greedy.check.addedCost);
    }
  }
}

TEST(RematGreedy, RecomputesOperandChains) {
  // a -> b -> c -> d -> e, and b -> g <- e. b is held across d; recomputing
  // it alone would stretch a just as much, so a is recomputed first.
  RematProblem problem;
  MemoryGraph &graph = problem.graph;
  const int64_t sizes[] = {10, 10, 1, 30, 1, 1};
  for (unsigned i = 0; i < 6; ++i) {
    graph.addNode("n" + std::to_string(i));
    graph.addValue(sizes[i], i);
  }
  graph.addUse(0, 1);
  graph.addUse(1, 2);
  graph.addUse(2, 3);
  graph.addUse(3, 4);
  graph.addUse(1, 5);
  graph.addUse(4, 5);
  problem.costs = {3, 4, 1, 1, 1, 1};
  EXPECT_EQ(inputOrderPeak(problem), 41);
  problem.budget = 31;
  RematResult greedy = solveRematGreedy(problem);
  expectConsistent(problem, greedy);
  EXPECT_EQ(greedy.status, RematStatus::Feasible);
  EXPECT_EQ(greedy.schedule.sequence,
            (std::vector<unsigned>{0, 1, 2, 3, 4, 0, 1, 5}));
  EXPECT_EQ(greedy.check.addedCost, 7);
  EXPECT_EQ(greedy.check.peakBytes, 31);
}
