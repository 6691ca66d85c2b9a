//===- ExactSearch.cpp - Search over scheduled sets of a segment ----------===//

#include "ExactSearch.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstring>
#include <tuple>

using namespace memopt;

SteadyClock::time_point memopt::deadlineAfter(double seconds) {
  if (!(seconds < 1e9))
    return SteadyClock::time_point::max();
  return SteadyClock::now() +
         std::chrono::duration_cast<SteadyClock::duration>(
             std::chrono::duration<double>(std::max(seconds, 0.0)));
}

namespace {
constexpr uint32_t kNoState = ~0u;

uint64_t mixBits(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

unsigned wordsFor(unsigned size) { return std::max(1u, (size + 63) / 64); }

/// The least peak above `budget`: what a search that found nothing within
/// the budget proves.
int64_t justAbove(int64_t budget) {
  return budget == INT64_MAX ? budget : budget + 1;
}

/// Work units of expanding a state: each move copies, hashes and compares a
/// set of `words` words, at about a quarter of the cost of the rest.
uint64_t expansionWork(unsigned words, size_t moves) {
  return (4 + words) * (moves + 1) / 4;
}

bool testBit(const uint64_t *bits, unsigned index) {
  return (bits[index / 64] >> (index % 64)) & 1;
}
} // namespace

/// States keyed by their set of scheduled nodes, in an open-addressing hash
/// table. Sets are bit vectors; their hashes are Zobrist hashes, so a child's
/// hash is its parent's with one key flipped.
class ExactSearch::StateTable {
public:
  struct Info {
    /// Least peak found to reach the state.
    int64_t peak;
    /// Live bytes after the state (the same for every path to it).
    int64_t live;
    uint32_t parent;
    uint32_t node;
    uint32_t depth;
    bool expanded;
  };

  explicit StateTable(unsigned words) : words(words) {}

  void clear() {
    bitStore.clear();
    hashes.clear();
    infos.clear();
    slots.assign(1024, 0);
  }
  size_t size() const { return infos.size(); }
  const uint64_t *bits(unsigned id) const { return &bitStore[id * words]; }
  Info &info(unsigned id) { return infos[id]; }
  uint64_t hash(unsigned id) const { return hashes[id]; }

  /// The id of the state `key` (which must not point into the table), added
  /// when absent; the flag tells whether it was added.
  std::pair<unsigned, bool> findOrInsert(const uint64_t *key, uint64_t hash) {
    if (2 * (infos.size() + 1) > slots.size())
      grow();
    size_t mask = slots.size() - 1;
    for (size_t slot = mixBits(hash) & mask;; slot = (slot + 1) & mask) {
      uint32_t entry = slots[slot];
      if (entry == 0) {
        unsigned id = infos.size();
        slots[slot] = id + 1;
        bitStore.insert(bitStore.end(), key, key + words);
        hashes.push_back(hash);
        infos.push_back({});
        return {id, true};
      }
      unsigned id = entry - 1;
      if (hashes[id] == hash &&
          std::memcmp(bits(id), key, words * sizeof(uint64_t)) == 0)
        return {id, false};
    }
  }

private:
  void grow() {
    std::vector<uint32_t> bigger(slots.size() * 2, 0);
    size_t mask = bigger.size() - 1;
    for (unsigned id = 0; id < infos.size(); ++id) {
      size_t slot = mixBits(hashes[id]) & mask;
      while (bigger[slot] != 0)
        slot = (slot + 1) & mask;
      bigger[slot] = id + 1;
    }
    slots = std::move(bigger);
  }

