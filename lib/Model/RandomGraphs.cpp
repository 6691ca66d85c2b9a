//===- RandomGraphs.cpp - Random memory graphs for tests ------------------===//

#include "memopt/Model/RandomGraphs.h"

#include <random>

using namespace memopt;

MemoryGraph memopt::buildRandomGraph(uint64_t seed,
                                     const RandomGraphOptions &options) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::uniform_int_distribution<int64_t> size(options.minSize,
                                              options.maxSize);
  MemoryGraph graph;
  std::vector<unsigned> arguments;
  for (unsigned i = 0; i < options.numArguments; ++i)
    arguments.push_back(graph.addValue(size(rng), std::nullopt,
                                       /*resident=*/true,
                                       "arg" + std::to_string(i)));
  std::vector<std::vector<unsigned>> resultsOf;
  for (unsigned id = 0; id < options.numNodes; ++id) {
    unsigned node = graph.addNode("n" + std::to_string(id),
                                  coin(rng) < options.inPlaceProbability);
    bool hasInput = false;
    for (unsigned pred = 0; pred < id; ++pred) {
      if (coin(rng) >= options.edgeProbability)
        continue;
      const std::vector<unsigned> &results = resultsOf[pred];
      graph.addUse(results[rng() % results.size()], node);
      hasInput = true;
    }
    // Keep the graph connected to earlier nodes most of the time.
    if (!hasInput && id > 0 && coin(rng) < 0.7) {
      const std::vector<unsigned> &results = resultsOf[rng() % id];
      graph.addUse(results[rng() % results.size()], node);
    }
    if (!arguments.empty() && coin(rng) < 0.3)
      graph.addUse(arguments[rng() % arguments.size()], node);
    std::vector<unsigned> results;
    results.push_back(graph.addValue(size(rng), node));
    if (coin(rng) < options.secondResultProbability)
      results.push_back(graph.addValue(size(rng), node));
    resultsOf.push_back(results);
    for (unsigned pred = 0; pred < id; ++pred)
      if (coin(rng) < options.orderingEdgeProbability)
        graph.addOrderingEdge(pred, node);
  }
  // The results that nobody reads are the block's outputs.
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    if (value.producer && value.users.empty() && coin(rng) < 0.5)
      graph.markEscaping(id);
  }
  return graph;
}
