//===- CanonicalSearch.cpp - Exact packing by search over canonical forms -===//
//
// Part of memopt. A depth-first search for offsets within a capacity that
// only visits canonical packings, the idea of MiniMalloc (Moffitt, ASPLOS
// 2023): every buffer sits at its lowest offset above the buffers placed
// before it that it overlaps in time, and buffers are placed in
// non-decreasing offset order. docs/Packing.md explains the pruning.
//
//===----------------------------------------------------------------------===//

#include "PackingInternal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

using namespace memopt;
using namespace memopt::packing;

namespace {
constexpr int64_t kUnplaced = -1;

/// The part of a problem left to search once buffers that are trivially
/// placed are set aside, cut in time into sections: the intervals between
/// consecutive distinct lifetime ends. Two buffers overlap in time exactly
/// when their section ranges intersect.
///
/// Set aside: buffers that occupy no memory (offset zero), and buffers live
/// over the whole span of their group of time-connected buffers. Any packing
/// of such a group can be rearranged, without growing, to hold those buffers
/// at its bottom (move them down, shift what was below them up), so they are
/// stacked there and the rest of the group starts above them. This repeats on
/// the rest. The rearrangement keeps offsets aligned only if the stacked sizes
/// are multiples of every alignment in the group, so it is skipped otherwise.
class SectionedProblem {
public:
  explicit SectionedProblem(const PackingProblem &problem);

  unsigned numBuffers() const { return problemIndex.size(); }
  unsigned numSections() const { return buffersInSection.size(); }

  /// Offsets of all of the problem's buffers given offsets of the searched
  /// ones.
  std::vector<int64_t> expand(llvm::ArrayRef<int64_t> searchedOffsets) const;

