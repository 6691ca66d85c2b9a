//===- PackingTest.cpp - The packers against brute force and the checker --===//

#include "memopt/Packing/Packing.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

using namespace memopt;

namespace {

constexpr PackingAlgorithm kHeuristics[] = {
    PackingAlgorithm::SizeDescendingBestFit,
    PackingAlgorithm::StartOrderBestFit, PackingAlgorithm::GreedyByConflicts,
    PackingAlgorithm::BestOfAll};

PackingBuffer buffer(int64_t begin, int64_t end, int64_t size,
                     int64_t alignment = 1) {
  static unsigned counter = 0;
  return {begin, end, size, alignment, "b" + std::to_string(counter++)};
}

struct RandomProblemOptions {
  unsigned numBuffers = 6;
  int64_t numSteps = 8;
  int64_t maxSize = 8;
  /// Alignments are drawn from {1, 2, 4, ...} up to this.
  int64_t maxAlignment = 1;
  /// Lets some buffers be empty (size zero or never live).
  bool degenerate = false;
  /// Lets some buffers copy an earlier one (same lifetime, size, alignment).
  bool twins = false;
};

PackingProblem randomProblem(uint64_t seed,
                             const RandomProblemOptions &options) {
  std::mt19937_64 random(seed);
  auto uniform = [&](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random);
  };
  PackingProblem problem;
  for (unsigned i = 0; i < options.numBuffers; ++i) {
    int64_t begin = uniform(0, options.numSteps - 1);
    int64_t end = uniform(begin + 1, options.numSteps);
    int64_t size = uniform(1, options.maxSize);
    int64_t alignment = 1;
    while (alignment < options.maxAlignment && uniform(0, 1))
      alignment *= 2;
    if (options.degenerate && uniform(0, 5) == 0) {
      if (uniform(0, 1))
        size = 0;
      else
        end = begin;
    }
    if (options.twins && i > 0 && uniform(0, 2) == 0) {
      const PackingBuffer &original = problem.buffers[uniform(0, i - 1)];
      begin = original.begin;
      end = original.end;
      size = original.size;
      alignment = original.alignment;
    }
    problem.buffers.push_back(
        {begin, end, size, alignment, "r" + std::to_string(i)});
  }
  return problem;
}

/// The smallest arena, by brute force: placing buffers one by one at the
/// lowest aligned offset where they fit, in the order of their offsets in an
/// optimal packing, reproduces that packing or a lower one, so the best over
/// all orders is optimal.
int64_t bruteForceArena(const PackingProblem &problem) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  std::vector<unsigned> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  int64_t best = std::numeric_limits<int64_t>::max();
  do {
    std::vector<int64_t> offsets(buffers.size(), 0);
    int64_t arena = 0;
    for (unsigned i = 0; i < order.size(); ++i) {
      const PackingBuffer &current = buffers[order[i]];
      if (current.size == 0 || current.begin == current.end)
        continue;
      for (int64_t offset = 0;; offset += current.alignment) {
        bool clashes = false;
        for (unsigned j = 0; j < i && !clashes; ++j) {
          const PackingBuffer &other = buffers[order[j]];
          clashes = other.size > 0 && other.begin < other.end &&
                    other.begin < current.end && current.begin < other.end &&
                    offsets[order[j]] < offset + current.size &&
                    offset < offsets[order[j]] + other.size;
        }
        if (!clashes) {
          offsets[order[i]] = offset;
          arena = std::max(arena, offset + current.size);
          break;
        }
      }
    }
    best = std::min(best, arena);
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

/// The smallest arena by trying every offset of every buffer below the sum of
/// sizes and alignments (stacking them all fits there), for tiny problems:
/// checks the claim behind `bruteForceArena`.
int64_t everyOffsetArena(const PackingProblem &problem) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  int64_t limit = 0;
  for (const PackingBuffer &buffer : buffers)
    limit += buffer.size + buffer.alignment;
  std::vector<int64_t> offsets(buffers.size(), 0);
  int64_t best = std::numeric_limits<int64_t>::max();
  std::function<void(unsigned, int64_t)> assign = [&](unsigned index,
                                                      int64_t arena) {
    if (arena >= best)
      return;
    if (index == buffers.size()) {
      best = arena;
      return;
    }
    const PackingBuffer &current = buffers[index];
    if (current.size == 0 || current.begin == current.end)
      return assign(index + 1, arena);
    for (int64_t offset = 0; offset + current.size <= limit;
         offset += current.alignment) {
      bool clashes = false;
      for (unsigned other = 0; other < index && !clashes; ++other)
        clashes = buffers[other].size > 0 &&
                  buffers[other].begin < buffers[other].end &&
                  buffers[other].begin < current.end &&
                  current.begin < buffers[other].end &&
                  offsets[other] < offset + current.size &&
                  offset < offsets[other] + buffers[other].size;
      if (clashes)
        continue;
      offsets[index] = offset;
      assign(index + 1, std::max(arena, offset + current.size));
    }
  };
  assign(0, 0);
  return best;
}

