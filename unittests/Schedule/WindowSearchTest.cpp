//===- WindowSearchTest.cpp - Exact re-solves of windows of an order ------===//

#include "WindowSearch.h"

#include "ScheduleSimulator.h"
#include "Support/BruteForce.h"
#include "memopt/Model/RandomGraphs.h"

#include "gtest/gtest.h"

#include <chrono>
#include <limits>

using namespace memopt;
using namespace memopt::testing;

namespace {

/// The whole graph as one segment whose local ids are the node ids.
SegmentModel wholeGraph(const MemoryGraph &graph, const ModelOptions &model) {
  return SegmentModel(
      graph, model, inputOrder(graph), [](unsigned) { return false; },
      initialLiveBytes(graph));
}

/// Limits that stop at `work` units on `meter`.
WindowLimits limitsOf(WorkMeter &meter, uint64_t work, unsigned maxExactWindow,
                      unsigned beamWidth) {
  return {WorkLimit(meter, work), maxExactWindow, size_t(1) << 20, beamWidth,
          size_t(1) << 20};
}

constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

class WindowsOnRandomGraphs : public ::testing::TestWithParam<uint64_t> {};

TEST_P(WindowsOnRandomGraphs, ValidNeverWorseAndExactOverTheWholeGraph) {
  RandomGraphOptions options;
  options.numNodes = 11;
  options.edgeProbability = 0.2;
  if (GetParam() % 2) {
    options.maxSize = 3;
    options.inPlaceProbability = 0.8;
  }
  MemoryGraph graph = buildRandomGraph(GetParam(), options);
  if (countSchedules(graph) > 300000)
    GTEST_SKIP() << "too many schedules to enumerate";
  for (bool inPlace : {false, true}) {
    ModelOptions model;
    model.inPlace = inPlace;
    SegmentModel segment = wholeGraph(graph, model);
    int64_t optimum = bruteForceOptimum(graph, model);
    int64_t inputPeak =
        computeProfile(graph, inputOrder(graph), model).peakBytes;
    ASSERT_EQ(segment.peakOf(inputOrder(graph)), inputPeak);
    // Small exact windows, small exact windows with beams beyond them, and
    // exact windows that reach the whole graph.
    for (auto [exactWindow, beamWidth] :
         {std::pair(2u, 0u), std::pair(2u, 4u), std::pair(16u, 0u)}) {
      std::vector<unsigned> order = inputOrder(graph);
      WorkMeter meter(deadlineAfter(10));
      int64_t peak =
          improveByWindows(segment, order, 0,
                           limitsOf(meter, kUnlimited, exactWindow, beamWidth));
      std::string reason;
      ASSERT_TRUE(isValidSchedule(graph, order, &reason)) << reason;
      EXPECT_EQ(peak, computeProfile(graph, order, model).peakBytes);
      EXPECT_LE(peak, inputPeak);
      EXPECT_GE(peak, optimum);
      if (exactWindow >= graph.numNodes()) {
        EXPECT_EQ(peak, optimum) << "inPlace " << inPlace;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, WindowsOnRandomGraphs,
                         ::testing::Range<uint64_t>(0, 30));

TEST(WindowSearch, StopsAtTheFloor) {
  RandomGraphOptions options;
  options.numNodes = 60;
  options.edgeProbability = 0.06;
  MemoryGraph graph = buildRandomGraph(4, options);
  ModelOptions model;
  SegmentModel segment = wholeGraph(graph, model);
  std::vector<unsigned> order = inputOrder(graph);
  int64_t inputPeak = segment.peakOf(order);
  // A floor at the input order's peak leaves nothing to improve.
  WorkMeter meter(deadlineAfter(10));
  EXPECT_EQ(improveByWindows(segment, order, inputPeak,
                             limitsOf(meter, kUnlimited, 64, 64)),
            inputPeak);
  EXPECT_EQ(order, inputOrder(graph));
}

TEST(WindowSearch, RespectsTheDeadline) {
  RandomGraphOptions options;
  options.numNodes = 3000;
  options.edgeProbability = 4.0 / options.numNodes;
  MemoryGraph graph = buildRandomGraph(9, options);
  ModelOptions model;
  SegmentModel segment = wholeGraph(graph, model);
  std::vector<unsigned> order = inputOrder(graph);
  auto start = std::chrono::steady_clock::now();
  WorkMeter meter(deadlineAfter(0.2));
  int64_t peak = improveByWindows(segment, order, 0,
                                  limitsOf(meter, kUnlimited, 512, 1024));
  std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed.count(), 0.7);
  EXPECT_TRUE(isValidSchedule(graph, order));
  EXPECT_EQ(peak, computeProfile(graph, order, model).peakBytes);
}

TEST(WindowSearch, StopsAtTheSameWorkEveryTime) {
  RandomGraphOptions options;
  options.numNodes = 3000;
  options.edgeProbability = 4.0 / options.numNodes;
  MemoryGraph graph = buildRandomGraph(9, options);
  ModelOptions model;
  SegmentModel segment = wholeGraph(graph, model);
  std::vector<std::vector<unsigned>> orders;
  for (int run = 0; run < 2; ++run) {
    std::vector<unsigned> order = inputOrder(graph);
    WorkMeter meter(deadlineAfter(60));
    improveByWindows(segment, order, 0, limitsOf(meter, 200000, 512, 1024));
    EXPECT_FALSE(meter.deadlinePassed());
    EXPECT_GE(meter.workDone(), 200000u);
    orders.push_back(std::move(order));
  }
  EXPECT_EQ(orders[0], orders[1]);
}

} // namespace
