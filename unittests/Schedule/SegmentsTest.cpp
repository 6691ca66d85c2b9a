//===- SegmentsTest.cpp - Parts that every schedule runs in sequence ------===//

#include "memopt/Schedule/Segments.h"

#include "Support/BruteForce.h"
#include "memopt/Model/RandomGraphs.h"

#include "gtest/gtest.h"

#include <algorithm>

using namespace memopt;
using namespace memopt::testing;

namespace {

using Parts = std::vector<std::vector<unsigned>>;

TEST(Segments, ChainSplitsAtEveryNode) {
  MemoryGraph graph;
  for (unsigned i = 0; i < 4; ++i) {
    graph.addNode("n");
    unsigned value = graph.addValue(1, i);
    if (i > 0)
      graph.addUse(value - 1, i);
  }
  EXPECT_EQ(splitIntoSegments(graph, inputOrder(graph)),
            (Parts{{0}, {1}, {2}, {3}}));
}

TEST(Segments, CutsWithoutCutPoints) {
  // a and b both feed c and d, which feed e: {a, b} is a cut although no
  // single node splits the graph there.
  MemoryGraph graph;
  for (unsigned i = 0; i < 5; ++i)
    graph.addNode("n");
  unsigned va = graph.addValue(1, 0), vb = graph.addValue(1, 1),
           vc = graph.addValue(1, 2), vd = graph.addValue(1, 3);
  for (unsigned reader : {2u, 3u}) {
    graph.addUse(va, reader);
    graph.addUse(vb, reader);
  }
  graph.addUse(vc, 4);
  graph.addUse(vd, 4);
  EXPECT_EQ(splitIntoSegments(graph, inputOrder(graph)),
            (Parts{{0, 1}, {2, 3}, {4}}));
  // Without the edge b -> d, a and d are unordered: no cut after {a, b}.
  MemoryGraph partial;
  for (unsigned i = 0; i < 5; ++i)
    partial.addNode("n");
  va = partial.addValue(1, 0);
  vb = partial.addValue(1, 1);
  vc = partial.addValue(1, 2);
  vd = partial.addValue(1, 3);
  partial.addUse(va, 2);
  partial.addUse(vb, 2);
  partial.addUse(va, 3);
  partial.addUse(vc, 4);
  partial.addUse(vd, 4);
  EXPECT_EQ(splitIntoSegments(partial, inputOrder(partial)),
            (Parts{{0, 1, 2, 3}, {4}}));
}

class SegmentsOnRandomGraphs : public ::testing::TestWithParam<uint64_t> {};

TEST_P(SegmentsOnRandomGraphs, EverySchedulePreservesThem) {
  RandomGraphOptions options;
  options.numNodes = 9;
  options.edgeProbability = 0.35;
  MemoryGraph graph = buildRandomGraph(GetParam(), options);
  Parts parts = splitIntoSegments(graph, inputOrder(graph));
  std::vector<unsigned> segmentOf(graph.numNodes());
  unsigned total = 0;
  for (unsigned index = 0; index < parts.size(); ++index) {
    total += parts[index].size();
    for (unsigned node : parts[index])
      segmentOf[node] = index;
  }
  ASSERT_EQ(total, graph.numNodes());
  // Every schedule runs the segments in order. And the split is the finest
  // one: a prefix of the input order is a cut exactly when every schedule
  // starts with the same set of nodes.
  std::vector<bool> boundaryAlwaysHolds(graph.numNodes() + 1, true);
  forEachSchedule(graph, [&](const std::vector<unsigned> &order) {
    for (unsigned step = 1; step < order.size(); ++step)
      ASSERT_LE(segmentOf[order[step - 1]], segmentOf[order[step]]);
    for (unsigned length = 1; length < order.size(); ++length) {
      std::vector<unsigned> prefix(order.begin(), order.begin() + length);
      std::vector<unsigned> inputPrefix(length);
      for (unsigned i = 0; i < length; ++i)
        inputPrefix[i] = i;
      std::sort(prefix.begin(), prefix.end());
      if (prefix != inputPrefix)
        boundaryAlwaysHolds[length] = false;
    }
  });
  unsigned expectedSegments = 1;
  for (unsigned length = 1; length < graph.numNodes(); ++length)
    expectedSegments += boundaryAlwaysHolds[length];
  EXPECT_EQ(parts.size(), expectedSegments);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SegmentsOnRandomGraphs,
                         ::testing::Range<uint64_t>(0, 30));

} // namespace
