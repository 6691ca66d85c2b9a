//===- RematGraphImportTest.cpp - Checkmate and Moccasin graphs -----------===//

#include "memopt/Schedule/RematGraphImport.h"

#include "memopt/Schedule/Scheduler.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cstdlib>

using namespace memopt;

namespace {

/// The remat-graphs directory of the shared instances: $MEMOPT_SHARED_DIR,
/// else ../shared beside the source tree.
std::optional<std::string> rematGraphDirectory() {
  std::vector<std::string> roots;
  if (const char *shared = std::getenv("MEMOPT_SHARED_DIR"))
    roots.push_back(shared);
  roots.push_back(MEMOPT_SOURCE_DIR "/../shared");
  for (const std::string &root : roots) {
    llvm::SmallString<256> path(root);
    llvm::sys::path::append(path, "instances", "remat-graphs");
    if (llvm::sys::fs::is_directory(path))
      return std::string(path);
  }
  return std::nullopt;
}

std::optional<RematGraph> loadShared(llvm::StringRef file) {
  std::optional<std::string> directory = rematGraphDirectory();
  if (!directory)
    return std::nullopt;
  llvm::SmallString<256> path(*directory);
  llvm::sys::path::append(path, file);
  llvm::Expected<RematGraph> graph = loadRematGraph(path);
  if (!graph) {
    ADD_FAILURE() << llvm::toString(graph.takeError());
    return std::nullopt;
  }
  return std::move(*graph);
}

TEST(RematGraphImport, ParsesBothDialects) {
  const char *checkmate = R"({"directed": true, "multigraph": false,
    "graph": {"name": "tiny"},
    "nodes": [{"name": "a", "backward": false, "cost_cpu": 3,
               "cost_ram": 10, "id": 0},
              {"name": "b", "backward": false, "cost_cpu": 4,
               "cost_ram": 20, "id": 1},
              {"name": "c", "backward": true, "cost_cpu": 5,
               "cost_ram": 5, "id": 2}],
    "links": [{"source": 0, "target": 1}, {"source": 0, "target": 2},
              {"source": 1, "target": 2}]})";
  llvm::Expected<RematGraph> a = parseRematGraph(checkmate);
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  EXPECT_EQ(a->name, "tiny");
  EXPECT_EQ(a->graph.numNodes(), 3u);
  EXPECT_EQ(a->numEdges, 3u);
  EXPECT_EQ(a->computeCosts, (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(computeProfile(a->graph, inputOrder(a->graph)).peakBytes, 35);

  // Positions are ids; graph.order gives the input order.
  const char *layered = R"({"directed": true, "multigraph": false,
    "graph": {"name": "layered", "order": [0, 2, 1]},
    "nodes": [{"out_cost": 7, "param_cost": 0, "duration": 0, "name": 0},
              {"out_cost": 3, "param_cost": 0, "duration": 0, "name": 1},
              {"out_cost": 5, "param_cost": 0, "duration": 9, "name": 2}],
    "links": [{"0": 0, "1": 2}, {"0": 2, "1": 1}]})";
  llvm::Expected<RematGraph> b = parseRematGraph(layered);
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  EXPECT_EQ(b->fileIds, (std::vector<int64_t>{0, 2, 1}));
  EXPECT_EQ(b->graph.value(1).size, 5);
  EXPECT_EQ(computeProfile(b->graph, inputOrder(b->graph)).peakBytes, 12);
}

TEST(RematGraphImport, RejectsBrokenFiles) {
  EXPECT_FALSE(bool(parseRematGraph("[1, 2]")));
  llvm::consumeError(parseRematGraph("[1, 2]").takeError());
  llvm::Expected<RematGraph> cyclic = parseRematGraph(R"({"graph": {},
    "nodes": [{"out_cost": 1}, {"out_cost": 1}],
    "links": [{"0": 0, "1": 1}, {"0": 1, "1": 0}]})");
  ASSERT_FALSE(bool(cyclic));
  EXPECT_NE(llvm::toString(cyclic.takeError()).find("topological"),
            std::string::npos);
  llvm::Expected<RematGraph> badOrder = parseRematGraph(R"({"graph":
    {"order": [0, 0]}, "nodes": [{"out_cost": 1}, {"out_cost": 1}],
    "links": []})");
  ASSERT_FALSE(bool(badOrder));
  llvm::consumeError(badOrder.takeError());
}

