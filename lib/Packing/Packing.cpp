//===- Packing.cpp - Packing driver, lower bound and checker --------------===//

#include "PackingInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

using namespace memopt;
using namespace memopt::packing;

llvm::StringRef memopt::getPackingAlgorithmName(PackingAlgorithm algorithm) {
  switch (algorithm) {
  case PackingAlgorithm::SizeDescendingBestFit:
    return "size-best-fit";
  case PackingAlgorithm::StartOrderBestFit:
    return "start-best-fit";
  case PackingAlgorithm::GreedyByConflicts:
    return "conflicts";
  case PackingAlgorithm::BestOfAll:
    return "best";
  case PackingAlgorithm::Exact:
    return "exact";
  case PackingAlgorithm::Auto:
    return "auto";
  }
  llvm_unreachable("unknown packing algorithm");
}

std::optional<PackingAlgorithm>
memopt::parsePackingAlgorithm(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<PackingAlgorithm>>(name)
      .Case("size-best-fit", PackingAlgorithm::SizeDescendingBestFit)
      .Case("start-best-fit", PackingAlgorithm::StartOrderBestFit)
      .Case("conflicts", PackingAlgorithm::GreedyByConflicts)
      .Case("best", PackingAlgorithm::BestOfAll)
      .Case("exact", PackingAlgorithm::Exact)
      .Case("auto", PackingAlgorithm::Auto)
      .Default(std::nullopt);
}

llvm::StringRef memopt::getPackingStatusName(PackingStatus status) {
  switch (status) {
  case PackingStatus::Optimal:
    return "optimal";
  case PackingStatus::Feasible:
    return "feasible";
  case PackingStatus::Infeasible:
    return "infeasible";
  case PackingStatus::Timeout:
    return "timeout";
  case PackingStatus::Invalid:
    return "invalid";
  }
  llvm_unreachable("unknown packing status");
}

std::optional<std::string>
memopt::verifyPackingProblem(const PackingProblem &problem) {
  // Every offset a packer computes is at most the sum of the sizes plus the
  // padding that alignment may add before each buffer: bounding that sum
  // keeps every offset + size within int64_t.
  int64_t worstArena = 0;
  for (const PackingBuffer &buffer : problem.buffers) {
    std::string name = "buffer '" + buffer.id + "'";
    if (buffer.size < 0)
      return name + " has a negative size";
    if (buffer.alignment < 1)
      return name + " has an alignment below one";
    if (buffer.end < buffer.begin)
      return name + " ends before it begins";
    if (!llvm::checkedSub(buffer.end, buffer.begin))
      return name + " has a lifetime too long to count in 64 bits";
    std::optional<int64_t> padded =
        llvm::checkedAdd(buffer.size, buffer.alignment - 1);
    std::optional<int64_t> total =
        padded ? llvm::checkedAdd(worstArena, *padded) : std::nullopt;
    if (!total || *total > kMaxArenaBytes)
      return name + ": the sizes and alignments up to it may need more than "
                    "2^62 bytes";
    worstArena = *total;
  }
  if (problem.capacity && *problem.capacity < 0)
    return std::string("the capacity is negative");
  return std::nullopt;
}

std::optional<std::string>
memopt::verifyPackingOptions(const PackingOptions &options) {
  if (std::isnan(options.timeLimitSeconds))
    return std::string("the time limit is not a number");
  if (options.timeLimitSeconds <= 0)
    return std::string("the time limit must be positive");
  if (!std::isfinite(options.effort) || options.effort <= 0)
    return std::string("the effort must be positive and finite");
  return std::nullopt;
}