TEST(Packing, BruteForcesAgree) {
  for (uint64_t seed = 0; seed < 60; ++seed) {
    PackingProblem problem =
        randomProblem(seed, {5, 5, 5, seed % 2 ? 4 : 1, true, seed % 3 == 0});
    EXPECT_EQ(bruteForceArena(problem), everyOffsetArena(problem))
        << "seed " << seed;
  }
}

void expectValid(const PackingProblem &problem, const PackingResult &result) {
  std::optional<std::string> violation = checkPacking(problem, result);
  EXPECT_FALSE(violation) << *violation;
  EXPECT_GE(result.arenaBytes, result.lowerBoundBytes);
}

TEST(Packing, ReadmeExampleOfMiniMalloc) {
  std::string error;
  std::optional<PackingProblem> problem = readMiniMallocCsv(
      "id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\nb3,0,9,4\nb4,9,21,4\n"
      "b5,0,21,4\n",
      error);
  ASSERT_TRUE(problem) << error;
  problem->capacity = 12;
  EXPECT_EQ(maxLiveBytes(*problem), 12);
  for (PackingAlgorithm algorithm :
       {PackingAlgorithm::Exact, PackingAlgorithm::Auto}) {
    PackingOptions options;
    options.algorithm = algorithm;
    PackingResult result = packBuffers(*problem, options);
    expectValid(*problem, result);
    EXPECT_EQ(result.arenaBytes, 12);
    EXPECT_EQ(result.status, PackingStatus::Optimal);
  }
}

TEST(Packing, HandPackedGapIsReused) {
  // a and c never meet, so c reuses a's bytes under b.
  PackingProblem problem;
  problem.buffers = {buffer(0, 2, 10), buffer(1, 4, 10), buffer(3, 5, 10)};
  for (PackingAlgorithm algorithm : kHeuristics) {
    PackingOptions options;
    options.algorithm = algorithm;
    PackingResult result = packBuffers(problem, options);
    expectValid(problem, result);
    EXPECT_EQ(result.arenaBytes, 20)
        << getPackingAlgorithmName(algorithm).str();
    EXPECT_EQ(result.status, PackingStatus::Optimal);
  }
}

TEST(Packing, EmptyAndDegenerateBuffers) {
  PackingProblem problem;
  PackingResult empty = packBuffers(problem);
  EXPECT_EQ(empty.arenaBytes, 0);
  EXPECT_EQ(empty.status, PackingStatus::Optimal);
  problem.buffers = {buffer(0, 4, 0), buffer(2, 2, 7), buffer(0, 4, 5)};
  PackingResult result = packBuffers(problem);
  expectValid(problem, result);
  EXPECT_EQ(result.arenaBytes, 5);
  EXPECT_EQ(maxLiveBytes(problem), 5);
}