struct Reference {
  const char *file;
  unsigned nodes, edges;
  int64_t totalBytes, peak, maxDegreeBytes;
};

/// The reference table of remat-graphs-schema.md.
const Reference kReferences[] = {
    {"MobileNet_b512_224x224_test.json", 92, 91, 34507970560, 3317825536,
     3317825536},
    {"MobileNet_b512_224x224_train.json", 185, 367, 69015943168, 34701056000,
     6635651072},
    {"ResNet50_b256_224x224_test.json", 176, 191, 37856956416, 2466250752,
     2466250752},
    {"ResNet50_b256_224x224_train.json", 353, 751, 75713913856, 38059356160,
     3699376128},
    {"VGG16_b256_224x224_test.json", 22, 21, 15474860032, 6576668672,
     6576668672},
    {"VGG16_b256_224x224_train.json", 45, 87, 30949721088, 15825108992,
     13153337344},
    {"VGG19_b256_224x224_test.json", 25, 24, 16810745856, 6576668672,
     6576668672},
    {"VGG19_b256_224x224_train.json", 51, 99, 33621492736, 17058234368,
     13153337344},
    {"fcn_8_vgg_b32_416x608_test.json", 36, 37, 12214396544, 4143972352,
     4143972352},
    {"fcn_8_vgg_b32_416x608_train.json", 73, 149, 24428793216, 13484795520,
     8287944704},
    {"segnet_b32_416x608_test.json", 38, 37, 19352389120, 4143972352,
     4143972352},
    {"segnet_b32_416x608_train.json", 77, 151, 38704778368, 19943884288,
     8287944704},
    {"vgg_unet_b32_416x608_test.json", 35, 37, 19323551744, 4143972352,
     4143972352},
    {"vgg_unet_b32_416x608_train.json", 71, 148, 38647103616, 20959461376,
     8287944704},
    {"random_layered_n100_w0.27_nlv0.75_ed0.2_scd0.14.json", 100, 236, 204108,
     46319, 20020},
    {"random_layered_n250_w0.43_nlv0.75_ed0.2_scd0.14.json", 250, 944, 510859,
     146840, 87600},
    {"random_layered_n500_w0.36_nlv0.75_ed0.2_scd0.14.json", 500, 2461, 1008826,
     284439, 49399},
    {"random_layered_n1000_w0.31_nlv0.75_ed0.2_scd0.14.json", 1000, 5875,
     1953852, 608619, 48950},
};

TEST(RematGraphImport, MatchesReferencePeaks) {
  if (!rematGraphDirectory())
    GTEST_SKIP() << "shared instances not found; set MEMOPT_SHARED_DIR";
  for (const Reference &reference : kReferences) {
    SCOPED_TRACE(reference.file);
    std::optional<RematGraph> imported = loadShared(reference.file);
    ASSERT_TRUE(imported);
    const MemoryGraph &graph = imported->graph;
    EXPECT_EQ(graph.numNodes(), reference.nodes);
    EXPECT_EQ(imported->numEdges, reference.edges);
    int64_t total = 0;
    for (const MemoryGraph::Value &value : graph.getValues())
      total += value.size;
    EXPECT_EQ(total, reference.totalBytes);
    EXPECT_EQ(computeProfile(graph, inputOrder(graph)).peakBytes,
              reference.peak);
    EXPECT_EQ(largestWorkingSet(graph), reference.maxDegreeBytes);
  }
}

TEST(RematGraphImport, DynamicProgrammingProvesRandomLayeredOptimum) {
  if (!rematGraphDirectory())
    GTEST_SKIP() << "shared instances not found; set MEMOPT_SHARED_DIR";
  std::optional<RematGraph> imported =
      loadShared("random_layered_n100_w0.27_nlv0.75_ed0.2_scd0.14.json");
  ASSERT_TRUE(imported);
  ScheduleOptions options;
  options.algorithm = ScheduleAlgorithm::DynamicProgramming;
  options.timeLimitSeconds = 30;
  ScheduleResult result = scheduleForMemory(imported->graph, options);
  EXPECT_FALSE(checkSchedule(imported->graph, result, options.model));
  EXPECT_EQ(result.inputPeakBytes, 46319);
  EXPECT_EQ(result.peakBytes, 36790);
  EXPECT_EQ(result.status, ScheduleStatus::Optimal);
}

} // namespace