TimeOverlaps::TimeOverlaps(const PackingProblem &problem) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  std::vector<unsigned> byBegin = occupyingBuffersByBegin(problem);
  // Buffers that start while a buffer is live are exactly those, among the
  // later ones by start, that overlap it: count, then fill.
  std::vector<size_t> count(buffers.size() + 1, 0);
  auto forEachPair = [&](auto visit) {
    for (size_t i = 0; i < byBegin.size(); ++i)
      for (size_t j = i + 1; j < byBegin.size() && buffers[byBegin[j]].begin <
                                                       buffers[byBegin[i]].end;
           ++j)
        visit(byBegin[i], byBegin[j]);
  };
  forEachPair([&](unsigned a, unsigned b) {
    ++count[a];
    ++count[b];
  });
  start.assign(buffers.size() + 1, 0);
  for (size_t index = 0; index < buffers.size(); ++index)
    start[index + 1] = start[index] + count[index];
  neighbours.resize(start.back());
  std::vector<size_t> next(start.begin(), start.end() - 1);
  forEachPair([&](unsigned a, unsigned b) {
    neighbours[next[a]++] = b;
    neighbours[next[b]++] = a;
  });
}

std::vector<unsigned>
memopt::packing::occupyingBuffersByBegin(const PackingProblem &problem) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  std::vector<unsigned> byBegin;
  for (unsigned index = 0; index < buffers.size(); ++index)
    if (occupiesMemory(buffers[index]))
      byBegin.push_back(index);
  llvm::sort(byBegin, [&](unsigned a, unsigned b) {
    return buffers[a].begin < buffers[b].begin;
  });
  return byBegin;
}

int64_t memopt::maxLiveBytes(const PackingProblem &problem) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  std::vector<unsigned> byBegin = occupyingBuffersByBegin(problem);
  bool aligned = llvm::any_of(buffers, [](const PackingBuffer &buffer) {
    return buffer.alignment > 1;
  });

  // The live set right after each distinct begin step holds every maximum.
  std::vector<unsigned> live;
  int64_t liveBytes = 0, bound = 0;
  for (size_t next = 0; next < byBegin.size();) {
    int64_t step = buffers[byBegin[next]].begin;
    llvm::erase_if(live, [&](unsigned index) {
      if (buffers[index].end > step)
        return false;
      liveBytes -= buffers[index].size;
      return true;
    });
    for (; next < byBegin.size() && buffers[byBegin[next]].begin == step;
         ++next) {
      live.push_back(byBegin[next]);
      liveBytes += buffers[byBegin[next]].size;
    }
    if (!aligned) {
      bound = std::max(bound, liveBytes);
      continue;
    }
    // Whichever buffer lies highest starts above all the others, at an
    // offset aligned for it.
    int64_t needed = std::numeric_limits<int64_t>::max();
    for (unsigned index : live) {
      const PackingBuffer &top = buffers[index];
      needed = std::min(needed, alignUp(liveBytes - top.size, top.alignment) +
                                    top.size);
    }
    bound = std::max(bound, needed);
  }
  return bound;
}

