//===- OrderingIlpTest.cpp - OLLA's ordering program against the DP -------===//

#include "memopt/Schedule/OrderingIlp.h"

#include "memopt/Model/RandomGraphs.h"
#include "memopt/Schedule/Scheduler.h"

#include "gtest/gtest.h"

using namespace memopt;

namespace {

class IlpOnRandomGraphs : public ::testing::TestWithParam<uint64_t> {};

TEST_P(IlpOnRandomGraphs, EqualsDynamicProgramming) {
  RandomGraphOptions options;
  options.numNodes = 8;
  if (GetParam() % 2) {
    options.maxSize = 3;
    options.inPlaceProbability = 0.8;
  }
  MemoryGraph graph = buildRandomGraph(GetParam(), options);
  for (bool inPlace : {false, true}) {
    ScheduleOptions dpOptions;
    dpOptions.algorithm = ScheduleAlgorithm::DynamicProgramming;
    dpOptions.model.inPlace = inPlace;
    ScheduleResult dp = scheduleForMemory(graph, dpOptions);
    ASSERT_EQ(dp.status, ScheduleStatus::Optimal);

    OrderingIlpOptions exact;
    exact.model.inPlace = inPlace;
    exact.stepPerNode = true;
    std::optional<OrderingIlpResult> ilp = solveOrderingIlp(graph, exact);
    ASSERT_TRUE(ilp);
    ASSERT_TRUE(isValidSchedule(graph, ilp->order));
    EXPECT_TRUE(ilp->provenOptimal);
    EXPECT_EQ(ilp->peakBytes, dp.peakBytes) << "inPlace " << inPlace;
    EXPECT_EQ(ilp->lowerBoundBytes, dp.peakBytes);
    EXPECT_EQ(ilp->timeSteps, graph.numNodes());

    // With shared time steps the program is smaller and proves nothing, but
    // its order is valid and never below the optimum.
    OrderingIlpOptions shared;
    shared.model.inPlace = inPlace;
    std::optional<OrderingIlpResult> olla = solveOrderingIlp(graph, shared);
    ASSERT_TRUE(olla);
    ASSERT_TRUE(isValidSchedule(graph, olla->order));
    EXPECT_GE(olla->peakBytes, dp.peakBytes);
    EXPECT_LE(olla->timeSteps, graph.numNodes());
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, IlpOnRandomGraphs,
                         ::testing::Range<uint64_t>(0, 20));

TEST(OrderingIlp, SchedulerNeverWorseThanWarmStart) {
  RandomGraphOptions options;
  options.numNodes = 40;
  options.edgeProbability = 0.08;
  MemoryGraph graph = buildRandomGraph(11, options);
  for (bool inPlace : {false, true}) {
    ScheduleOptions ilpOptions;
    ilpOptions.algorithm = ScheduleAlgorithm::IntegerProgram;
    ilpOptions.model.inPlace = inPlace;
    ilpOptions.timeLimitSeconds = 2;
    ScheduleResult result = scheduleForMemory(graph, ilpOptions);
    EXPECT_FALSE(checkSchedule(graph, result, ilpOptions.model));
    int64_t bestHeuristic = INT64_MAX;
    for (auto &[name, peak] : result.candidates)
      if (name != "ilp")
        bestHeuristic = std::min(bestHeuristic, peak);
    EXPECT_LE(result.peakBytes, bestHeuristic);
  }
}

} // namespace
