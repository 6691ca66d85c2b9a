//===- SchedulerTest.cpp - Schedulers against brute force -----------------===//

#include "memopt/Schedule/Scheduler.h"

#include "Support/BruteForce.h"
#include "memopt/Model/RandomGraphs.h"

#include "gtest/gtest.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <random>

using namespace memopt;
using namespace memopt::testing;

namespace {

ScheduleResult runScheduler(const MemoryGraph &graph,
                            ScheduleAlgorithm algorithm, bool inPlace,
                            double seconds = 10) {
  ScheduleOptions options;
  options.algorithm = algorithm;
  options.model.inPlace = inPlace;
  options.timeLimitSeconds = seconds;
  ScheduleResult result = scheduleForMemory(graph, options);
  std::optional<std::string> problem =
      checkSchedule(graph, result, options.model);
  EXPECT_FALSE(problem) << stringifyScheduleAlgorithm(algorithm).str() << ": "
                        << problem.value_or("");
  return result;
}

TEST(Scheduler, NamesRoundTrip) {
  for (llvm::StringRef name : {"input", "rpo", "list", "dfs", "lpmf",
                               "heuristics", "dp", "ilp", "auto"}) {
    std::optional<ScheduleAlgorithm> algorithm = parseScheduleAlgorithm(name);
    ASSERT_TRUE(algorithm) << name.str();
    EXPECT_EQ(stringifyScheduleAlgorithm(*algorithm), name);
  }
  EXPECT_FALSE(parseScheduleAlgorithm("serenity"));
}

TEST(Scheduler, EmptyGraph) {
  MemoryGraph graph;
  ScheduleResult result =
      runScheduler(graph, ScheduleAlgorithm::Auto, /*inPlace=*/false);
  EXPECT_TRUE(result.order.empty());
  EXPECT_EQ(result.peakBytes, 0);
  EXPECT_EQ(result.status, ScheduleStatus::Optimal);
}

TEST(Scheduler, ReordersTwoBranches) {
  // Running a branch to the end before starting the other frees its big
  // value first.
  MemoryGraph graph = twoBranches();
  ScheduleResult result =
      runScheduler(graph, ScheduleAlgorithm::DynamicProgramming, false);
  EXPECT_EQ(result.inputPeakBytes, 201);
  EXPECT_EQ(result.peakBytes, 102);
  EXPECT_EQ(result.status, ScheduleStatus::Optimal);
  EXPECT_EQ(result.algorithm.find("input"), std::string::npos);
}

struct BruteForceCase {
  uint64_t seed;
  unsigned nodes;
  double edgeProbability;
  /// With small sizes and mostly in-place capable nodes, in-place reuse is
  /// common.
  bool inPlaceHeavy;
};

class AgainstBruteForce : public ::testing::TestWithParam<BruteForceCase> {};

TEST_P(AgainstBruteForce, DynamicProgrammingIsOptimal) {
  RandomGraphOptions options;
  options.numNodes = GetParam().nodes;
  options.edgeProbability = GetParam().edgeProbability;
  if (GetParam().inPlaceHeavy) {
    options.maxSize = 3;
    options.inPlaceProbability = 0.8;
  }
  MemoryGraph graph = buildRandomGraph(GetParam().seed, options);
  if (countSchedules(graph) > 600000)
    GTEST_SKIP() << "too many schedules to enumerate";
  for (bool inPlace : {false, true}) {
    ModelOptions model;
    model.inPlace = inPlace;
    int64_t optimum = bruteForceOptimum(graph, model);
    ScheduleResult dp =
        runScheduler(graph, ScheduleAlgorithm::DynamicProgramming, inPlace);
    EXPECT_EQ(dp.peakBytes, optimum) << "inPlace " << inPlace;
    EXPECT_EQ(dp.status, ScheduleStatus::Optimal);
    EXPECT_EQ(dp.lowerBoundBytes, optimum);
    EXPECT_EQ(dp.optimalSegments, dp.segments);
    ScheduleResult automatic =
        runScheduler(graph, ScheduleAlgorithm::Auto, inPlace);
    EXPECT_EQ(automatic.peakBytes, optimum);
    EXPECT_EQ(automatic.status, ScheduleStatus::Optimal);
    for (ScheduleAlgorithm heuristic :
         {ScheduleAlgorithm::InputOrder, ScheduleAlgorithm::ReversePostOrder,
          ScheduleAlgorithm::ListFreedMinusDefined,
          ScheduleAlgorithm::PostOrderBySubtree,
          ScheduleAlgorithm::LeastPeakFirst,
          ScheduleAlgorithm::BestHeuristic}) {
      ScheduleResult result = runScheduler(graph, heuristic, inPlace);
      EXPECT_GE(result.peakBytes, optimum);
      EXPECT_LE(result.peakBytes, result.inputPeakBytes);
      if (result.status == ScheduleStatus::Optimal) {
        EXPECT_EQ(result.peakBytes, optimum);
      }
    }
  }
}

std::vector<BruteForceCase> bruteForceCases() {
  std::vector<BruteForceCase> cases;
  for (uint64_t seed = 0; seed < 40; ++seed)
    cases.push_back({seed, 10, seed % 2 ? 0.15 : 0.3, seed % 4 < 2});
  for (uint64_t seed = 100; seed < 120; ++seed)
    cases.push_back({seed, 12, 0.15, seed % 2 == 1});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Seeds, AgainstBruteForce,
                         ::testing::ValuesIn(bruteForceCases()));

class MediumGraphs : public ::testing::TestWithParam<uint64_t> {};

TEST_P(MediumGraphs, NeverWorseThanInputOrderAndBoundsAgree) {
  RandomGraphOptions options;
  options.numNodes = 40 + GetParam() * 10;
  options.edgeProbability = 3.0 / options.numNodes;
  MemoryGraph graph = buildRandomGraph(GetParam(), options);
  for (bool inPlace : {false, true}) {
    std::vector<ScheduleResult> results;
    for (ScheduleAlgorithm algorithm :
         {ScheduleAlgorithm::BestHeuristic, ScheduleAlgorithm::Auto,
          ScheduleAlgorithm::DynamicProgramming}) {
      ScheduleResult result = runScheduler(graph, algorithm, inPlace, 0.5);
      EXPECT_LE(result.peakBytes, result.inputPeakBytes);
      EXPECT_LE(result.segments, graph.numNodes());
      EXPECT_EQ(result.candidates.front().first, "input");
      results.push_back(std::move(result));
    }
    // A bound proven by one run holds for the orders of all of them.
    for (const ScheduleResult &proof : results)
      for (const ScheduleResult &other : results)
        EXPECT_LE(proof.lowerBoundBytes, other.peakBytes)
            << "inPlace " << inPlace;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, MediumGraphs, ::testing::Range<uint64_t>(0, 8));

/// A call that only decides whether some order peaks at or below a mark
/// answers as the call without the mark would: an order found at or below
/// it is no lower than that call's, a bound above it holds for that call's
/// order, and without an answer the result is that call's.
TEST_P(MediumGraphs, DecidingAnswersAsTheFullCall) {
  RandomGraphOptions graphOptions;
  graphOptions.numNodes = 40 + GetParam() * 10;
  graphOptions.edgeProbability = 3.0 / graphOptions.numNodes;
  MemoryGraph graph = buildRandomGraph(GetParam(), graphOptions);
  ScheduleOptions options;
  options.timeLimitSeconds = std::numeric_limits<double>::infinity();
  options.effort = 0.05;
  ScheduleResult full = scheduleForMemory(graph, options);
  for (int64_t mark :
       {full.peakBytes - 1, full.peakBytes, full.lowerBoundBytes - 1,
        full.lowerBoundBytes, (full.peakBytes + full.inputPeakBytes) / 2}) {
    ScheduleOptions deciding = options;
    deciding.decidePeakBytes = mark;
    ScheduleResult decided = scheduleForMemory(graph, deciding);
    EXPECT_FALSE(checkSchedule(graph, decided, options.model));
    if (decided.peakBytes <= mark) {
      EXPECT_LE(full.peakBytes, decided.peakBytes) << "mark " << mark;
    } else if (decided.lowerBoundBytes > mark) {
      EXPECT_GE(full.peakBytes, decided.lowerBoundBytes) << "mark " << mark;
    } else {
      EXPECT_EQ(decided.order, full.order) << "mark " << mark;
      EXPECT_EQ(decided.peakBytes, full.peakBytes) << "mark " << mark;
    }
  }
}

/// A chain of `cells` random cells of `width` nodes between an entry and an
/// exit node, as in networks built from repeated blocks.
MemoryGraph chainOfCells(unsigned cells, unsigned width, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto size = [&]() { return int64_t(1 + rng() % 100); };
  MemoryGraph graph;
  std::optional<unsigned> carried;
  for (unsigned cell = 0; cell < cells; ++cell) {
    unsigned entry = graph.addNode("entry");
    if (carried)
      graph.addUse(*carried, entry);
    std::vector<unsigned> values{graph.addValue(size(), entry)};
    for (unsigned i = 0; i < width; ++i) {
      unsigned node = graph.addNode("inner", rng() % 3 == 0);
      for (unsigned reads = 1 + rng() % 2; reads > 0; --reads)
        graph.addUse(values[rng() % values.size()], node);
      values.push_back(graph.addValue(size(), node));
    }
    unsigned exit = graph.addNode("exit");
    for (unsigned value : values)
      if (graph.value(value).users.empty())
        graph.addUse(value, exit);
    carried = graph.addValue(size(), exit);
  }
  graph.markEscaping(*carried);
  return graph;
}

TEST(Scheduler, SolvesChainsOfCellsExactly) {
  MemoryGraph graph = chainOfCells(100, 8, 5);
  for (bool inPlace : {false, true}) {
    auto start = std::chrono::steady_clock::now();
    ScheduleResult result =
        runScheduler(graph, ScheduleAlgorithm::Auto, inPlace);
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    EXPECT_EQ(result.status, ScheduleStatus::Optimal);
    EXPECT_EQ(result.optimalSegments, result.segments);
    EXPECT_GE(result.segments, 200u);
    EXPECT_LT(result.peakBytes, result.inputPeakBytes);
    EXPECT_LT(elapsed.count(), 1.0);
  }
}

/// Nodes of the kinds that PinnedNodes fixes: constants (resident results),
/// broadcasts of them (an activation read by the next op only) and ops
/// reading earlier activations, pending broadcasts and constants.
MemoryGraph graphWithConstants(uint64_t seed, unsigned numNodes) {
  std::mt19937_64 rng(seed);
  auto size = [&]() { return int64_t(1 + rng() % 50); };
  MemoryGraph graph;
  std::vector<unsigned> residents{
      graph.addValue(size(), std::nullopt, /*resident=*/true)};
  std::vector<unsigned> activations, broadcasts;
  for (unsigned i = 0; i < numNodes; ++i) {
    unsigned kind = activations.empty() ? 2 : rng() % 4;
    if (kind == 0) {
      unsigned node = graph.addNode("constant");
      residents.push_back(graph.addValue(size(), node, /*resident=*/true));
    } else if (kind == 1) {
      unsigned node = graph.addNode("broadcast");
      graph.addUse(residents[rng() % residents.size()], node);
      broadcasts.push_back(graph.addValue(size(), node));
    } else {
      unsigned node = graph.addNode("op", rng() % 2 == 0);
      for (unsigned reads = activations.empty() ? 0 : 1 + rng() % 2; reads > 0;
           --reads)
        graph.addUse(activations[rng() % activations.size()], node);
      for (unsigned broadcast : broadcasts)
        graph.addUse(broadcast, node);
      broadcasts.clear();
      if (rng() % 2)
        graph.addUse(residents[rng() % residents.size()], node);
      activations.push_back(graph.addValue(size(), node));
    }
  }
  if (!activations.empty())
    graph.markEscaping(activations.back());
  return graph;
}

class ConstantsAgainstBruteForce : public ::testing::TestWithParam<uint64_t> {};

/// Checks, with and without in-place reuse, that the exact searches reach
/// the brute-force optimum of `graph` and say so, and that the heuristics
/// never claim less.
static void expectSearchesExact(const MemoryGraph &graph) {
  for (bool inPlace : {false, true}) {
    ModelOptions model;
    model.inPlace = inPlace;
    int64_t optimum = bruteForceOptimum(graph, model);
    for (ScheduleAlgorithm algorithm :
         {ScheduleAlgorithm::DynamicProgramming, ScheduleAlgorithm::Auto}) {
      ScheduleResult result = runScheduler(graph, algorithm, inPlace);
      EXPECT_EQ(result.peakBytes, optimum) << "inPlace " << inPlace;
      EXPECT_EQ(result.status, ScheduleStatus::Optimal);
    }
    ScheduleResult heuristics =
        runScheduler(graph, ScheduleAlgorithm::BestHeuristic, inPlace);
    EXPECT_GE(heuristics.peakBytes, optimum);
  }
}

TEST_P(ConstantsAgainstBruteForce, SearchesStayExact) {
  MemoryGraph graph = graphWithConstants(GetParam(), 11);
  if (countSchedules(graph) > 300000)
    GTEST_SKIP() << "too many schedules to enumerate";
  expectSearchesExact(graph);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ConstantsAgainstBruteForce,
                         ::testing::Range<uint64_t>(0, 40));

/// Destination-style graphs: an op may write its result into the buffer of a
/// fill (a node that reads only a constant), so the fill's value is read by
/// the op and again by later readers of the op's result, as the model counts
/// a linalg op writing into its init in place; and an op may read a view,
/// which reads an earlier activation that the op then reads too.
MemoryGraph graphWithDestinations(uint64_t seed, unsigned numNodes) {
  std::mt19937_64 rng(seed);
  auto size = [&]() { return int64_t(1 + rng() % 50); };
  MemoryGraph graph;
  unsigned constant = graph.addValue(size(), std::nullopt, /*resident=*/true);
  std::vector<unsigned> activations;
  /// The fills whose buffer each activation lives in.
  std::vector<llvm::SmallVector<unsigned, 1>> buffers;
  auto read = [&](unsigned index, unsigned node) {
    graph.addUse(activations[index], node);
    for (unsigned buffer : buffers[index])
      graph.addUse(buffer, node);
  };
  for (unsigned i = 0; i < numNodes; ++i) {
    llvm::SmallVector<unsigned, 1> written;
    if (!activations.empty() && rng() % 2) {
      unsigned fill = graph.addNode("fill");
      graph.addUse(constant, fill);
      written.push_back(graph.addValue(size(), fill));
    }
    // A view of an earlier activation: it reads the activation and defines
    // nothing; its reader reads the activation too and depends on it.
    std::optional<std::pair<unsigned, unsigned>> view;
    if (!activations.empty() && rng() % 3 == 0) {
      unsigned viewNode = graph.addNode("view");
      unsigned index = rng() % activations.size();
      read(index, viewNode);
      view = {viewNode, index};
    }
    unsigned node = graph.addNode("op", rng() % 2 == 0);
    for (unsigned reads = activations.empty() ? 0 : 1 + rng() % 2; reads > 0;
         --reads)
      read(rng() % activations.size(), node);
    if (view) {
      read(view->second, node);
      graph.addOrderingEdge(view->first, node);
    }
    for (unsigned buffer : written)
      graph.addUse(buffer, node);
    // Written in place: the result is small, the fill's buffer holds it.
    activations.push_back(graph.addValue(written.empty() ? size() : 1, node));
    buffers.push_back(written);
  }
  graph.markEscaping(activations.back());
  return graph;
}

class DestinationsAgainstBruteForce
    : public ::testing::TestWithParam<uint64_t> {};

TEST_P(DestinationsAgainstBruteForce, SearchesStayExact) {
  MemoryGraph graph = graphWithDestinations(GetParam(), 6);
  if (countSchedules(graph) > 300000)
    GTEST_SKIP() << "too many schedules to enumerate";
  expectSearchesExact(graph);
}

INSTANTIATE_TEST_SUITE_P(Seeds, DestinationsAgainstBruteForce,
                         ::testing::Range<uint64_t>(0, 40));

TEST(Scheduler, DestinationFillsDoNotPreventSegments) {
  // A chain of ops, each writing into a fill that the next op reads again
  // (through the op's result in the fill's buffer): every fill can run
  // right before its writer, so each op starts a segment although the fills
  // depend on nothing.
  MemoryGraph graph;
  unsigned constant = graph.addValue(4, std::nullopt, /*resident=*/true);
  std::optional<unsigned> carried, carriedBuffer;
  for (unsigned i = 0; i < 200; ++i) {
    unsigned fill = graph.addNode("fill");
    graph.addUse(constant, fill);
    unsigned buffer = graph.addValue(10 + i % 7, fill);
    unsigned op = graph.addNode("op");
    graph.addUse(buffer, op);
    if (carried) {
      graph.addUse(*carried, op);
      graph.addUse(*carriedBuffer, op);
    }
    carried = graph.addValue(1, op);
    carriedBuffer = buffer;
  }
  graph.markEscaping(*carried);
  graph.markEscaping(*carriedBuffer);
  for (bool inPlace : {false, true}) {
    ScheduleResult result =
        runScheduler(graph, ScheduleAlgorithm::Auto, inPlace);
    EXPECT_EQ(result.status, ScheduleStatus::Optimal);
    EXPECT_GE(result.segments, 200u);
  }
}

TEST(Scheduler, ConstantsAndBroadcastsDoNotPreventSegments) {
  // A chain of ops, each adding a broadcast of its own constant: every
  // constant can run first and every broadcast right before its reader, so
  // each op starts a segment although the constants depend on nothing.
  MemoryGraph graph;
  std::vector<unsigned> constants;
  for (unsigned i = 0; i < 200; ++i) {
    unsigned node = graph.addNode("constant");
    constants.push_back(graph.addValue(4, node, /*resident=*/true));
  }
  std::optional<unsigned> carried;
  for (unsigned i = 0; i < 200; ++i) {
    unsigned broadcast = graph.addNode("broadcast");
    graph.addUse(constants[i], broadcast);
    unsigned bias = graph.addValue(10 + i % 7, broadcast);
    unsigned add = graph.addNode("add");
    graph.addUse(bias, add);
    if (carried)
      graph.addUse(*carried, add);
    carried = graph.addValue(10 + i % 5, add);
  }
  graph.markEscaping(*carried);
  for (bool inPlace : {false, true}) {
    ScheduleResult result =
        runScheduler(graph, ScheduleAlgorithm::Auto, inPlace);
    EXPECT_EQ(result.status, ScheduleStatus::Optimal);
    EXPECT_GE(result.segments, 400u);
    EXPECT_LE(result.peakBytes, result.inputPeakBytes);
  }
}

TEST(Scheduler, RespectsTimeLimit) {
  RandomGraphOptions options;
  options.numNodes = 3000;
  options.edgeProbability = 4.0 / options.numNodes;
  MemoryGraph graph = buildRandomGraph(7, options);
  for (ScheduleAlgorithm algorithm :
       {ScheduleAlgorithm::DynamicProgramming, ScheduleAlgorithm::Auto}) {
    auto start = std::chrono::steady_clock::now();
    ScheduleResult result = runScheduler(graph, algorithm, false, 0.5);
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - start;
    EXPECT_LT(elapsed.count(), 1.5);
    EXPECT_LE(result.peakBytes, result.inputPeakBytes);
  }
}

TEST(Scheduler, OptionsAreRangeChecked) {
  ScheduleOptions options;
  EXPECT_FALSE(verifyScheduleOptions(options));
  options.timeLimitSeconds = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(verifyScheduleOptions(options));
  options.timeLimitSeconds = std::nan("");
  EXPECT_TRUE(verifyScheduleOptions(options));
  options.timeLimitSeconds = 0;
  EXPECT_TRUE(verifyScheduleOptions(options));
  options.timeLimitSeconds = 1;
  options.effort = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(verifyScheduleOptions(options));
  options.effort = 1;
  options.memoryLimitBytes = 0;
  EXPECT_TRUE(verifyScheduleOptions(options));
}

TEST(Scheduler, HugeLimitsKeepTheExactSearch) {
  // The search must still prove the optimum with a memory limit whose state
  // count overflows 32 bits, and without a wall-clock limit.
  RandomGraphOptions options;
  options.numNodes = 40;
  options.edgeProbability = 0.1;
  MemoryGraph graph = buildRandomGraph(5, options);
  ScheduleResult reference =
      runScheduler(graph, ScheduleAlgorithm::DynamicProgramming, false);
  ASSERT_EQ(reference.status, ScheduleStatus::Optimal);
  for (int64_t memory : {int64_t(1) << 62, std::numeric_limits<int64_t>::max()})
    for (ScheduleAlgorithm algorithm :
         {ScheduleAlgorithm::DynamicProgramming, ScheduleAlgorithm::Auto}) {
      ScheduleOptions huge;
      huge.algorithm = algorithm;
      huge.memoryLimitBytes = memory;
      huge.timeLimitSeconds = std::numeric_limits<double>::infinity();
      ScheduleResult result = scheduleForMemory(graph, huge);
      EXPECT_FALSE(checkSchedule(graph, result, huge.model));
      EXPECT_EQ(result.status, ScheduleStatus::Optimal);
      EXPECT_EQ(result.peakBytes, reference.peakBytes);
      EXPECT_FALSE(result.stoppedByTimeLimit);
    }
}

TEST(Scheduler, ReportsTheTimeLimit) {
  RandomGraphOptions options;
  options.numNodes = 3000;
  options.edgeProbability = 4.0 / options.numNodes;
  MemoryGraph graph = buildRandomGraph(7, options);
  ScheduleResult result = runScheduler(graph, ScheduleAlgorithm::Auto, false,
                                       /*seconds=*/1e-6);
  EXPECT_TRUE(result.stoppedByTimeLimit);
  EXPECT_TRUE(result.timedOut);
}

} // namespace