std::optional<std::string> memopt::checkPacking(const PackingProblem &problem,
                                                const PackingResult &result) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  if (result.status == PackingStatus::Invalid)
    return "the problem was rejected: " + result.error;
  if (result.offsets.size() != buffers.size())
    return "expected " + std::to_string(buffers.size()) + " offsets, got " +
           std::to_string(result.offsets.size());
  auto name = [&](unsigned index) {
    return "buffer '" + buffers[index].id + "'";
  };
  std::vector<unsigned> byBegin;
  for (unsigned index = 0; index < buffers.size(); ++index) {
    const PackingBuffer &buffer = buffers[index];
    int64_t offset = result.offsets[index];
    if (offset < 0)
      return name(index) + " has a negative offset";
    if (offset % buffer.alignment != 0)
      return name(index) + " at offset " + std::to_string(offset) +
             " is not aligned to " + std::to_string(buffer.alignment);
    if (!occupiesMemory(buffer))
      continue;
    std::optional<int64_t> end = llvm::checkedAdd(offset, buffer.size);
    if (!end)
      return name(index) + " at offset " + std::to_string(offset) +
             " ends past 2^63 bytes";
    if (*end > result.arenaBytes)
      return name(index) + " ends at " + std::to_string(*end) +
             ", past the arena of " + std::to_string(result.arenaBytes) +
             " bytes";
    byBegin.push_back(index);
  }
  llvm::sort(byBegin, [&](unsigned a, unsigned b) {
    return buffers[a].begin < buffers[b].begin;
  });
  for (size_t i = 0; i < byBegin.size(); ++i) {
    unsigned a = byBegin[i];
    for (size_t j = i + 1;
         j < byBegin.size() && buffers[byBegin[j]].begin < buffers[a].end;
         ++j) {
      unsigned b = byBegin[j];
      int64_t sharedBegin = std::max(result.offsets[a], result.offsets[b]);
      int64_t sharedEnd = std::min(result.offsets[a] + buffers[a].size,
                                   result.offsets[b] + buffers[b].size);
      if (sharedBegin < sharedEnd)
        return name(a) + " and " + name(b) + " are live together at step " +
               std::to_string(buffers[b].begin) + " and share bytes [" +
               std::to_string(sharedBegin) + ", " + std::to_string(sharedEnd) +
               ")";
    }
  }
  if (result.lowerBoundBytes > result.arenaBytes)
    return "the lower bound " + std::to_string(result.lowerBoundBytes) +
           " exceeds the arena of " + std::to_string(result.arenaBytes) +
           " bytes";
  bool claimsToFit = result.status == PackingStatus::Optimal ||
                     result.status == PackingStatus::Feasible;
  if (claimsToFit && problem.capacity && result.arenaBytes > *problem.capacity)
    return "the arena of " + std::to_string(result.arenaBytes) +
           " bytes exceeds the capacity of " +
           std::to_string(*problem.capacity) + " bytes";
  return std::nullopt;
}

/// Work (see kPackingWorkPerSecond) of `exact` and `auto` at effort 1: a
/// base, more per buffer, at most a few seconds' worth.
constexpr double kWorkSeconds = 0.6;
constexpr double kWorkSecondsPerBuffer = 0.0005;
constexpr double kMaxWorkSeconds = 1.2;
/// Buffers above which `auto` does not run the canonical search.
constexpr size_t kMaxAutoSearchBuffers = 20000;
/// How much more work `auto` gets when it only has to fit a capacity.
constexpr double kFittingWorkFactor = 2;
/// `auto` without a capacity stops searching once the arena is within this
/// fraction of the lower bound: the rest is not worth the work.
constexpr int64_t kGoodEnoughFraction = 4096;
/// The most of it that the reordering search may use before the exact search
/// gets the rest.
constexpr double kReorderingShare = 0.4;

