//===- WindowSearch.h - Exact re-solves of windows of an order --*- C++ -*-===//
//
// Part of memopt. Internal to lib/Schedule: a large neighbourhood search on
// one order of a segment. A window of consecutive steps can be reordered
// among its own nodes without changing the set of nodes that ran before any
// step outside it, so the bytes of those steps stay the same: the window is
// a segment model of its own (entered with the live bytes before its first
// step), and the exact search finds its best order, or a beam search a good
// one when the window is too large. Windows around a step at the peak that
// bring their steps below the peak remove peak steps one by one until the
// peak drops.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_LIB_SCHEDULE_WINDOWSEARCH_H
#define MEMOPT_LIB_SCHEDULE_WINDOWSEARCH_H

#include "ExactSearch.h"
#include "SegmentModel.h"

#include <cstdint>
#include <vector>

namespace memopt {

struct WindowLimits {
  /// Where the whole window search stops.
  WorkLimit work;
  /// Largest window re-solved by the exact search, in steps.
  unsigned maxExactWindow;
  /// States the exact search of one window may store.
  size_t maxExactStates;
  /// Width of the beam search that re-solves windows of up to twice
  /// `maxExactWindow` steps; none when 0.
  unsigned beamWidth;
  /// States and steps the beam search of one window may store.
  size_t maxBeamStates;
};

/// Lowers the peak of `order`, a valid order of `segment` as local ids, in
/// place, and returns its new peak. Steps below `floor` count as `floor`.
/// Works on one step at the peak at a time: re-solves the windows of 8, 16,
/// ... steps around it (three placements each), exactly up to
/// `maxExactWindow` steps and by beam search up to twice that (smaller
/// windows when these limits are below 8), until one brings all its steps
/// below the peak. Stops at the
/// work limit, once the peak is at most `floor`, or when a peak step resists
/// every window (a local optimum for these windows and limits).
int64_t improveByWindows(const SegmentModel &segment,
                         std::vector<unsigned> &order, int64_t floor,
                         const WindowLimits &limits);

} // namespace memopt

#endif // MEMOPT_LIB_SCHEDULE_WINDOWSEARCH_H