  unsigned words;
  std::vector<uint64_t> bitStore;
  std::vector<uint64_t> hashes;
  std::vector<Info> infos;
  std::vector<uint32_t> slots;
};

ExactSearch::ExactSearch(const SegmentModel &segment)
    : segment(segment),
      table(std::make_unique<StateTable>(wordsFor(segment.size()))) {
  unsigned size = segment.size();
  zobristKeys.resize(size);
  latestPred.resize(size);
  latestReadyAfter.assign(size, -1);
  for (unsigned local = 0; local < size; ++local) {
    zobristKeys[local] = mixBits(0x5eed0000ULL + local);
    llvm::ArrayRef<unsigned> preds = segment.preds(local);
    if (preds.empty()) {
      latestPred[local] = local;
      sources.push_back(local);
      continue;
    }
    latestPred[local] = *llvm::max_element(preds);
    int64_t &latest = latestReadyAfter[latestPred[local]];
    latest = std::max<int64_t>(latest, local);
  }
  for (unsigned local = 1; local < size; ++local)
    latestReadyAfter[local] =
        std::max(latestReadyAfter[local], latestReadyAfter[local - 1]);
}

ExactSearch::~ExactSearch() = default;

size_t ExactSearch::bytesPerState(unsigned size) {
  // Bits, hash, info, two hash slots and about one heap entry, twice over:
  // growing vectors may hold twice what they use.
  return 2 * (wordsFor(size) * sizeof(uint64_t) + sizeof(uint64_t) +
              sizeof(StateTable::Info) + 2 * sizeof(uint32_t) + 16);
}

void ExactSearch::collectMoves(const uint64_t *bits, int64_t live, int64_t peak,
                               bool first, std::vector<Move> &moves) const {
  moves.clear();
  unsigned size = segment.size(), words = wordsFor(size);
  auto isScheduled = [&](unsigned local) { return testBit(bits, local); };
  // Tries `local`; true when it is the only move worth trying.
  auto tryNode = [&](unsigned local) {
    unsigned latest = latestPred[local];
    if ((latest != local && !isScheduled(latest)) ||
        !llvm::all_of(segment.preds(local), isScheduled))
      return false;
    SegmentModel::Step step = segment.step(local, live, first, isScheduled);
    if (step.liveAfter <= live && step.bytes <= peak) {
      moves.assign(1, {local, step});
      return true;
    }
    moves.push_back({local, step});
    return false;
  };
  // A node with dependences is ready only once its latest one ran, so none
  // lies past latestReadyAfter[the latest node that ran]: the nodes are
  // visited in increasing order as a scan of all would, but only those up
  // to there, then the sources beyond.
  int64_t lastRun = -1;
  for (unsigned word = words; word-- > 0;)
    if (bits[word]) {
      lastRun = word * 64 + 63 - llvm::countl_zero(bits[word]);
      break;
    }
  int64_t end = lastRun < 0 ? 0 : latestReadyAfter[lastRun] + 1;
  for (unsigned word = 0; int64_t(word) * 64 < end; ++word) {
    uint64_t pending = ~bits[word];
    if (end - int64_t(word) * 64 < 64)
      pending &= (uint64_t(1) << (end - word * 64)) - 1;
    while (pending) {
      unsigned local = word * 64 + llvm::countr_zero(pending);
      pending &= pending - 1;
      if (tryNode(local))
        return;
    }
  }
  auto beyond = llvm::partition_point(
      sources, [&](unsigned source) { return int64_t(source) < end; });
  for (unsigned source : llvm::make_range(beyond, sources.end()))
    if (!isScheduled(source) && tryNode(source))
      return;
}

std::optional<unsigned> ExactSearch::startSearch(int64_t budget, int64_t floor,
                                                 std::vector<uint64_t> &key,
                                                 SearchResult &result) {
  table->clear();
  int64_t rootPeak = std::max(floor, segment.lowerBound());
  result.lowerBound = rootPeak;
  if (rootPeak > budget) {
    result.outcome = SearchOutcome::NoneWithinBudget;
    result.lowerBound = justAbove(budget);
    return std::nullopt;
  }
  unsigned root = table->findOrInsert(key.data(), 0).first;
  table->info(root) = {
      rootPeak, segment.liveBytesOnEntry(), kNoState, kNoState, 0, false};
  return root;
}

SearchResult ExactSearch::findOptimal(int64_t budget, int64_t floor,
                                      const SearchLimits &limits) {
  SearchResult result;
  unsigned size = segment.size(), words = wordsFor(size);
  std::vector<uint64_t> key(words, 0);
  std::optional<unsigned> root = startSearch(budget, floor, key, result);
  if (!root)
    return result;
  int64_t rootPeak = result.lowerBound;

  // Min-heap on peak; among equal peaks, deeper states first.
  struct Entry {
    int64_t peak;
    uint32_t depth;
    uint32_t state;
  };
  auto later = [](const Entry &a, const Entry &b) {
    return std::make_tuple(a.peak, -int64_t(a.depth)) >
           std::make_tuple(b.peak, -int64_t(b.depth));
  };
  std::vector<Entry> heap{{rootPeak, 0, *root}};
  std::vector<Move> moves;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    Entry entry = heap.back();
    heap.pop_back();
    StateTable::Info &info = table->info(entry.state);
    if (info.expanded || info.peak != entry.peak)
      continue;
    result.lowerBound = entry.peak;
    if (limits.work.reached() || table->size() > limits.maxStates)
      return result;
    info.expanded = true;
    if (info.depth == size) {
      result.outcome = SearchOutcome::Found;
      result.peak = info.peak;
      for (unsigned state = entry.state; table->info(state).parent != kNoState;
           state = table->info(state).parent)
        result.order.push_back(table->info(state).node);
      std::reverse(result.order.begin(), result.order.end());
      return result;
    }
    collectMoves(table->bits(entry.state), info.live, info.peak,
                 info.depth == 0, moves);
    limits.work.add(expansionWork(words, moves.size()));
    std::memcpy(key.data(), table->bits(entry.state), words * sizeof(uint64_t));
    int64_t peak = info.peak;
    uint32_t depth = info.depth;
    uint64_t hash = table->hash(entry.state);
    for (const Move &move : moves) {
      int64_t childPeak = std::max(peak, move.step.bytes);
      if (childPeak > budget)
        continue;
      uint64_t bit = uint64_t(1) << (move.node % 64);
      key[move.node / 64] |= bit;
      auto [child, added] =
          table->findOrInsert(key.data(), hash ^ zobristKeys[move.node]);
      key[move.node / 64] &= ~bit;
      StateTable::Info &childInfo = table->info(child);
      if (added) {
        childInfo = {childPeak, move.step.liveAfter, entry.state,
                     move.node, depth + 1,           false};
      } else {
        if (childInfo.expanded || childInfo.peak <= childPeak)
          continue;
        childInfo.peak = childPeak;
        childInfo.parent = entry.state;
        childInfo.node = move.node;
      }
      heap.push_back({childPeak, depth + 1, child});
      std::push_heap(heap.begin(), heap.end(), later);
    }
  }
  result.outcome = SearchOutcome::NoneWithinBudget;
  result.lowerBound = justAbove(budget);
  return result;
}

