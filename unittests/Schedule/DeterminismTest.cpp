//===- DeterminismTest.cpp - Same input, same answer, under load ----------===//
//
// The default scheduler and packer stop on deterministic work budgets, not on
// the clock: run once on an idle machine and once while spinning threads
// keep every core busy, they must give the same orders and offsets. Only the
// wall-clock safety net could break that, so it is turned off here: on a
// shared machine the spinning threads may slow the solvers down past it.
//
//===----------------------------------------------------------------------===//

#include "memopt/Model/RandomGraphs.h"
#include "memopt/Packing/Packing.h"
#include "memopt/Schedule/Scheduler.h"

#include "gtest/gtest.h"

#include <atomic>
#include <limits>
#include <random>
#include <thread>

using namespace memopt;

namespace {

/// Threads that spin until destroyed, one per hardware thread.
class BusyMachine {
public:
  BusyMachine() {
    unsigned count = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned index = 0; index < count; ++index)
      threads.emplace_back([this] {
        uint64_t sink = 0;
        while (!stop.load(std::memory_order_relaxed))
          sink = sink * 6364136223846793005ULL + 1;
        result.fetch_add(sink, std::memory_order_relaxed);
      });
  }
  ~BusyMachine() {
    stop = true;
    for (std::thread &thread : threads)
      thread.join();
  }

private:
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> result{0};
  std::vector<std::thread> threads;
};

/// A layered random DAG of `numNodes` nodes: each node reads one to three
/// values of the previous few layers.
MemoryGraph layeredGraph(uint64_t seed, unsigned numNodes) {
  std::mt19937_64 random(seed);
  MemoryGraph graph;
  std::vector<unsigned> values;
  unsigned width = 6;
  for (unsigned node = 0; node < numNodes; ++node) {
    unsigned id = graph.addNode("n" + std::to_string(node));
    if (!values.empty()) {
      unsigned reads = 1 + random() % 3;
      size_t window = std::min<size_t>(values.size(), 3 * width);
      for (unsigned read = 0; read < reads; ++read)
        graph.addUse(values[values.size() - 1 - random() % window], id);
    }
    values.push_back(graph.addValue(1024 * (1 + random() % 64), id));
  }
  graph.markEscaping(values.back());
  return graph;
}

/// The buffers of `graph`'s values under `order`, with sizes made odd so
/// that the packer has to search.
PackingProblem buffersOf(const MemoryGraph &graph,
                         llvm::ArrayRef<unsigned> order) {
  std::vector<Lifetime> lifetimes = computeLifetimes(graph, order);
  PackingProblem problem;
  for (unsigned value = 0; value < graph.numValues(); ++value) {
    PackingBuffer buffer;
    buffer.begin = lifetimes[value].start;
    buffer.end = lifetimes[value].end + 1;
    buffer.size = graph.value(value).size + 8 * (value % 5);
    buffer.id = std::to_string(value);
    problem.buffers.push_back(buffer);
  }
  return problem;
}

/// Random intervals of random sizes.
PackingProblem randomPackingProblem(uint64_t seed, unsigned numBuffers) {
  std::mt19937_64 random(seed);
  PackingProblem problem;
  for (unsigned index = 0; index < numBuffers; ++index) {
    PackingBuffer buffer;
    buffer.begin = random() % 200;
    buffer.end = buffer.begin + 1 + random() % 40;
    buffer.size = 1 + random() % 1000;
    buffer.id = std::to_string(index);
    problem.buffers.push_back(buffer);
  }
  return problem;
}

struct Answers {
  std::vector<std::vector<unsigned>> orders;
  std::vector<std::vector<int64_t>> offsets;
  bool stoppedByTimeLimit = false;
};

Answers solveAll(llvm::ArrayRef<MemoryGraph> graphs,
                 llvm::ArrayRef<PackingProblem> packingProblems) {
  Answers answers;
  ScheduleOptions scheduleOptions;
  scheduleOptions.timeLimitSeconds = std::numeric_limits<double>::infinity();
  PackingOptions packingOptions;
  packingOptions.timeLimitSeconds = std::numeric_limits<double>::infinity();
  for (const MemoryGraph &graph : graphs) {
    ScheduleResult schedule = scheduleForMemory(graph, scheduleOptions);
    answers.stoppedByTimeLimit |= schedule.stoppedByTimeLimit;
    PackingResult packing =
        packBuffers(buffersOf(graph, schedule.order), packingOptions);
    answers.stoppedByTimeLimit |= packing.stoppedByTimeLimit;
    answers.orders.push_back(std::move(schedule.order));
    answers.offsets.push_back(std::move(packing.offsets));
  }
  for (const PackingProblem &problem : packingProblems) {
    PackingResult packing = packBuffers(problem, packingOptions);
    answers.stoppedByTimeLimit |= packing.stoppedByTimeLimit;
    answers.offsets.push_back(std::move(packing.offsets));
  }
  return answers;
}

TEST(Determinism, SameOrdersAndOffsetsUnderLoad) {
  std::vector<MemoryGraph> graphs;
  for (auto [seed, numNodes] :
       {std::pair(1u, 120u), std::pair(2u, 200u), std::pair(3u, 300u)})
    graphs.push_back(layeredGraph(seed, numNodes));
  std::vector<PackingProblem> packingProblems;
  for (uint64_t seed : {11, 12})
    packingProblems.push_back(randomPackingProblem(seed, 150));

  Answers idle = solveAll(graphs, packingProblems);
  Answers loaded = [&] {
    BusyMachine busy;
    return solveAll(graphs, packingProblems);
  }();
  EXPECT_FALSE(idle.stoppedByTimeLimit || loaded.stoppedByTimeLimit);
  EXPECT_EQ(idle.orders, loaded.orders);
  EXPECT_EQ(idle.offsets, loaded.offsets);
}

} // namespace