PackingResult memopt::packBuffers(const PackingProblem &problem,
                                  const PackingOptions &options) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };

  PackingResult result;
  std::optional<std::string> malformed = verifyPackingProblem(problem);
  if (!malformed)
    malformed = verifyPackingOptions(options);
  if (malformed) {
    result.status = PackingStatus::Invalid;
    result.error = std::move(*malformed);
    return result;
  }
  result.lowerBoundBytes = maxLiveBytes(problem);
  auto consider = [&](llvm::StringRef name, std::vector<int64_t> offsets) {
    int64_t arena = arenaOf(problem, offsets);
    result.candidates.push_back({name.str(), arena});
    if (!result.algorithm.empty() && arena >= result.arenaBytes)
      return;
    result.offsets = std::move(offsets);
    result.arenaBytes = arena;
    result.algorithm = name.str();
  };

  TimeOverlaps overlaps(problem);
  PackingAlgorithm algorithm = options.algorithm;
  bool runsAllHeuristics = algorithm == PackingAlgorithm::BestOfAll ||
                           algorithm == PackingAlgorithm::Exact ||
                           algorithm == PackingAlgorithm::Auto;
  if (runsAllHeuristics) {
    for (PackingAlgorithm heuristic : {PackingAlgorithm::SizeDescendingBestFit,
                                       PackingAlgorithm::StartOrderBestFit,
                                       PackingAlgorithm::GreedyByConflicts})
      consider(getPackingAlgorithmName(heuristic),
               runHeuristic(problem, overlaps, heuristic));
  } else {
    consider(getPackingAlgorithmName(algorithm),
             runHeuristic(problem, overlaps, algorithm));
  }

  std::optional<int64_t> capacity = problem.capacity;
  bool provenOptimal = result.arenaBytes <= result.lowerBoundBytes;
  bool provenInfeasible = capacity && *capacity < result.lowerBoundBytes;
  // `auto` searches only for a packing within the capacity, if there may be
  // one the heuristics missed.
  bool searches = algorithm == PackingAlgorithm::Exact ||
                  (algorithm == PackingAlgorithm::Auto && !provenInfeasible &&
                   !(capacity && result.arenaBytes <= *capacity));
  if (searches && !provenOptimal) {
    double seconds =
        std::min(kWorkSeconds + kWorkSecondsPerBuffer * problem.buffers.size(),
                 kMaxWorkSeconds);
    // Fitting a capacity is the exact search's job alone; it gets the
    // reordering's share and as much again.
    bool onlyFits = algorithm == PackingAlgorithm::Auto && capacity;
    double work = options.effort * seconds * kPackingWorkPerSecond *
                  (onlyFits ? kFittingWorkFactor : 1);
    int64_t workBudget =
        work >= 0x1p62 ? int64_t(1) << 62 : std::max<int64_t>(1, work);
    // Better orders for the greedy placement first: they often reach the
    // bound, and otherwise give the exact search a lower arena to start
    // from. When `auto` only has to fit a capacity, the exact search is
    // better at that and gets all the work.
    int64_t goodEnough = result.lowerBoundBytes;
    if (algorithm == PackingAlgorithm::Auto)
      goodEnough += result.lowerBoundBytes / kGoodEnoughFraction;
    int64_t reorderingWork = 0;
    if (!onlyFits) {
      consider("reordered",
               improveByReordering(
                   problem, overlaps, result.offsets, result.lowerBoundBytes,
                   workBudget * kReorderingShare, reorderingWork));
      provenOptimal = result.arenaBytes <= result.lowerBoundBytes;
    }
    // On very large problems, `auto` keeps to the heuristics and the
    // reordering: the canonical search's nodes grow with the problem and
    // it has not improved on them there.
    bool tooLarge = algorithm == PackingAlgorithm::Auto &&
                    problem.buffers.size() > kMaxAutoSearchBuffers;
    if (!provenOptimal && result.arenaBytes > goodEnough && !tooLarge) {
      bool stopOnceFitting = algorithm == PackingAlgorithm::Auto;
      ExactOutcome exact = minimizeArena(
          problem, result.offsets, result.lowerBoundBytes, capacity,
          stopOnceFitting, goodEnough, workBudget - reorderingWork,
          Deadline(options.timeLimitSeconds - elapsed()));
      consider(getPackingAlgorithmName(PackingAlgorithm::Exact),
               std::move(exact.offsets));
      provenOptimal =
          exact.provenOptimal || result.arenaBytes <= result.lowerBoundBytes;
      provenInfeasible |= exact.provenInfeasible;
      result.stoppedByTimeLimit = exact.stoppedByDeadline;
    }
  }

  bool fits = !capacity || result.arenaBytes <= *capacity;
  if (fits)
    result.status =
        provenOptimal ? PackingStatus::Optimal : PackingStatus::Feasible;
  else if (provenInfeasible || provenOptimal)
    result.status = PackingStatus::Infeasible;
  else
    result.status = PackingStatus::Timeout;
  result.seconds = elapsed();
  return result;
}