SearchResult ExactSearch::findWithin(int64_t budget, int64_t floor,
                                     const SearchLimits &limits) {
  SearchResult result;
  unsigned size = segment.size(), words = wordsFor(size);
  std::vector<uint64_t> key(words, 0);
  std::optional<unsigned> root = startSearch(budget, floor, key, result);
  if (!root)
    return result;
  int64_t rootPeak = result.lowerBound;
  if (size == 0) {
    result.outcome = SearchOutcome::Found;
    result.peak = rootPeak;
    return result;
  }

  // One frame per depth: the moves within budget, best first.
  struct Frame {
    unsigned state;
    std::vector<Move> moves;
    unsigned next;
  };
  std::vector<Frame> frames(size + 1);
  unsigned depth = 0;
  auto openFrame = [&](unsigned state) {
    Frame &frame = frames[depth];
    frame.state = state;
    frame.next = 0;
    const StateTable::Info &info = table->info(state);
    collectMoves(table->bits(state), info.live, info.peak, info.depth == 0,
                 frame.moves);
    limits.work.add(expansionWork(words, frame.moves.size()));
    int64_t peak = info.peak;
    llvm::erase_if(frame.moves, [&](const Move &move) {
      return std::max(peak, move.step.bytes) > budget;
    });
    llvm::sort(frame.moves, [](const Move &a, const Move &b) {
      return std::make_tuple(a.step.liveAfter, a.step.bytes, a.node) <
             std::make_tuple(b.step.liveAfter, b.step.bytes, b.node);
    });
  };
  openFrame(*root);
  while (true) {
    if (limits.work.reached() || table->size() > limits.maxStates)
      return result;
    Frame &frame = frames[depth];
    if (frame.next == frame.moves.size()) {
      if (depth == 0)
        break;
      --depth;
      continue;
    }
    const Move &move = frame.moves[frame.next++];
    std::memcpy(key.data(), table->bits(frame.state), words * sizeof(uint64_t));
    key[move.node / 64] |= uint64_t(1) << (move.node % 64);
    auto [child, added] = table->findOrInsert(
        key.data(), table->hash(frame.state) ^ zobristKeys[move.node]);
    if (!added)
      continue;
    StateTable::Info parentInfo = table->info(frame.state);
    int64_t childPeak = std::max(parentInfo.peak, move.step.bytes);
    table->info(child) = {childPeak, move.step.liveAfter,  frame.state,
                          move.node, parentInfo.depth + 1, false};
    ++depth;
    if (depth == size) {
      result.outcome = SearchOutcome::Found;
      result.peak = childPeak;
      for (unsigned level = 0; level < size; ++level)
        result.order.push_back(
            frames[level].moves[frames[level].next - 1].node);
      return result;
    }
    openFrame(child);
  }
  result.outcome = SearchOutcome::NoneWithinBudget;
  result.lowerBound = justAbove(budget);
  return result;
}