TEST(Packing, AlignmentIsHonoured) {
  // Three 3-byte buffers live together, each aligned to 4, leave 1-byte
  // holes that the 2-byte buffer cannot use: 13 bytes, above the bound.
  PackingProblem problem;
  problem.buffers = {buffer(0, 2, 3, 4), buffer(0, 2, 3, 4), buffer(0, 2, 3, 4),
                     buffer(1, 3, 2, 1)};
  EXPECT_EQ(maxLiveBytes(problem), 11);
  for (PackingAlgorithm algorithm :
       {PackingAlgorithm::SizeDescendingBestFit,
        PackingAlgorithm::StartOrderBestFit,
        PackingAlgorithm::GreedyByConflicts, PackingAlgorithm::Exact}) {
    PackingOptions options;
    options.algorithm = algorithm;
    PackingResult result = packBuffers(problem, options);
    expectValid(problem, result);
    for (unsigned i = 0; i < 3; ++i)
      EXPECT_EQ(result.offsets[i] % 4, 0);
  }
  PackingOptions exact;
  exact.algorithm = PackingAlgorithm::Exact;
  EXPECT_EQ(packBuffers(problem, exact).arenaBytes, 13);
  EXPECT_EQ(bruteForceArena(problem), 13);
}

TEST(Packing, CheckerFindsViolations) {
  PackingProblem problem;
  problem.buffers = {buffer(0, 2, 4, 2), buffer(1, 3, 4)};
  problem.capacity = 8;
  PackingResult result;
  result.offsets = {0, 4};
  result.arenaBytes = 8;
  result.lowerBoundBytes = 8;
  result.status = PackingStatus::Optimal;
  EXPECT_FALSE(checkPacking(problem, result));
  result.offsets = {0, 2};
  EXPECT_TRUE(checkPacking(problem, result));
  result.offsets = {1, 4};
  result.arenaBytes = 9;
  EXPECT_TRUE(checkPacking(problem, result));
  result.offsets = {4, 0};
  result.arenaBytes = 8;
  EXPECT_FALSE(checkPacking(problem, result));
  result.arenaBytes = 7;
  EXPECT_TRUE(checkPacking(problem, result));
  result.arenaBytes = 12;
  result.offsets = {8, 0};
  EXPECT_TRUE(checkPacking(problem, result)); // exceeds the capacity
  result.status = PackingStatus::Timeout;
  EXPECT_FALSE(checkPacking(problem, result));
  result.offsets = {0};
  EXPECT_TRUE(checkPacking(problem, result));
}

TEST(Packing, CapacityDecidesTheStatus) {
  PackingProblem problem;
  problem.buffers = {buffer(0, 2, 2), buffer(1, 3, 2), buffer(0, 1, 2),
                     buffer(2, 3, 4), buffer(0, 3, 2)};
  EXPECT_EQ(maxLiveBytes(problem), 8);
  EXPECT_EQ(bruteForceArena(problem), 8);
  PackingOptions options;
  problem.capacity = 8;
  PackingResult fits = packBuffers(problem, options);
  expectValid(problem, fits);
  EXPECT_EQ(fits.status, PackingStatus::Optimal);
  problem.capacity = 7;
  for (PackingAlgorithm algorithm :
       {PackingAlgorithm::SizeDescendingBestFit, PackingAlgorithm::Exact,
        PackingAlgorithm::Auto}) {
    options.algorithm = algorithm;
    PackingResult tooSmall = packBuffers(problem, options);
    expectValid(problem, tooSmall);
    EXPECT_EQ(tooSmall.status, PackingStatus::Infeasible);
    EXPECT_EQ(tooSmall.arenaBytes, 8);
  }
}

