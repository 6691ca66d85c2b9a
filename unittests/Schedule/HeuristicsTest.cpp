//===- HeuristicsTest.cpp - Production heuristics -------------------------===//

#include "memopt/Schedule/Heuristics.h"

#include "Support/BruteForce.h"
#include "memopt/Model/RandomGraphs.h"

#include "gtest/gtest.h"

using namespace memopt;
using namespace memopt::testing;

namespace {

TEST(Heuristics, FinishBranchesOneByOne) {
  MemoryGraph graph = twoBranches();
  ModelOptions model;
  EXPECT_EQ(computeProfile(graph, inputOrder(graph), model).peakBytes, 201);
  // The list scheduler runs a2 as soon as it is ready: it frees 100 bytes
  // and defines 1.
  std::vector<unsigned> list = scheduleListFreedMinusDefined(graph, model);
  EXPECT_EQ(list, (std::vector<unsigned>{0, 2, 1, 3, 4}));
  // The post-order visits the whole a branch, then the b branch.
  std::vector<unsigned> dfs = schedulePostOrderBySubtree(graph);
  EXPECT_EQ(dfs, (std::vector<unsigned>{0, 2, 1, 3, 4}));
  std::vector<unsigned> lpmf = scheduleLeastPeakFirst(graph, model);
  EXPECT_EQ(computeProfile(graph, lpmf, model).peakBytes, 102);
}

TEST(Heuristics, PostOrderVisitsHeavierSubtreeFirst) {
  // join reads x (defined by a 1-byte chain) and y (a 50-byte node): the
  // heavier subtree, y's, runs first.
  MemoryGraph graph;
  unsigned x = graph.addNode("x"), y = graph.addNode("y"),
           join = graph.addNode("join");
  graph.addUse(graph.addValue(1, x), join);
  graph.addUse(graph.addValue(50, y), join);
  graph.addValue(1, join);
  EXPECT_EQ(schedulePostOrderBySubtree(graph),
            (std::vector<unsigned>{1, 0, 2}));
}

TEST(Heuristics, ReversePostOrderFollowsOperandsFromTheOutputs) {
  // out reads c then b; c reads a. The post-order from the returned value
  // visits c's chain first: a, c, then b, then out. The dead node d, which
  // no returned value depends on, comes last.
  MemoryGraph graph;
  unsigned a = graph.addNode("a"), b = graph.addNode("b"),
           c = graph.addNode("c"), d = graph.addNode("d"),
           out = graph.addNode("out");
  unsigned va = graph.addValue(1, a), vb = graph.addValue(1, b),
           vc = graph.addValue(1, c);
  graph.addValue(1, d);
  graph.addUse(va, c);
  graph.addUse(vc, out);
  graph.addUse(vb, out);
  graph.markEscaping(graph.addValue(1, out));
  EXPECT_EQ(scheduleReversePostOrder(graph),
            (std::vector<unsigned>{a, c, b, out, d}));
}

TEST(Heuristics, ReversePostOrderStartsFromTheReturnedValuesInOrder) {
  // Two independent returned values: the first one's producer runs first,
  // whatever the input order.
  MemoryGraph graph;
  unsigned x = graph.addNode("x"), y = graph.addNode("y");
  unsigned vy = graph.addValue(1, y), vx = graph.addValue(1, x);
  graph.markEscaping(vy);
  graph.markEscaping(vx);
  EXPECT_EQ(scheduleReversePostOrder(graph), (std::vector<unsigned>{y, x}));
}

class HeuristicsOnRandomGraphs : public ::testing::TestWithParam<uint64_t> {};

TEST_P(HeuristicsOnRandomGraphs, ValidAndNeverBelowOptimum) {
  RandomGraphOptions options;
  options.numNodes = 9;
  options.edgeProbability = 0.2;
  if (GetParam() % 2) {
    options.maxSize = 3;
    options.inPlaceProbability = 0.8;
  }
  MemoryGraph graph = buildRandomGraph(GetParam(), options);
  for (bool inPlace : {false, true}) {
    ModelOptions model;
    model.inPlace = inPlace;
    int64_t optimum = bruteForceOptimum(graph, model);
    for (const std::vector<unsigned> &order :
         {scheduleListFreedMinusDefined(graph, model),
          schedulePostOrderBySubtree(graph),
          scheduleLeastPeakFirst(graph, model),
          scheduleReversePostOrder(graph)}) {
      std::string reason;
      ASSERT_TRUE(isValidSchedule(graph, order, &reason)) << reason;
      EXPECT_GE(computeProfile(graph, order, model).peakBytes, optimum);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, HeuristicsOnRandomGraphs,
                         ::testing::Range<uint64_t>(0, 30));

TEST(Heuristics, LargeGraphsStayValid) {
  RandomGraphOptions options;
  options.numNodes = 2000;
  options.edgeProbability = 3.0 / options.numNodes;
  MemoryGraph graph = buildRandomGraph(3, options);
  ModelOptions model;
  model.inPlace = true;
  EXPECT_TRUE(
      isValidSchedule(graph, scheduleListFreedMinusDefined(graph, model)));
  EXPECT_TRUE(isValidSchedule(graph, schedulePostOrderBySubtree(graph)));
  EXPECT_TRUE(isValidSchedule(graph, scheduleLeastPeakFirst(graph, model)));
  EXPECT_TRUE(isValidSchedule(graph, scheduleReversePostOrder(graph)));
}

} // namespace