SearchResult ExactSearch::findByBeam(unsigned width, int64_t budget,
                                     int64_t floor,
                                     const SearchLimits &limits) {
  SearchResult result;
  unsigned size = segment.size(), words = wordsFor(size);
  int64_t rootPeak = std::max(floor, segment.lowerBound());
  result.lowerBound = rootPeak;
  if (rootPeak > budget) {
    result.outcome = SearchOutcome::NoneWithinBudget;
    result.lowerBound = justAbove(budget);
    return result;
  }
  struct BeamState {
    int64_t peak;
    int64_t live;
    uint64_t hash;
    /// Index in `trail` of the step that reached the state.
    uint32_t step;
  };
  // (previous step, node) of every step kept, to rebuild the order.
  std::vector<std::pair<uint32_t, uint32_t>> trail;
  std::vector<BeamState> level{
      {rootPeak, segment.liveBytesOnEntry(), 0, kNoState}},
      next;
  std::vector<uint64_t> levelBits(words, 0), nextBits;
  std::vector<uint32_t> slots, kept;
  std::vector<Move> moves;
  // Whether no state was dropped: then the beam was the full search.
  bool exhaustive = true;
  for (unsigned depth = 0; depth < size; ++depth) {
    if (limits.work.reached())
      return result;
    next.clear();
    nextBits.clear();
    slots.assign(std::max<uint64_t>(64, llvm::PowerOf2Ceil(4 * level.size())),
                 0);
    size_t mask = slots.size() - 1;
    auto growIfFull = [&]() {
      if (2 * (next.size() + 1) <= slots.size())
        return;
      slots.assign(2 * slots.size(), 0);
      mask = slots.size() - 1;
      for (unsigned child = 0; child < next.size(); ++child) {
        size_t slot = mixBits(next[child].hash) & mask;
        while (slots[slot] != 0)
          slot = (slot + 1) & mask;
        slots[slot] = child + 1;
      }
    };
    for (unsigned index = 0; index < level.size(); ++index) {
      if (limits.work.reached())
        return result;
      const BeamState &state = level[index];
      const uint64_t *bits = &levelBits[index * words];
      collectMoves(bits, state.live, state.peak, depth == 0, moves);
      limits.work.add(expansionWork(words, moves.size()));
      for (const Move &move : moves) {
        int64_t childPeak = std::max(state.peak, move.step.bytes);
        if (childPeak > budget)
          continue;
        uint64_t hash = state.hash ^ zobristKeys[move.node];
        growIfFull();
        size_t slot = mixBits(hash) & mask;
        for (; slots[slot] != 0; slot = (slot + 1) & mask) {
          unsigned other = slots[slot] - 1;
          const uint64_t *otherBits = &nextBits[other * words];
          bool same = next[other].hash == hash;
          for (unsigned word = 0; word < words && same; ++word) {
            uint64_t expected = bits[word];
            if (word == move.node / 64)
              expected |= uint64_t(1) << (move.node % 64);
            same = otherBits[word] == expected;
          }
          if (same)
            break;
        }
        if (slots[slot] != 0) {
          BeamState &other = next[slots[slot] - 1];
          if (childPeak < other.peak) {
            other.peak = childPeak;
            trail[other.step] = {state.step, move.node};
          }
          continue;
        }
        slots[slot] = next.size() + 1;
        trail.push_back({state.step, move.node});
        next.push_back(
            {childPeak, move.step.liveAfter, hash, uint32_t(trail.size() - 1)});
        nextBits.insert(nextBits.end(), bits, bits + words);
        nextBits[(next.size() - 1) * words + move.node / 64] |=
            uint64_t(1) << (move.node % 64);
      }
      if (next.size() + trail.size() > limits.maxStates)
        return result;
    }
    if (next.empty()) {
      if (exhaustive) {
        result.outcome = SearchOutcome::NoneWithinBudget;
        result.lowerBound = justAbove(budget);
      }
      return result;
    }
    kept.resize(next.size());
    for (unsigned child = 0; child < next.size(); ++child)
      kept[child] = child;
    auto better = [&](uint32_t a, uint32_t b) {
      return std::make_tuple(next[a].peak, next[a].live, a) <
             std::make_tuple(next[b].peak, next[b].live, b);
    };
    if (kept.size() > width) {
      std::nth_element(kept.begin(), kept.begin() + width, kept.end(), better);
      kept.resize(width);
      exhaustive = false;
    }
    level.clear();
    levelBits.clear();
    for (uint32_t child : kept) {
      level.push_back(next[child]);
      levelBits.insert(levelBits.end(), &nextBits[child * words],
                       &nextBits[(child + 1) * words]);
    }
  }
  result.outcome = SearchOutcome::Found;
  result.peak = level.front().peak;
  if (exhaustive)
    result.lowerBound = result.peak;
  for (uint32_t step = level.front().step; step != kNoState;
       step = trail[step].first)
    result.order.push_back(trail[step].second);
  std::reverse(result.order.begin(), result.order.end());
  return result;
}