  /// Index in the problem of each searched buffer.
  std::vector<unsigned> problemIndex;
  std::vector<int64_t> size, alignment;
  /// Time span and area (span x size), for the static preorders.
  std::vector<int64_t> width, area;
  /// Sections [firstSection, endSection) in which each buffer is live.
  std::vector<unsigned> firstSection, endSection;
  /// Lowest offset of each buffer: the top of the stack set aside below it.
  std::vector<int64_t> baseOffset;
  /// Searched buffers that overlap each one in time.
  std::vector<std::vector<unsigned>> overlaps;
  /// Searched buffers live in each section.
  std::vector<std::vector<unsigned>> buffersInSection;
  /// For each buffer, the closest lower-indexed one with the same lifetime,
  /// size and alignment, or -1. Swapping such twins changes nothing, so the
  /// search places them in index order.
  std::vector<int> previousTwin;
  /// Offsets of the problem's buffers that were set aside.
  std::vector<int64_t> setAsideOffsets;
};

SectionedProblem::SectionedProblem(const PackingProblem &problem)
    : setAsideOffsets(problem.buffers.size(), 0) {
  const std::vector<PackingBuffer> &buffers = problem.buffers;
  // Groups of buffers still to examine, each with the offset it starts at.
  std::vector<std::pair<std::vector<unsigned>, int64_t>> pending(1);
  for (unsigned index = 0; index < buffers.size(); ++index)
    if (occupiesMemory(buffers[index]))
      pending.front().first.push_back(index);
  std::vector<unsigned> searched;
  std::vector<int64_t> searchedBase;
  while (!pending.empty()) {
    auto [group, base] = std::move(pending.back());
    pending.pop_back();
    llvm::sort(group, [&](unsigned a, unsigned b) {
      return buffers[a].begin < buffers[b].begin;
    });
    // Split the group into time-connected components.
    for (unsigned first = 0; first < group.size();) {
      unsigned last = first + 1;
      int64_t componentEnd = buffers[group[first]].end;
      while (last < group.size() && buffers[group[last]].begin < componentEnd)
        componentEnd = std::max(componentEnd, buffers[group[last++]].end);
      llvm::ArrayRef<unsigned> component(&group[first], last - first);
      int64_t componentBegin = buffers[group[first]].begin;
      first = last;

      std::vector<unsigned> spanning, rest;
      for (unsigned index : component)
        (buffers[index].begin == componentBegin &&
                 buffers[index].end == componentEnd
             ? spanning
             : rest)
            .push_back(index);
      bool keepsAlignment = llvm::all_of(spanning, [&](unsigned stacked) {
        return llvm::all_of(component, [&](unsigned other) {
          return buffers[stacked].size % buffers[other].alignment == 0;
        });
      });
      if (spanning.empty() || !keepsAlignment) {
        for (unsigned index : component) {
          searched.push_back(index);
          searchedBase.push_back(base);
        }
        continue;
      }
      int64_t top = base;
      for (unsigned index : spanning) {
        setAsideOffsets[index] = top;
        top += buffers[index].size;
      }
      if (!rest.empty())
        pending.push_back({std::move(rest), top});
    }
  }

  // Sections over the searched buffers.
  std::vector<int64_t> times;
  for (unsigned index : searched) {
    times.push_back(buffers[index].begin);
    times.push_back(buffers[index].end);
  }
  llvm::sort(times);
  times.erase(std::unique(times.begin(), times.end()), times.end());
  auto sectionAt = [&](int64_t time) -> unsigned {
    return llvm::lower_bound(times, time) - times.begin();
  };
  buffersInSection.resize(times.empty() ? 0 : times.size() - 1);
  for (auto [index, base] : llvm::zip_equal(searched, searchedBase)) {
    const PackingBuffer &buffer = buffers[index];
    unsigned searchIndex = problemIndex.size();
    problemIndex.push_back(index);
    size.push_back(buffer.size);
    alignment.push_back(buffer.alignment);
    width.push_back(buffer.end - buffer.begin);
    // Only an order key: saturating is enough.
    area.push_back(std::min<uint64_t>(
        llvm::SaturatingMultiply(uint64_t(buffer.end - buffer.begin),
                                 uint64_t(buffer.size)),
        std::numeric_limits<int64_t>::max()));
    firstSection.push_back(sectionAt(buffer.begin));
    endSection.push_back(sectionAt(buffer.end));
    baseOffset.push_back(alignUp(base, buffer.alignment));
    for (unsigned s = firstSection.back(); s < endSection.back(); ++s)
      buffersInSection[s].push_back(searchIndex);
  }
  std::map<std::tuple<unsigned, unsigned, int64_t, int64_t>, int> lastOfKind;
  for (unsigned buffer = 0; buffer < numBuffers(); ++buffer) {
    auto [it, inserted] =
        lastOfKind.insert({{firstSection[buffer], endSection[buffer],
                            size[buffer], alignment[buffer]},
                           int(buffer)});
    previousTwin.push_back(inserted ? -1 : it->second);
    it->second = buffer;
  }
  // A sweep by first section: the buffers that start while one is live are
  // those that overlap it among the later ones.
  std::vector<unsigned> byFirst(numBuffers());
  std::iota(byFirst.begin(), byFirst.end(), 0);
  llvm::stable_sort(byFirst, [&](unsigned a, unsigned b) {
    return firstSection[a] < firstSection[b];
  });
  overlaps.resize(numBuffers());
  for (size_t i = 0; i < byFirst.size(); ++i)
    for (size_t j = i + 1; j < byFirst.size() &&
                           firstSection[byFirst[j]] < endSection[byFirst[i]];
         ++j) {
      overlaps[byFirst[i]].push_back(byFirst[j]);
      overlaps[byFirst[j]].push_back(byFirst[i]);
    }
}

std::vector<int64_t>
SectionedProblem::expand(llvm::ArrayRef<int64_t> searchedOffsets) const {
  std::vector<int64_t> offsets = setAsideOffsets;
  for (auto [index, offset] : llvm::zip_equal(problemIndex, searchedOffsets))
    offsets[index] = offset;
  return offsets;
}

/// Static orders that break ties between buffers of equal lowest offset.
/// The first three are MiniMalloc's defaults: by time span (width), area
/// (span x size) and the largest unplaced total of the sections the buffer
/// lives in, with different priorities, larger first. The fourth takes the
/// earliest start first, then width and area; it helps on instances that
/// the others find hard (MiniMalloc's J).
enum class Preorder {
  WidthAreaTotal,
  TotalAreaWidth,
  TotalWidthArea,
  StartWidthArea
};
constexpr Preorder kPreorders[] = {
    Preorder::WidthAreaTotal, Preorder::TotalAreaWidth,
    Preorder::TotalWidthArea, Preorder::StartWidthArea};

/// OutOfNodes: the node limit of one attempt ran out; OutOfBudget: the work
/// budget of the whole minimization did; OutOfTime: the deadline passed.
enum class SearchOutcome {
  Found,
  Exhausted,
  OutOfNodes,
  OutOfBudget,
  OutOfTime
};

/// A set of unplaced buffers that no unplaced buffer outside it overlaps in
/// time, so that it can be packed on its own: the sections [firstSection,
/// endSection) and the buffers in them, in preorder.
struct Partition {
  std::vector<unsigned> buffers;
  unsigned firstSection = 0;
  unsigned endSection = 0;
  /// Two independent hashes of `buffers` in order, which identify the
  /// preorder.
  uint64_t id = 0, id2 = 0;
};

/// splitmix64's finalizer: a cheap, well-mixing 64-bit hash.
uint64_t mix(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

/// MurmurHash3's finalizer, with other constants than `mix`, so that the two
/// hashes of a state collide independently.
uint64_t mix2(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ULL;
  return value ^ (value >> 33);
}

/// A search state, by two independent 64-bit hashes of all of it: offsets
/// and buffer indices are hashed whole, so only a 128-bit collision could make
/// two states look the same.
struct StateKey {
  uint64_t first = 0, second = 0;
  void add(uint64_t value) {
    first = mix(first ^ value);
    second = mix2(second + value);
  }
  bool operator==(const StateKey &other) const {
    return first == other.first && second == other.second;
  }
};

/// Entries of the table of failed states: at least the minimum, at most the
/// maximum, in sets of `kFailedStateWays` that a key may occupy any of.
constexpr size_t kMinFailedStates = size_t(1) << 12;
constexpr size_t kMaxFailedStates = size_t(1) << 21;
constexpr size_t kFailedStateWays = 4;

/// Buffers and sections of a search node per work unit: the search spends
/// nanoseconds on each, much less than the reordering spends per unit.
constexpr size_t kUnitsPerNodeItem = 16;

/// The search state and the depth-first search itself. `place` changes the
/// state and `unplaceLast` takes the latest placement back.
class CanonicalSearch {
public:
  explicit CanonicalSearch(const SectionedProblem &problem)
      : problem(problem) {}

  /// Looks for a packing within `capacity` with each preorder in turn, each
  /// for at most `nodeLimit` nodes: bad orders stall, and restarting with
  /// another order and, the next time, a larger limit (as MiniMalloc does)
  /// avoids that. Exhausted means proven infeasible.
  SearchOutcome search(int64_t capacity, int64_t nodeLimit,
                       const Deadline &deadline);

  /// The work over all searches (a unit per buffer of the partition at
  /// each node); reaching it gives OutOfBudget.
  void setWorkBudget(int64_t units) { workBudget = units; }
  /// Whether the deadline stopped a search.
  bool stoppedByDeadline() const { return timedOut; }

  /// Offsets of the searched buffers after `search` returned Found.
  llvm::ArrayRef<int64_t> foundOffsets() const { return solution; }

private:
  struct Candidate {
    int64_t offset;
    unsigned rank;
    unsigned buffer;
  };

  SearchOutcome searchOnce(Preorder preorder, int64_t nodeLimit);
  SearchOutcome solvePartition(std::vector<unsigned> buffers,
                               unsigned firstSection, unsigned endSection);
  SearchOutcome descend(const Partition &partition, int64_t floorOffset,
                        unsigned floorRank);
  SearchOutcome solveSplit(const Partition &partition);

  /// Places `buffer` at `offset`. Returns whether an unplaced buffer overlaps
  /// it in time; sets `splits` when the unplaced buffers fall apart in time.
  bool place(const Partition &partition, unsigned buffer, int64_t offset,
             bool &splits);
  void unplaceLast();
  /// Takes back placements until `count` remain.
  void unplaceDownTo(size_t count) {
    while (placed.size() > count)
      unplaceLast();
  }
  bool floorAllows(const Partition &partition, unsigned buffer,
                   int64_t at) const;
  bool hasUnplacedOverlap(unsigned buffer) const;
  bool sectionsFit();
  bool sectionFits(unsigned section, int64_t &height);

  const SectionedProblem &problem;
  Preorder preorder = Preorder::WidthAreaTotal;
  int64_t capacity = std::numeric_limits<int64_t>::max();
  /// A search state proven to have no completion, and the largest capacity
  /// it failed at (it fails at all smaller ones too). A state is what decides
  /// the rest of the search: the partition (with its preorder), the lowest
  /// offsets of its unplaced buffers and the floor. Empty entries have a
  /// negative capacity.
  struct FailedState {
    StateKey key;
    int64_t capacity = -1;
  };
  /// Whether `key` failed at `capacity` or above.
  bool hasFailed(const StateKey &key) const;
  void recordFailure(const StateKey &key);
  std::vector<FailedState> failedStates;
  int64_t nodesLeft = 0;
  int64_t nodesVisited = 0;
  int64_t workDone = 0;
  int64_t workBudget = std::numeric_limits<int64_t>::max();
  const Deadline *deadline = nullptr;
  bool timedOut = false;

  /// Per buffer: its offset or kUnplaced, and the lowest offset it can still
  /// take: aligned, above every placed buffer it overlaps.
  std::vector<int64_t> offset, minOffset;
  /// Per section: bytes of its unplaced buffers.
  std::vector<int64_t> unplacedBytes;

  /// Per boundary between sections s and s+1: unplaced buffers across it.
  std::vector<int64_t> crossing;
  /// Per section: at least the staircase height of its unplaced buffers
  /// (see `sectionFits`), kept up to date cheaply and computed exactly only
  /// when it exceeds the capacity.
  std::vector<int64_t> heightBound;
  /// Placed buffers in placement order, with for each the lengths of
  /// `raisedFrom` and `heightBoundFrom` before it was placed.
  llvm::SmallVector<std::tuple<unsigned, size_t, size_t>> placed;
  /// Buffers whose lowest offset a placement raised, with the old value.
  llvm::SmallVector<std::pair<unsigned, int64_t>> raisedFrom;
  /// Sections whose height bound a placement changed, with the old value.
  llvm::SmallVector<std::pair<unsigned, int64_t>> heightBoundFrom;

  /// Sections with a buffer that the latest placement raised, the largest
  /// raise in each and the highest offset a buffer was raised to.
  std::vector<unsigned> dirtySections;
  std::vector<int64_t> sectionRaise, sectionRaisedTo;
  unsigned lastFailedSection = 0;
  /// Candidate lists, one per depth (number of placed buffers).
  std::vector<std::vector<Candidate>> candidatesAtDepth;
  /// Scratch space of `sectionFits`.
  struct Level {
    int64_t minOffset;
    int64_t size;
    unsigned buffer;
  };
  std::vector<Level> levelScratch;
  std::vector<unsigned> placedScratch;
  /// The buffers of each section, the unplaced ones highest first as of the
  /// latest exact computation of the section's height.
  std::vector<std::vector<unsigned>> sectionOrder;
  std::vector<int64_t> solution;
};

} // namespace

SearchOutcome CanonicalSearch::search(int64_t capacity, int64_t nodeLimit,
                                      const Deadline &deadline) {
  if (failedStates.empty())
    failedStates.resize(
        std::clamp<size_t>(llvm::PowerOf2Ceil(problem.numBuffers()) << 12,
                           kMinFailedStates, kMaxFailedStates));
  this->capacity = capacity;
  this->deadline = &deadline;
  for (Preorder order : kPreorders) {
    SearchOutcome outcome = searchOnce(order, nodeLimit);
    if (outcome != SearchOutcome::OutOfNodes)
      return outcome;
  }
  return SearchOutcome::OutOfNodes;
}

SearchOutcome CanonicalSearch::searchOnce(Preorder order, int64_t nodeLimit) {
  preorder = order;
  nodesLeft = nodeLimit;
  unsigned numBuffers = problem.numBuffers();
  unsigned numSections = problem.numSections();
  offset.assign(numBuffers, kUnplaced);
  minOffset = problem.baseOffset;
  unplacedBytes.assign(numSections, 0);
  crossing.assign(numSections, 0);
  for (unsigned buffer = 0; buffer < numBuffers; ++buffer) {
    for (unsigned s = problem.firstSection[buffer];
         s < problem.endSection[buffer]; ++s)
      unplacedBytes[s] += problem.size[buffer];
    for (unsigned s = problem.firstSection[buffer];
         s + 1 < problem.endSection[buffer]; ++s)
      ++crossing[s];
  }
  sectionOrder = problem.buffersInSection;
  size_t mostInSection = 0;
  for (const std::vector<unsigned> &buffers : sectionOrder) {
    mostInSection = std::max(mostInSection, buffers.size());
    // Setting up looks at every buffer of every section.
    workDone += (buffers.size() + 1) / kUnitsPerNodeItem + 1;
  }
  levelScratch.resize(mostInSection);
  heightBound.resize(numSections);
  sectionRaise.assign(numSections, 0);
  sectionRaisedTo.assign(numSections, 0);
  for (unsigned s = 0; s < numSections; ++s)
    if (!sectionFits(s, heightBound[s]))
      return SearchOutcome::Exhausted;
  lastFailedSection = 0;
  candidatesAtDepth.resize(numBuffers + 1);
  placed.clear();
  raisedFrom.clear();
  heightBoundFrom.clear();

  std::vector<unsigned> all(numBuffers);
  std::iota(all.begin(), all.end(), 0);
  Partition everything{std::move(all), 0, numSections};
  SearchOutcome outcome = solveSplit(everything);
  if (outcome == SearchOutcome::Found)
    solution = offset;
  unplaceDownTo(0);
  return outcome;
}

/// Splits the unplaced buffers of `partition` where no unplaced buffer
/// crosses a section boundary and solves the parts one after the other: they
/// cannot interact, so a part that fails fails them all.
SearchOutcome CanonicalSearch::solveSplit(const Partition &partition) {
  unsigned partBegin = partition.firstSection;
  std::vector<unsigned> partBuffers;
  // Unplaced buffers of the partition by first section.
  std::vector<unsigned> unplaced;
  for (unsigned buffer : partition.buffers)
    if (offset[buffer] == kUnplaced)
      unplaced.push_back(buffer);
  llvm::sort(unplaced, [&](unsigned a, unsigned b) {
    return problem.firstSection[a] < problem.firstSection[b];
  });
  auto next = unplaced.begin();
  for (unsigned s = partition.firstSection; s < partition.endSection; ++s) {
    bool partEnds = s + 1 == partition.endSection || crossing[s] == 0;
    if (!partEnds)
      continue;
    while (next != unplaced.end() && problem.firstSection[*next] <= s)
      partBuffers.push_back(*next++);
    if (!partBuffers.empty()) {
      SearchOutcome outcome =
          solvePartition(std::move(partBuffers), partBegin, s + 1);
      if (outcome != SearchOutcome::Found)
        return outcome;
      partBuffers.clear();
    }
    partBegin = s + 1;
  }
  return SearchOutcome::Found;
}

SearchOutcome CanonicalSearch::solvePartition(std::vector<unsigned> buffers,
                                              unsigned firstSection,
                                              unsigned endSection) {
  auto largestTotal = [&](unsigned buffer) {
    workDone += (problem.endSection[buffer] - problem.firstSection[buffer]) /
                kUnitsPerNodeItem;
    int64_t total = 0;
    for (unsigned s = problem.firstSection[buffer];
         s < problem.endSection[buffer]; ++s)
      total = std::max(total, unplacedBytes[s]);
    return total;
  };
  std::vector<std::tuple<int64_t, int64_t, int64_t, unsigned>> keys;
  keys.reserve(buffers.size());
  for (unsigned buffer : buffers) {
    int64_t width = problem.width[buffer], area = problem.area[buffer];
    int64_t total = largestTotal(buffer);
    switch (preorder) {
    case Preorder::WidthAreaTotal:
      keys.emplace_back(-width, -area, -total, buffer);
      break;
    case Preorder::TotalAreaWidth:
      keys.emplace_back(-total, -area, -width, buffer);
      break;
    case Preorder::TotalWidthArea:
      keys.emplace_back(-total, -width, -area, buffer);
      break;
    case Preorder::StartWidthArea:
      keys.emplace_back(problem.firstSection[buffer], -width, -area, buffer);
      break;
    }
  }
  llvm::sort(keys);
  StateKey id;
  id.add(firstSection);
  for (auto [position, key] : llvm::enumerate(keys)) {
    buffers[position] = std::get<3>(key);
    id.add(buffers[position]);
  }
  Partition partition{std::move(buffers), firstSection, endSection, id.first,
                      id.second};
  return descend(partition, /*floorOffset=*/0, /*floorRank=*/0);
}

SearchOutcome CanonicalSearch::descend(const Partition &partition,
                                       int64_t floorOffset,
                                       unsigned floorRank) {
  if (--nodesLeft < 0)
    return SearchOutcome::OutOfNodes;
  // The state's hash and the placements look at every buffer and section of
  // the partition, each in a few nanoseconds.
  workDone += 1 + (partition.buffers.size() +
                   (partition.endSection - partition.firstSection)) /
                      kUnitsPerNodeItem;
  if (workDone > workBudget)
    return SearchOutcome::OutOfBudget;
  if ((++nodesVisited & 1023) == 0 && deadline->passed())
    timedOut = true;
  if (timedOut)
    return SearchOutcome::OutOfTime;

  StateKey state{partition.id, partition.id2};
  state.add(uint64_t(floorOffset));
  state.add(floorRank);
  int64_t lowestTop = std::numeric_limits<int64_t>::max();
  bool allPlaced = true;
  for (unsigned buffer : partition.buffers) {
    if (offset[buffer] != kUnplaced)
      continue;
    allPlaced = false;
    state.add(buffer);
    state.add(uint64_t(minOffset[buffer]));
    lowestTop = std::min(lowestTop, minOffset[buffer] + problem.size[buffer]);
  }
  if (allPlaced)
    return SearchOutcome::Found;
  if (hasFailed(state))
    return SearchOutcome::Exhausted;

  std::vector<Candidate> &candidates = candidatesAtDepth[placed.size()];
  candidates.clear();
  for (auto [rank, buffer] : llvm::enumerate(partition.buffers)) {
    if (offset[buffer] != kUnplaced)
      continue;
    int64_t at = minOffset[buffer];
    // Dominance: a buffer that would fit entirely below this offset should
    // be placed first.
    if (at >= lowestTop)
      continue;
    // Canonical order: offsets never decrease, equal ones go by rank.
    if (at < floorOffset || (at == floorOffset && rank < floorRank))
      continue;
    int twin = problem.previousTwin[buffer];
    if (twin >= 0 && offset[twin] == kUnplaced)
      continue;
    candidates.push_back({at, unsigned(rank), buffer});
  }
  llvm::sort(candidates, [](const Candidate &a, const Candidate &b) {
    return std::tie(a.offset, a.rank) < std::tie(b.offset, b.rank);
  });

  int64_t mostUnplaced = 0;
  for (unsigned s = partition.firstSection; s < partition.endSection; ++s)
    mostUnplaced = std::max(mostUnplaced, unplacedBytes[s]);

  for (size_t i = 0; i < candidates.size(); ++i) {
    Candidate candidate = candidates[i];
    SearchOutcome outcome = SearchOutcome::Exhausted;
    if (candidate.offset + mostUnplaced > capacity &&
        !floorAllows(partition, candidate.buffer, candidate.offset)) {
      workDone +=
          (partition.endSection - partition.firstSection) / kUnitsPerNodeItem;
      if (!hasUnplacedOverlap(candidate.buffer))
        break;
      continue;
    }
    size_t numPlaced = placed.size();
    bool splits = false;
    bool hasHat = place(partition, candidate.buffer, candidate.offset, splits);
    if (sectionsFit())
      outcome = splits ? solveSplit(partition)
                       : descend(partition, candidate.offset, candidate.rank);
    if (outcome == SearchOutcome::Found)
      return outcome;
    unplaceDownTo(numPlaced);
    if (outcome != SearchOutcome::Exhausted)
      return outcome;
    // Nothing unplaced above it: the buffer constrains no one, so placing
    // another buffer first cannot help.
    if (!hasHat)
      break;
  }
  recordFailure(state);
  return SearchOutcome::Exhausted;
}

bool CanonicalSearch::hasFailed(const StateKey &key) const {
  size_t set = key.first & (failedStates.size() - kFailedStateWays);
  for (size_t way = 0; way < kFailedStateWays; ++way) {
    const FailedState &entry = failedStates[set + way];
    if (entry.capacity >= 0 && entry.key == key)
      return capacity <= entry.capacity;
  }
  return false;
}

void CanonicalSearch::recordFailure(const StateKey &key) {
  size_t set = key.first & (failedStates.size() - kFailedStateWays);
  FailedState *victim = nullptr;
  // Among equal candidates, the first from a way the key picks, so that all
  // ways get used.
  size_t firstWay = key.second % kFailedStateWays;
  for (size_t step = 0; step < kFailedStateWays; ++step) {
    FailedState &entry =
        failedStates[set + (firstWay + step) % kFailedStateWays];
    if (entry.capacity >= 0 && entry.key == key) {
      entry.capacity = std::max(entry.capacity, capacity);
      return;
    }
    // An empty entry, or else the one that failed at the smallest capacity:
    // it prunes the fewest searches.
    if (!victim || entry.capacity < victim->capacity)
      victim = &entry;
  }
  *victim = {key, capacity};
}

void CanonicalSearch::unplaceLast() {
  auto [buffer, raisedMark, boundMark] = placed.pop_back_val();
  while (raisedFrom.size() > raisedMark) {
    auto [other, oldMinOffset] = raisedFrom.pop_back_val();
    minOffset[other] = oldMinOffset;
  }
  while (heightBoundFrom.size() > boundMark) {
    auto [section, oldBound] = heightBoundFrom.pop_back_val();
    heightBound[section] = oldBound;
  }
  offset[buffer] = kUnplaced;
  unsigned first = problem.firstSection[buffer];
  unsigned end = problem.endSection[buffer];
  for (unsigned s = first; s < end; ++s)
    unplacedBytes[s] += problem.size[buffer];
  for (unsigned s = first; s + 1 < end; ++s)
    ++crossing[s];
}

bool CanonicalSearch::place(const Partition &partition, unsigned buffer,
                            int64_t at, bool &splits) {
  // Every buffer this placement raises is in the partition's sections.
  unsigned partitionFirst = partition.firstSection;
  unsigned partitionEnd = partition.endSection;
  std::fill(&sectionRaise[partitionFirst], &sectionRaise[0] + partitionEnd, 0);
  std::fill(&sectionRaisedTo[partitionFirst],
            &sectionRaisedTo[0] + partitionEnd, 0);
  placed.push_back({buffer, raisedFrom.size(), heightBoundFrom.size()});
  offset[buffer] = at;
  unsigned first = problem.firstSection[buffer];
  unsigned end = problem.endSection[buffer];
  int64_t size = problem.size[buffer];
  // Taking a buffer out of a section's unplaced ones never raises its bound.
  for (unsigned s = first; s < end; ++s)
    unplacedBytes[s] -= size;
  for (unsigned s = first; s + 1 < end; ++s)
    splits |= --crossing[s] == 0;
  bool hasHat = false;
  for (unsigned other : problem.overlaps[buffer]) {
    if (offset[other] != kUnplaced)
      continue;
    hasHat = true;
    int64_t raised = alignUp(at + size, problem.alignment[other]);
    if (raised <= minOffset[other])
      continue;
    raisedFrom.push_back({other, minOffset[other]});
    int64_t raise = raised - minOffset[other];
    minOffset[other] = raised;
    for (unsigned s = problem.firstSection[other];
         s < problem.endSection[other]; ++s) {
      sectionRaise[s] = std::max(sectionRaise[s], raise);
      sectionRaisedTo[s] = std::max(sectionRaisedTo[s], raised);
    }
  }
  // Raising lowest offsets changes the height only at the levels m that some
  // buffer rose past. There it adds at most the largest raise r (the buffers
  // that rose past m were counted at their old offsets, at most r below m),
  // and it is at most m + all unplaced bytes, where m is at most the highest
  // offset raised to.
  workDone +=
      (problem.overlaps[buffer].size() + partitionEnd - partitionFirst) /
      kUnitsPerNodeItem;
  dirtySections.clear();
  for (unsigned s = partitionFirst; s < partitionEnd; ++s) {
    if (sectionRaise[s] == 0)
      continue;
    dirtySections.push_back(s);
    heightBoundFrom.push_back({s, heightBound[s]});
    heightBound[s] = std::min(
        heightBound[s] + sectionRaise[s],
        std::max(heightBound[s], sectionRaisedTo[s] + unplacedBytes[s]));
  }
  return hasHat;
}

/// Whether the unplaced buffers of `section` can fit below the capacity. They
/// are all live together, so those whose lowest offset is at least m stack
/// above m: m + (their bytes) is a lower bound on the height for every m,
/// their staircase height. When they fit, sets `height` to at most the
/// capacity and at least that height.
bool CanonicalSearch::sectionFits(unsigned section, int64_t &height) {
  std::vector<unsigned> &order = sectionOrder[section];
  workDone += order.size() / kUnitsPerNodeItem;
  Level *levels = levelScratch.data();
  size_t count = 0;
  int64_t highest = 0;
  int64_t lowest = std::numeric_limits<int64_t>::max();
  for (unsigned buffer : order) {
    if (offset[buffer] != kUnplaced)
      continue;
    int64_t at = minOffset[buffer];
    levels[count++] = {at, problem.size[buffer], buffer};
    highest = std::max(highest, at);
    lowest = std::min(lowest, at);
  }
  // The lowest m stacks everything; no m exceeds the highest.
  int64_t total = unplacedBytes[section];
  height = count == 0 ? 0 : highest + total;
  if (height <= capacity)
    return true;
  if (lowest + total > capacity)
    return false;

  // Highest first. `order` keeps the order of the previous time, so the
  // levels are nearly sorted already.
  bool moved = false;
  for (size_t i = 1; i < count; ++i) {
    Level level = levels[i];
    size_t j = i;
    for (; j > 0 && levels[j - 1].minOffset < level.minOffset; --j)
      levels[j] = levels[j - 1];
    levels[j] = level;
    moved |= j != i;
  }
  if (moved) {
    size_t next = 0;
    for (unsigned buffer : order)
      if (offset[buffer] != kUnplaced)
        placedScratch.push_back(buffer);
    for (size_t i = 0; i < count; ++i)
      order[next++] = levels[i].buffer;
    for (unsigned buffer : placedScratch)
      order[next++] = buffer;
    placedScratch.clear();
  }

  int64_t above = 0;
  height = 0;
  for (size_t i = 0; i < count; ++i) {
    above += levels[i].size;
    bool lastOfLevel =
        i + 1 == count || levels[i + 1].minOffset != levels[i].minOffset;
    if (lastOfLevel)
      height = std::max(height, levels[i].minOffset + above);
  }
  return height <= capacity;
}

/// Whether, with `buffer` placed at `at`, the unplaced buffers of every
/// section of the partition still fit above `at`, where all later placements
/// of the partition go.
bool CanonicalSearch::floorAllows(const Partition &partition, unsigned buffer,
                                  int64_t at) const {
  int64_t room = capacity - at;
  unsigned first = problem.firstSection[buffer];
  unsigned end = problem.endSection[buffer];
  for (unsigned s = partition.firstSection; s < first; ++s)
    if (unplacedBytes[s] > room)
      return false;
  for (unsigned s = first; s < end; ++s)
    if (unplacedBytes[s] - problem.size[buffer] > room)
      return false;
  for (unsigned s = end; s < partition.endSection; ++s)
    if (unplacedBytes[s] > room)
      return false;
  return true;
}

bool CanonicalSearch::hasUnplacedOverlap(unsigned buffer) const {
  return llvm::any_of(problem.overlaps[buffer], [&](unsigned other) {
    return offset[other] == kUnplaced;
  });
}

/// Whether the sections that the latest placement changed pass
/// `sectionFits` (the others passed before).
bool CanonicalSearch::sectionsFit() {
  auto fits = [&](unsigned s) {
    if (heightBound[s] <= capacity)
      return true;
    return sectionFits(s, heightBound[s]);
  };
  // The section that failed last is likely to fail again: try it first.
  if (llvm::is_contained(dirtySections, lastFailedSection) &&
      !fits(lastFailedSection))
    return false;
  for (unsigned s : dirtySections) {
    if (s != lastFailedSection && !fits(s)) {
      lastFailedSection = s;
      return false;
    }
  }
  return true;
}

/// A number that divides every offset and size of a canonical packing, so
/// that every arena worth trying is a multiple of it: a divisor of all sizes
/// that each alignment divides or is a multiple of (rounding a multiple of
/// it up to the alignment then keeps it a multiple).
static int64_t packingGranule(const PackingProblem &problem) {
  int64_t granule = 0;
  for (const PackingBuffer &buffer : problem.buffers)
    if (occupiesMemory(buffer))
      granule = std::gcd(granule, buffer.size);
  for (bool changed = true; changed && granule > 1;) {
    changed = false;
    for (const PackingBuffer &buffer : problem.buffers) {
      if (!occupiesMemory(buffer) || granule % buffer.alignment == 0 ||
          buffer.alignment % granule == 0)
        continue;
      granule = std::gcd(granule, buffer.alignment);
      changed = true;
    }
  }
  return std::max<int64_t>(granule, 1);
}

ExactOutcome packing::minimizeArena(
    const PackingProblem &problem, std::vector<int64_t> initialOffsets,
    int64_t lowerBound, std::optional<int64_t> fitWithin, bool stopOnceFitting,
    int64_t goodEnough, int64_t workBudget, const Deadline &deadline) {
  SectionedProblem sectioned(problem);
  CanonicalSearch search(sectioned);
  search.setWorkBudget(workBudget);
  ExactOutcome result;
  result.arenaBytes = arenaOf(problem, initialOffsets);
  result.offsets = std::move(initialOffsets);
  int64_t granule = packingGranule(problem);
  auto roundUp = [&](int64_t bytes) { return alignUp(bytes, granule); };
  auto roundDown = [&](int64_t bytes) { return bytes - bytes % granule; };
  int64_t firstNodeLimit = 2 * std::max<unsigned>(sectioned.numBuffers(), 1);
  int64_t maxNodeLimit = std::numeric_limits<int64_t>::max() / 4;

  auto tryCapacity = [&](int64_t capacity, int64_t nodeLimit) {
    SearchOutcome outcome = search.search(capacity, nodeLimit, deadline);
    if (outcome == SearchOutcome::Found) {
      result.offsets = sectioned.expand(search.foundOffsets());
      result.arenaBytes = arenaOf(problem, result.offsets);
    }
    result.stoppedByDeadline = search.stoppedByDeadline();
    return outcome;
  };
  auto endsWork = [](SearchOutcome outcome) {
    return outcome == SearchOutcome::OutOfBudget ||
           outcome == SearchOutcome::OutOfTime;
  };

  // A packing within the capacity comes first, with a growing node limit.
  if (fitWithin && result.arenaBytes > *fitWithin) {
    SearchOutcome outcome = SearchOutcome::OutOfNodes;
    for (int64_t nodeLimit = firstNodeLimit;
         outcome == SearchOutcome::OutOfNodes;
         nodeLimit = std::min(2 * nodeLimit, maxNodeLimit))
      outcome = tryCapacity(*fitWithin, nodeLimit);
    if (endsWork(outcome) ||
        (outcome == SearchOutcome::Found && stopOnceFitting))
      return result;
    if (outcome == SearchOutcome::Exhausted) {
      // Keep shrinking: the arena it takes is what the caller needs to know.
      result.provenInfeasible = true;
      lowerBound = std::max(lowerBound, *fitWithin + 1);
    }
  } else if (fitWithin && stopOnceFitting) {
    return result;
  }

  // Then bisect between the lower bound and the best arena, in rounds of a
  // doubling node limit. Each round first tries the lower bound itself: real
  // problems often pack exactly there, and proving it ends the search. A
  // capacity that runs out of nodes is not decided: the round goes on above
  // it, and the next round tries it again with more nodes. Capacities that
  // are hard to fill are scattered, so this finds small arenas sooner than
  // walking down from the best one.
  lowerBound = roundUp(lowerBound);
  for (int64_t nodeLimit = firstNodeLimit;
       result.arenaBytes > std::max(lowerBound, goodEnough);
       nodeLimit = std::min(2 * nodeLimit, maxNodeLimit)) {
    SearchOutcome atBound = tryCapacity(lowerBound, nodeLimit);
    if (endsWork(atBound))
      return result;
    if (atBound == SearchOutcome::Found)
      break;
    if (atBound == SearchOutcome::Exhausted)
      lowerBound += granule;
    int64_t low = lowerBound, high = roundDown(result.arenaBytes - 1);
    while (low <= high) {
      int64_t middle = low + roundDown((high - low) / 2);
      SearchOutcome outcome = tryCapacity(middle, nodeLimit);
      if (endsWork(outcome))
        return result;
      if (outcome == SearchOutcome::Found) {
        high = roundDown(result.arenaBytes - 1);
        continue;
      }
      if (outcome == SearchOutcome::Exhausted)
        lowerBound = middle + granule;
      low = middle + granule;
    }
  }
  // Only proofs raise the bound.
  result.provenOptimal = result.arenaBytes <= lowerBound;
  return result;
}
