//===- MemoryGraphTest.cpp - The memory model against brute force ---------===//

#include "memopt/Model/MemoryGraph.h"
#include "memopt/Model/RandomGraphs.h"
#include "Support/BruteForce.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace memopt;
using memopt::testing::forEachSchedule;

namespace {

/// Live bytes at `step`, straight from the definition: a value is live at a
/// step when it has been produced and a consumer or the block's end still
/// needs it, or when its producer runs at that step.
int64_t bruteForceLiveBytes(const MemoryGraph &graph,
                            const std::vector<unsigned> &order, unsigned step,
                            const ModelOptions &options) {
  auto stepOf = [&](unsigned node) {
    return std::find(order.begin(), order.end(), node) - order.begin();
  };
  auto isLiveAt = [&](unsigned id, unsigned at) {
    const MemoryGraph::Value &value = graph.value(id);
    long produced = value.producer ? stepOf(*value.producer) : 0;
    if (produced > (long)at)
      return false;
    if (produced == (long)at || value.escapes)
      return true;
    for (unsigned user : value.users)
      if (stepOf(user) >= (long)at)
        return true;
    return false;
  };
  int64_t live = 0;
  for (unsigned id = 0; id < graph.numValues(); ++id)
    if (!graph.value(id).resident && isLiveAt(id, step))
      live += graph.value(id).size;
  if (!options.inPlace)
    return live;
  unsigned node = order[step];
  return live - graph.inPlaceSavings(node, [&](unsigned operand) {
           return step + 1 == order.size() || !isLiveAt(operand, step + 1);
         });
}

TEST(MemoryGraph, HandComputedChain) {
  // a -> b -> c, with a also read by c: a(10) b(20) c(5), c escapes.
  MemoryGraph graph;
  unsigned weight = graph.addValue(1000, std::nullopt, /*resident=*/true);
  unsigned a = graph.addNode("a"), b = graph.addNode("b"),
           c = graph.addNode("c");
  unsigned va = graph.addValue(10, a), vb = graph.addValue(20, b),
           vc = graph.addValue(5, c);
  graph.addUse(weight, a);
  graph.addUse(va, b);
  graph.addUse(va, c);
  graph.addUse(vb, c);
  graph.markEscaping(vc);
  MemoryProfile profile = computeProfile(graph, inputOrder(graph));
  EXPECT_EQ(profile.liveBytes, (std::vector<int64_t>{10, 30, 35}));
  EXPECT_EQ(profile.peakBytes, 35);
  EXPECT_EQ(profile.peakStep, 2u);
  EXPECT_EQ(graph.residentBytes(), 1000);
  EXPECT_EQ(scheduleLowerBound(graph), 35);
  std::vector<Lifetime> lifetimes = computeLifetimes(graph, inputOrder(graph));
  EXPECT_EQ(lifetimes[va].start, 0u);
  EXPECT_EQ(lifetimes[va].end, 2u);
  EXPECT_EQ(lifetimes[vb].end, 2u);
}

TEST(MemoryGraph, InPlaceReusesDyingOperand) {
  MemoryGraph graph;
  unsigned a = graph.addNode("a"), relu = graph.addNode("relu", true);
  unsigned va = graph.addValue(64, a), vr = graph.addValue(64, relu);
  graph.addUse(va, relu);
  graph.markEscaping(vr);
  EXPECT_EQ(computeProfile(graph, inputOrder(graph)).peakBytes, 128);
  ModelOptions inPlace;
  inPlace.inPlace = true;
  EXPECT_EQ(computeProfile(graph, inputOrder(graph), inPlace).peakBytes, 64);
  EXPECT_EQ(scheduleLowerBound(graph, inPlace), 64);
}

TEST(MemoryGraph, ScratchIsLiveAtItsNodeOnlyAndNeverWrittenInPlace) {
  // a -> loop -> b; the loop holds 100 bytes while it runs. Its scratch has
  // the size of the dying operand, yet only the real result may reuse it.
  MemoryGraph graph;
  unsigned a = graph.addNode("a"), loop = graph.addNode("loop", true),
           b = graph.addNode("b");
  unsigned va = graph.addValue(100, a), vl = graph.addValue(10, loop);
  unsigned scratch = graph.addScratch(loop, 100);
  unsigned vb = graph.addValue(1, b);
  graph.addUse(va, loop);
  graph.addUse(vl, b);
  graph.markEscaping(vb);
  EXPECT_TRUE(graph.value(scratch).scratch);
  MemoryProfile profile = computeProfile(graph, inputOrder(graph));
  EXPECT_EQ(profile.liveBytes, (std::vector<int64_t>{100, 210, 11}));
  ModelOptions inPlace;
  inPlace.inPlace = true;
  EXPECT_EQ(computeProfile(graph, inputOrder(graph), inPlace).peakBytes, 210);
  EXPECT_EQ(scheduleLowerBound(graph), 210);
}

TEST(MemoryGraph, LowerBoundCountsValuesLiveAcross) {
  // a -> b -> c -> d with a skip a -> d: every order keeps a live across c,
  // whose working set alone (b and c, 20 bytes) misses it.
  MemoryGraph graph;
  unsigned a = graph.addNode("a"), b = graph.addNode("b"),
           c = graph.addNode("c"), d = graph.addNode("d");
  unsigned va = graph.addValue(100, a), vb = graph.addValue(10, b),
           vc = graph.addValue(10, c), vd = graph.addValue(1, d);
  graph.addUse(va, b);
  graph.addUse(vb, c);
  graph.addUse(vc, d);
  graph.addUse(va, d);
  graph.markEscaping(vd);
  EXPECT_EQ(largestWorkingSet(graph), 111);
  EXPECT_EQ(scheduleLowerBound(graph), 120);
  EXPECT_EQ(computeProfile(graph, inputOrder(graph)).peakBytes, 120);
}

TEST(MemoryGraph, SinksWeightlessNodesBeforeTheirFirstSuccessor) {
  // e has no bytes (a tensor.empty); the scheduler put it first.
  MemoryGraph graph;
  unsigned e = graph.addNode("e"), a = graph.addNode("a"),
           b = graph.addNode("b");
  unsigned va = graph.addValue(8, a);
  graph.addUse(va, b);
  graph.addOrderingEdge(e, b);
  std::vector<unsigned> order = {e, a, b};
  std::vector<unsigned> sunk = sinkWeightlessNodes(graph, order);
  EXPECT_EQ(sunk, (std::vector<unsigned>{a, e, b}));
  EXPECT_TRUE(isValidSchedule(graph, sunk));
  EXPECT_EQ(computeProfile(graph, sunk).peakBytes,
            computeProfile(graph, order).peakBytes);
}

TEST(MemoryGraph, RejectsInvalidSchedules) {
  MemoryGraph graph;
  unsigned a = graph.addNode("a"), b = graph.addNode("b");
  graph.addOrderingEdge(a, b);
  std::string reason;
  EXPECT_TRUE(isValidSchedule(graph, {0, 1}, &reason));
  EXPECT_FALSE(isValidSchedule(graph, {1, 0}, &reason));
  EXPECT_NE(reason.find("dependence"), std::string::npos);
  EXPECT_FALSE(isValidSchedule(graph, {0, 0}, &reason));
  EXPECT_FALSE(isValidSchedule(graph, {0}, &reason));
}

class RandomGraphTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(RandomGraphTest, ProfileMatchesDefinitionOnEverySchedule) {
  RandomGraphOptions options;
  options.numNodes = 7;
  MemoryGraph graph = buildRandomGraph(GetParam(), options);
  for (bool inPlace : {false, true}) {
    ModelOptions model;
    model.inPlace = inPlace;
    int64_t bound = scheduleLowerBound(graph, model);
    unsigned schedules = 0;
    forEachSchedule(graph, [&](const std::vector<unsigned> &order) {
      ++schedules;
      ASSERT_TRUE(isValidSchedule(graph, order));
      MemoryProfile profile = computeProfile(graph, order, model);
      int64_t peak = 0;
      for (unsigned step = 0; step < order.size(); ++step) {
        int64_t live = bruteForceLiveBytes(graph, order, step, model);
        ASSERT_EQ(profile.liveBytes[step], live) << "step " << step;
        peak = std::max(peak, live);
      }
      ASSERT_EQ(profile.peakBytes, peak);
      ASSERT_EQ(profile.liveBytes[profile.peakStep], peak);
      ASSERT_LE(bound, peak);
    });
    EXPECT_GT(schedules, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomGraphTest, ::testing::Range<uint64_t>(0, 40));

} // namespace