TEST(Packing, CsvRoundTrip) {
  PackingProblem problem = randomProblem(7, {20, 30, 100, 8, true, false});
  PackingOptions options;
  options.algorithm = PackingAlgorithm::BestOfAll;
  PackingResult result = packBuffers(problem, options);
  std::string text = writeMiniMallocCsv(problem, &result);
  EXPECT_EQ(text.rfind("id,lower,upper,size,alignment,offset\n", 0), 0u);
  std::string error;
  std::optional<PackingProblem> read = readMiniMallocCsv(text, error);
  ASSERT_TRUE(read) << error;
  ASSERT_EQ(read->buffers.size(), problem.buffers.size());
  for (auto [original, copy] :
       llvm::zip_equal(problem.buffers, read->buffers)) {
    EXPECT_EQ(original.id, copy.id);
    EXPECT_EQ(original.begin, copy.begin);
    EXPECT_EQ(original.end, copy.end);
    EXPECT_EQ(original.size, copy.size);
    EXPECT_EQ(original.alignment, copy.alignment);
  }
  EXPECT_EQ(writeMiniMallocCsv(*read, &result), text);
  PackingProblem unaligned;
  unaligned.buffers = {buffer(0, 3, 4)};
  EXPECT_EQ(writeMiniMallocCsv(unaligned).find("alignment"), std::string::npos);
}

