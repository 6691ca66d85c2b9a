//===- WindowSearch.cpp - Exact re-solves of windows of an order ----------===//

#include "WindowSearch.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace memopt;

namespace {
/// An order of a segment with the live bytes at and after each step, and
/// the highest step before and after each position.
class ProfiledOrder {
public:
  ProfiledOrder(const SegmentModel &segment, std::vector<unsigned> &order)
      : segment(segment), order(order), position(order.size()),
        stepBytes(order.size()), liveAfter(order.size()),
        maxBefore(order.size() + 1), maxFrom(order.size() + 1) {
    update(0, order.size());
  }

  unsigned size() const { return order.size(); }
  int64_t peak() const { return maxFrom[0]; }
  int64_t bytesAt(unsigned step) const { return stepBytes[step]; }
  /// Live bytes before `step`.
  int64_t liveBefore(unsigned step) const {
    return step == 0 ? segment.liveBytesOnEntry() : liveAfter[step - 1];
  }
  /// Highest step outside [begin, end).
  int64_t peakOutside(unsigned begin, unsigned end) const {
    return std::max(maxBefore[begin], maxFrom[end]);
  }
  unsigned positionOf(unsigned local) const { return position[local]; }

  /// Replaces the nodes of steps [begin, end) by `window` (the same nodes,
  /// reordered) and recomputes their steps.
  void replace(unsigned begin, llvm::ArrayRef<unsigned> window) {
    llvm::copy(window, order.begin() + begin);
    update(begin, begin + window.size());
  }

  /// Work units of `replace` and of finding the peak steps: both scan the
  /// whole order, at a small fraction of the cost of a search state per
  /// step.
  uint64_t scanWork() const { return size() / 16 + 1; }

private:
  void update(unsigned begin, unsigned end) {
    for (unsigned step = begin; step < end; ++step)
      position[order[step]] = step;
    int64_t live = liveBefore(begin);
    for (unsigned step = begin; step < end; ++step) {
      SegmentModel::Step next =
          segment.step(order[step], live, step == 0,
                       [&](unsigned local) { return position[local] < step; });
      stepBytes[step] = next.bytes;
      liveAfter[step] = live = next.liveAfter;
    }
    unsigned n = size();
    maxBefore[0] = 0;
    for (unsigned step = 0; step < n; ++step)
      maxBefore[step + 1] = std::max(maxBefore[step], stepBytes[step]);
    maxFrom[n] = 0;
    for (unsigned step = n; step > 0; --step)
      maxFrom[step - 1] = std::max(maxFrom[step], stepBytes[step - 1]);
  }

  const SegmentModel &segment;
  std::vector<unsigned> &order;
  std::vector<unsigned> position;
  std::vector<int64_t> stepBytes, liveAfter;
  /// Highest step among the first `i` steps, and from step `i` on.
  std::vector<int64_t> maxBefore, maxFrom;
};

/// Re-solves the window [begin, end) of `profiled`, exactly when it has at
/// most `limits.maxExactWindow` steps, otherwise by beam search; returns
/// whether all its steps came below `peak`.
bool resolveWindow(const SegmentModel &segment, ProfiledOrder &profiled,
                   llvm::ArrayRef<unsigned> order, unsigned begin, unsigned end,
                   int64_t peak, int64_t floor, const WindowLimits &limits) {
  std::vector<unsigned> nodes;
  for (unsigned step = begin; step < end; ++step)
    nodes.push_back(segment.globalNode(order[step]));
  SegmentModel window(
      segment.getGraph(), segment.getOptions(), nodes,
      [&](unsigned global) {
        if (segment.runsBefore(global))
          return true;
        std::optional<unsigned> local = segment.localNode(global);
        return local && profiled.positionOf(*local) < begin;
      },
      profiled.liveBefore(begin));
  // Steps down to the highest step outside the window make no difference.
  int64_t windowFloor =
      std::min(std::max(floor, profiled.peakOutside(begin, end)), peak - 1);
  limits.work.add(nodes.size() / 4 + 1);
  ExactSearch search(window);
  SearchResult found =
      end - begin <= limits.maxExactWindow
          ? search.findOptimal(peak - 1, windowFloor,
                               {limits.work, limits.maxExactStates})
          : search.findByBeam(limits.beamWidth, peak - 1, windowFloor,
                              {limits.work, limits.maxBeamStates});
  if (found.outcome != SearchOutcome::Found)
    return false;
  std::vector<unsigned> reordered;
  for (unsigned local : found.order)
    reordered.push_back(*segment.localNode(window.globalNode(local)));
  profiled.replace(begin, reordered);
  limits.work.add(profiled.scanWork());
  return true;
}
} // namespace

int64_t memopt::improveByWindows(const SegmentModel &segment,
                                 std::vector<unsigned> &order, int64_t floor,
                                 const WindowLimits &limits) {
  ProfiledOrder profiled(segment, order);
  unsigned n = profiled.size();
  unsigned largest = std::min(
      n, std::max(1u, limits.maxExactWindow * (limits.beamWidth ? 2 : 1)));
  while (profiled.peak() > floor && !limits.work.reached()) {
    limits.work.add(profiled.scanWork());
    int64_t peak = profiled.peak();
    std::vector<unsigned> peakSteps;
    for (unsigned step = 0; step < n; ++step)
      if (profiled.bytesAt(step) == peak)
        peakSteps.push_back(step);
    unsigned target = peakSteps[peakSteps.size() / 2];
    bool lowered = false;
    for (unsigned size = std::min(8u, largest); !limits.work.reached();
         size = std::min(2 * size, largest)) {
      // The window starts a quarter, half or three quarters of its size
      // before the target step.
      unsigned lastBegin = n;
      for (unsigned quarter = 1; quarter <= 3 && !lowered; ++quarter) {
        unsigned begin = std::min<unsigned>(
            target - std::min(target, size * quarter / 4), n - size);
        if (begin == lastBegin)
          continue;
        lastBegin = begin;
        lowered = resolveWindow(segment, profiled, order, begin, begin + size,
                                peak, floor, limits);
      }
      if (lowered || size == largest)
        break;
    }
    if (!lowered)
      break;
  }
  return profiled.peak();
}