TEST(Packing, CsvErrorsSayWhere) {
  std::string error;
  EXPECT_FALSE(readMiniMallocCsv("id,lower,upper\n", error));
  EXPECT_NE(error.find("missing column 'size'"), std::string::npos) << error;
  EXPECT_FALSE(readMiniMallocCsv("id,lower,upper,size\nb,0,x,4\n", error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_FALSE(readMiniMallocCsv("id,lower,upper,size,gaps\n", error));
  EXPECT_NE(error.find("unknown column 'gaps'"), std::string::npos) << error;
  EXPECT_FALSE(readMiniMallocCsv("id,lower,upper,size\nb,5,2,4\n", error));
  EXPECT_NE(error.find("ends before it begins"), std::string::npos) << error;
  EXPECT_FALSE(readMiniMallocCsv("id,lower,upper,size\nb,0,2\n", error));
  EXPECT_FALSE(readMiniMallocCsv("", error));
  EXPECT_FALSE(readMiniMallocCsv("id,lower,upper,size,lower\n", error));
  EXPECT_NE(error.find("column 'lower' appears twice"), std::string::npos)
      << error;
  EXPECT_FALSE(
      readMiniMallocCsv("id,lower,upper,size\nb,0,2,4\nb,1,3,4\n", error));
  EXPECT_NE(error.find("line 3: id 'b' appears twice"), std::string::npos)
      << error;
  std::optional<PackingProblem> windows =
      readMiniMallocCsv("size,upper,id,lower\r\n4,3,b1,0\r\n\r\n", error);
  ASSERT_TRUE(windows) << error;
  EXPECT_EQ(windows->buffers[0].end, 3);
  EXPECT_EQ(windows->buffers[0].id, "b1");
}

TEST(Packing, AlgorithmNamesRoundTrip) {
  for (PackingAlgorithm algorithm :
       {PackingAlgorithm::SizeDescendingBestFit,
        PackingAlgorithm::StartOrderBestFit,
        PackingAlgorithm::GreedyByConflicts, PackingAlgorithm::BestOfAll,
        PackingAlgorithm::Exact, PackingAlgorithm::Auto})
    EXPECT_EQ(parsePackingAlgorithm(getPackingAlgorithmName(algorithm)),
              algorithm);
  EXPECT_FALSE(parsePackingAlgorithm("fastest"));
}

class RandomPackingTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(RandomPackingTest, HeuristicsPassTheChecker) {
  for (int64_t maxAlignment : {1, 8}) {
    PackingProblem problem =
        randomProblem(GetParam(), {60, 40, 64, maxAlignment, true, true});
    for (PackingAlgorithm algorithm : kHeuristics) {
      PackingOptions options;
      options.algorithm = algorithm;
      PackingResult result = packBuffers(problem, options);
      expectValid(problem, result);
      EXPECT_EQ(result.lowerBoundBytes, maxLiveBytes(problem));
    }
  }
}

TEST_P(RandomPackingTest, ExactEqualsBruteForce) {
  for (int64_t maxAlignment : {1, 4}) {
    PackingProblem problem =
        randomProblem(GetParam(), {7, 6, 8, maxAlignment, GetParam() % 4 == 0,
                                   GetParam() % 3 == 0});
    int64_t optimal = bruteForceArena(problem);
    PackingOptions options;
    options.algorithm = PackingAlgorithm::Exact;
    PackingResult result = packBuffers(problem, options);
    expectValid(problem, result);
    EXPECT_EQ(result.arenaBytes, optimal);
    EXPECT_EQ(result.status, PackingStatus::Optimal);

    // Decides feasibility at the optimum and just below it.
    problem.capacity = optimal - 1;
    options.algorithm = PackingAlgorithm::Auto;
    EXPECT_EQ(packBuffers(problem, options).status, PackingStatus::Infeasible);
    problem.capacity = optimal;
    PackingResult fits = packBuffers(problem, options);
    expectValid(problem, fits);
    EXPECT_LE(fits.arenaBytes, optimal);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomPackingTest,
                         ::testing::Range<uint64_t>(0, 150));

TEST(Packing, ExactImprovesOnTheHeuristics) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    PackingProblem problem = randomProblem(seed, {40, 30, 64, 1, false, true});
    PackingOptions options;
    options.algorithm = PackingAlgorithm::BestOfAll;
    PackingResult heuristic = packBuffers(problem, options);
    options.algorithm = PackingAlgorithm::Exact;
    options.timeLimitSeconds = 1;
    PackingResult exact = packBuffers(problem, options);
    expectValid(problem, exact);
    EXPECT_LE(exact.arenaBytes, heuristic.arenaBytes) << "seed " << seed;
    if (exact.status == PackingStatus::Feasible)
      EXPECT_EQ(exact.candidates.back().first, "exact") << "seed " << seed;
    else
      EXPECT_EQ(exact.status, PackingStatus::Optimal) << "seed " << seed;
  }
}

TEST(Packing, ScaledProblemsSolveLikeTheOriginal) {
  // Offsets that differ only in high bits must not look alike to the table
  // of failed states: scaled by 2^34, every problem must end as it does
  // unscaled.
  for (uint64_t seed = 0; seed < 20; ++seed) {
    PackingProblem problem = randomProblem(seed, {40, 30, 64, 1, false, true});
    PackingProblem scaled = problem;
    for (PackingBuffer &buffer : scaled.buffers)
      buffer.size <<= 34;
    PackingOptions options;
    options.algorithm = PackingAlgorithm::Exact;
    PackingResult original = packBuffers(problem, options);
    PackingResult bigger = packBuffers(scaled, options);
    expectValid(scaled, bigger);
    if (original.status != PackingStatus::Optimal)
      continue;
    EXPECT_EQ(bigger.status, PackingStatus::Optimal) << "seed " << seed;
    EXPECT_EQ(bigger.arenaBytes, original.arenaBytes << 34) << "seed " << seed;
  }
}

TEST(Packing, OverflowingProblemsAreRejected) {
  int64_t quarter = int64_t(1) << 62;
  PackingProblem problem;
  for (int copy = 0; copy < 3; ++copy)
    problem.buffers.push_back(buffer(0, 2, quarter));
  std::optional<std::string> error = verifyPackingProblem(problem);
  ASSERT_TRUE(error);
  EXPECT_NE(error->find("2^62"), std::string::npos) << *error;
  for (PackingAlgorithm algorithm :
       {PackingAlgorithm::SizeDescendingBestFit, PackingAlgorithm::Auto}) {
    PackingOptions options;
    options.algorithm = algorithm;
    PackingResult result = packBuffers(problem, options);
    EXPECT_EQ(result.status, PackingStatus::Invalid);
    EXPECT_EQ(result.error, *error);
    EXPECT_TRUE(result.offsets.empty());
    EXPECT_TRUE(checkPacking(problem, result));
  }

  // Alignment padding counts too.
  PackingProblem aligned;
  aligned.buffers = {buffer(0, 2, 8), buffer(0, 2, 8, quarter)};
  EXPECT_TRUE(verifyPackingProblem(aligned));
  aligned.buffers.back().alignment = quarter / 2;
  EXPECT_FALSE(verifyPackingProblem(aligned));
  PackingOptions options;
  options.algorithm = PackingAlgorithm::Exact;
  expectValid(aligned, packBuffers(aligned, options));

  // Lifetimes whose length overflows.
  PackingProblem forever;
  forever.buffers = {buffer(std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max(), 8)};
  EXPECT_TRUE(verifyPackingProblem(forever));
}

TEST(Packing, OptionsAreRangeChecked) {
  PackingOptions options;
  EXPECT_FALSE(verifyPackingOptions(options));
  options.timeLimitSeconds = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(verifyPackingOptions(options));
  options.timeLimitSeconds = std::nan("");
  EXPECT_TRUE(verifyPackingOptions(options));
  options.timeLimitSeconds = 0;
  EXPECT_TRUE(verifyPackingOptions(options));
  options.timeLimitSeconds = 1;
  options.effort = 0;
  EXPECT_TRUE(verifyPackingOptions(options));
  options.effort = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(verifyPackingOptions(options));

  PackingProblem problem;
  problem.buffers = {buffer(0, 2, 3, 4), buffer(0, 2, 3, 4), buffer(0, 2, 3, 4),
                     buffer(0, 2, 2)};
  options.effort = std::nan("");
  EXPECT_EQ(packBuffers(problem, options).status, PackingStatus::Invalid);
  // No wall-clock limit: the search still runs on its node budget.
  options.effort = 1;
  options.algorithm = PackingAlgorithm::Exact;
  for (double seconds : {1e10, std::numeric_limits<double>::infinity()}) {
    options.timeLimitSeconds = seconds;
    PackingResult result = packBuffers(problem, options);
    expectValid(problem, result);
    EXPECT_EQ(result.arenaBytes, 13);
    EXPECT_EQ(result.status, PackingStatus::Optimal);
    EXPECT_FALSE(result.stoppedByTimeLimit);
  }
}

TEST(Packing, TinyTimeLimitIsReported) {
  PackingProblem problem = randomProblem(3, {300, 100, 1000, 1, false, false});
  PackingOptions options;
  options.algorithm = PackingAlgorithm::Exact;
  options.effort = 1000;
  options.timeLimitSeconds = 1e-3;
  PackingResult result = packBuffers(problem, options);
  expectValid(problem, result);
  if (result.status != PackingStatus::Optimal) {
    EXPECT_TRUE(result.stoppedByTimeLimit);
  }
}

/// Where the MiniMalloc instances are, or nothing.
std::optional<std::string> sharedPackingDir() {
  std::string root = MEMOPT_DEFAULT_SHARED_DIR;
  if (const char *overridden = std::getenv("MEMOPT_SHARED_DIR"))
    root = overridden;
  std::string dir = root + "/instances/packing";
  if (!llvm::MemoryBuffer::getFile(dir + "/K.1048576.csv"))
    return std::nullopt;
  return dir;
}

TEST(Packing, MiniMallocChallengingInstancesFit) {
  std::optional<std::string> dir = sharedPackingDir();
  if (!dir)
    GTEST_SKIP() << "MiniMalloc instances not found; set MEMOPT_SHARED_DIR";
  for (const char *name : {"C", "G", "K"}) {
    auto file = llvm::MemoryBuffer::getFile(*dir + "/" + name + ".1048576.csv");
    ASSERT_TRUE(file);
    std::string error;
    std::optional<PackingProblem> problem =
        readMiniMallocCsv((*file)->getBuffer(), error);
    ASSERT_TRUE(problem) << error;
    problem->capacity = 1048576;
    PackingOptions options;
    options.timeLimitSeconds = 20;
    PackingResult result = packBuffers(*problem, options);
    expectValid(*problem, result);
    EXPECT_LE(result.arenaBytes, 1048576) << name;
    EXPECT_NE(result.status, PackingStatus::Timeout) << name;
  }
}

} // namespace
