//===- RowBands.cpp - Band and halo arithmetic of row-banded CNNs ---------===//

#include "memopt/Rewrite/RowBands.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <functional>
#include <tuple>

using namespace memopt;
using llvm::SmallVector;

RowRange RowRange::hull(RowRange other) const {
  if (other.empty())
    return *this;
  if (empty())
    return other;
  return {std::min(begin, other.begin), std::max(end, other.end)};
}

RowRange RowRange::clamp(int64_t height) const {
  RowRange clamped{std::clamp<int64_t>(begin, 0, height),
                   std::clamp<int64_t>(end, 0, height)};
  return clamped.empty() ? RowRange{} : clamped;
}

RowRange RowLayer::inputRowsFor(RowRange out) const {
  if (out.empty())
    return {};
  return {out.begin * stride - padTop,
          (out.end - 1) * stride - padTop + effectiveKernel()};
}

std::optional<std::string> RowSegment::check() const {
  if (layers.empty())
    return "the segment has no layer";
  for (auto [index, layer] : llvm::enumerate(layers)) {
    std::string where =
        "layer " + std::to_string(index) + " ('" + layer.name + "')";
    if (layer.kernel < 1 || layer.stride < 1 || layer.dilation < 1 ||
        layer.inputHeight < 1 || layer.outputHeight < 1 ||
        layer.outputRowBytes < 0 || layer.paddedInputRowBytes < 0 ||
        layer.macsPerOutputRow < 0)
      return where + " has a non-positive kernel, stride, dilation or "
                     "height, or a negative size";
    if (layer.inputs.empty())
      return where + " has no input";
    for (int input : layer.inputs) {
      if (input < -1 || input >= int(index))
        return where + " reads a layer that does not come before it";
      if (input >= 0 && layers[input].outputHeight != layer.inputHeight)
        return where + " reads " + std::to_string(layers[input].outputHeight) +
               " rows where it expects " + std::to_string(layer.inputHeight);
    }
    bool read = index + 1 == layers.size();
    for (const RowLayer &later : llvm::drop_begin(layers, index + 1))
      read |= llvm::is_contained(later.inputs, int(index));
    if (!read)
      return where + " feeds no later layer";
  }
  return std::nullopt;
}

int64_t RowSegment::macs() const {
  int64_t total = 0;
  for (const RowLayer &layer : layers)
    total += layer.macsPerOutputRow * layer.outputHeight;
  return total;
}

std::vector<RowRange> memopt::partitionRows(int64_t height,
                                            int64_t rowsPerBand) {
  std::vector<RowRange> bands;
  for (int64_t begin = 0; begin < height; begin += rowsPerBand)
    bands.push_back({begin, std::min(height, begin + rowsPerBand)});
  return bands;
}

BandRows memopt::overlapBandRows(const RowSegment &segment, RowRange band) {
  BandRows rows;
  unsigned n = segment.layers.size();
  rows.layerRows.assign(n, RowRange{});
  rows.layerRows[n - 1] = band.clamp(segment.outputHeight());
  // Readers come after what they read: walk back, widening each input.
  for (unsigned index = n; index-- > 0;) {
    const RowLayer &layer = segment.layers[index];
    RowRange needed =
        layer.inputRowsFor(rows.layerRows[index]).clamp(layer.inputHeight);
    for (int input : layer.inputs) {
      RowRange &target = input < 0 ? rows.inputRows : rows.layerRows[input];
      target = target.hull(needed);
    }
  }
  return rows;
}

BoundaryRows memopt::boundaryPassingRows(const RowSegment &segment,
                                         llvm::ArrayRef<RowRange> bands) {
  unsigned n = segment.layers.size();
  BoundaryRows rows;
  rows.carriedRows.assign(n, 0);
  // Rows [0, computedEnd[i]) of layer i are done (or needed by nobody).
  std::vector<int64_t> computedEnd(n, 0);
  std::vector<std::vector<RowRange>> neededRows;
  std::vector<std::vector<int64_t>> computedEnds;
  for (RowRange band : bands) {

    std::vector<RowRange> needed(n);
    needed[n - 1] = band.clamp(segment.outputHeight());
    std::vector<RowRange> fresh(n);
    for (unsigned index = n; index-- > 0;) {
      const RowLayer &layer = segment.layers[index];
      RowRange &wanted = needed[index];
      fresh[index] = {std::max(wanted.begin, computedEnd[index]), wanted.end};
      if (fresh[index].empty())
        fresh[index] = {};
      int64_t carried = std::min(wanted.end, computedEnd[index]) - wanted.begin;
      rows.carriedRows[index] = std::max(rows.carriedRows[index], carried);
      RowRange reads =
          layer.inputRowsFor(fresh[index]).clamp(layer.inputHeight);
      for (int input : layer.inputs)
        if (input >= 0)
          needed[input] = needed[input].hull(reads);
    }
    for (unsigned index = 0; index < n; ++index)
      computedEnd[index] = std::max(computedEnd[index], fresh[index].end);
    rows.newRows.push_back(std::move(fresh));
    neededRows.push_back(std::move(needed));
    computedEnds.push_back(computedEnd);
  }
  // A band holds each layer's rows from the first one it or a later band
  // reads up to the last one computed so far.
  rows.windows.assign(bands.size(), std::vector<RowRange>(n));
  for (unsigned index = 0; index < n; ++index) {
    std::optional<int64_t> keepFrom;
    for (unsigned band = bands.size(); band-- > 0;) {
      RowRange needed = neededRows[band][index];
      if (!needed.empty())
        keepFrom = std::min(keepFrom.value_or(needed.begin), needed.begin);
      if (keepFrom && *keepFrom < computedEnds[band][index])
        rows.windows[band][index] = {*keepFrom, computedEnds[band][index]};
    }
  }
  return rows;
}

BoundaryRows memopt::pacedBoundaryRows(const RowSegment &segment,
                                       int64_t rowsPerBand) {
  unsigned n = segment.layers.size();
  // The stride product from the segment input to its output.
  int64_t stride = 1;
  for (int index = n - 1; index >= 0;
       index = segment.layers[index].inputs.front())
    stride *= segment.layers[index].stride;
  std::vector<std::vector<int>> readers(n);
  for (unsigned index = 0; index < n; ++index)
    for (int input : segment.layers[index].inputs)
      if (input >= 0)
        readers[input].push_back(index);
  BoundaryRows rows;
  rows.carriedRows.assign(n, 0);
  // Rows [0, done[i]) of layer i are computed.
  std::vector<int64_t> done(n, 0);
  // Each band makes at least one more input row available; past every
  // map's end plus its padding nothing is left to wait for.
  int64_t lastBand = 2;
  for (const RowLayer &layer : segment.layers)
    lastBand += layer.inputHeight + layer.effectiveKernel();
  for (int64_t band = 0;
       done[n - 1] < segment.outputHeight() && band < lastBand; ++band) {
    int64_t available = (band + 1) * rowsPerBand * stride;
    std::vector<int64_t> reach(n);
    std::vector<RowRange> fresh(n);
    for (unsigned index = 0; index < n; ++index) {
      const RowLayer &layer = segment.layers[index];
      int64_t computable = std::numeric_limits<int64_t>::max();
      for (int input : layer.inputs) {
        int64_t inputReach = input < 0 ? available : reach[input];
        // Output row r reads input rows up to r*s - p + k_eff.
        int64_t last = inputReach + layer.padTop - layer.effectiveKernel();
        int64_t count = last < 0 ? 0 : last / layer.stride + 1;
        computable = std::min(computable, count);
      }
      // Rows past the map's end are its readers' bottom padding: the reach
      // goes on.
      reach[index] = computable;
      int64_t end =
          std::max(done[index], std::min(computable, layer.outputHeight));
      fresh[index] = {done[index], end};
      if (fresh[index].empty())
        fresh[index] = {};
    }
    rows.newRows.push_back(fresh);
    std::vector<RowRange> windows(n);
    for (unsigned index = 0; index < n; ++index) {
      int64_t end = std::max(done[index], fresh[index].end);
      // Readers read next from the first input row of their next new row.
      int64_t keep = end;
      for (int reader : readers[index]) {
        const RowLayer &layer = segment.layers[reader];
        keep = std::min(keep, std::clamp<int64_t>(done[reader] * layer.stride -
                                                      layer.padTop,
                                                  0, end));
      }
      keep = std::min(keep, fresh[index].empty() ? end : fresh[index].begin);
      windows[index] =
          RowRange{keep, end}.empty() ? RowRange{} : RowRange{keep, end};
      rows.carriedRows[index] = std::max(
          rows.carriedRows[index], windows[index].size() - fresh[index].size());
    }
    rows.windows.push_back(std::move(windows));
    for (unsigned index = 0; index < n; ++index)
      done[index] = std::max(done[index], fresh[index].end);
  }
  return rows;
}

std::optional<std::string> BoundaryRows::checkWindows() const {
  for (unsigned band = 0; band < windows.size(); ++band)
    for (unsigned layer = 0; layer < windows[band].size(); ++layer) {
      RowRange window = windows[band][layer];
      RowRange fresh = newRows[band][layer];
      std::string where =
          "band " + std::to_string(band) + ", layer " + std::to_string(layer);
      if (!fresh.empty() &&
          (fresh.end != window.end || fresh.begin < window.begin))
        return where + ": its new rows do not end its window";
      int64_t carried = carriedIn(band, layer);
      if (carried == 0)
        continue;
      RowRange previous = band ? windows[band - 1][layer] : RowRange{};
      if (previous.begin > window.begin ||
          previous.end < window.begin + carried)
        return where + ": it carries rows the band before did not hold";
    }
  return std::nullopt;
}

/// The largest working set of one band: `rows[i]` output rows of layer i,
/// plus `carried[i]` rows of it kept from the previous band. The last
/// layer's output counts when `withOutput` (one band writes the whole
/// output, live from the last layer on).
static int64_t bandWorkingSet(const RowSegment &segment,
                              llvm::ArrayRef<RowRange> rows,
                              llvm::ArrayRef<int64_t> carried,
                              bool withOutput = false) {
  unsigned n = segment.layers.size();
  std::vector<unsigned> lastReader(n, n - 1);
  for (unsigned index = 0; index < n; ++index)
    for (int input : segment.layers[index].inputs)
      if (input >= 0)
        lastReader[input] = index;
  // Each layer's band is live from its step through its last reader's:
  // added at the first, taken off after the last.
  std::vector<int64_t> change(n + 1, 0);
  // Layers before the last write bands; the last writes the output.
  for (unsigned index = 0; index + (withOutput ? 0 : 1) < n; ++index) {
    int64_t bytes = (rows[index].size() + carried[index]) *
                    segment.layers[index].outputRowBytes;
    change[index] += bytes;
    change[lastReader[index] + 1] -= bytes;
  }
  int64_t peak = 0, live = 0;
  for (unsigned step = 0; step < n; ++step) {
    const RowLayer &layer = segment.layers[step];
    live += change[step];
    int64_t padded =
        layer.paddedInputRowBytes > 0
            ? layer.inputRowsFor(rows[step]).size() * layer.paddedInputRowBytes
            : 0;
    peak = std::max(peak, live + padded);
  }
  return peak;
}

/// The band peak (carried rows, live across the loop, and the largest band
/// working set) and the MACs of boundary passing by `rows`.
static std::pair<int64_t, int64_t> boundaryCost(const RowSegment &segment,
                                                const BoundaryRows &rows) {
  unsigned n = segment.layers.size();
  // A band holds each layer's window: the rows it carries in, live across
  // the whole loop, then its new rows.
  std::vector<int64_t> carried(n, 0);
  for (unsigned band = 0; band < rows.newRows.size(); ++band)
    for (unsigned index = 0; index < n; ++index)
      carried[index] = std::max(carried[index], rows.carriedIn(band, index));
  int64_t peak = 0, macs = 0;
  for (unsigned band = 0; band < rows.newRows.size(); ++band) {
    const std::vector<RowRange> &fresh = rows.newRows[band];
    std::vector<int64_t> carriedIn(n);
    for (unsigned index = 0; index < n; ++index)
      carriedIn[index] = rows.carriedIn(band, index);
    peak = std::max(peak, bandWorkingSet(segment, fresh, carriedIn));
    for (unsigned index = 0; index < n; ++index)
      macs += fresh[index].size() * segment.layers[index].macsPerOutputRow;
  }
  for (unsigned index = 0; index + 1 < n; ++index)
    peak += carried[index] * segment.layers[index].outputRowBytes;
  return {peak, macs};
}

BoundaryRows memopt::boundaryRowsFor(const RowSegment &segment,
                                     const BandEstimate &estimate) {
  if (estimate.paced)
    return pacedBoundaryRows(segment, estimate.rowsPerBand);
  return boundaryPassingRows(
      segment, partitionRows(segment.outputHeight(), estimate.rowsPerBand));
}

BandEstimate memopt::estimateBands(const RowSegment &segment, BandMode mode,
                                   int64_t rowsPerBand,
                                   int64_t liveAcrossBytes) {
  BandEstimate estimate;
  estimate.mode = mode;
  estimate.rowsPerBand = rowsPerBand;
  unsigned n = segment.layers.size();
  std::vector<RowRange> bands =
      partitionRows(segment.outputHeight(), rowsPerBand);
  estimate.bands = bands.size();
  int64_t bandPeak = 0;
  if (bands.size() == 1) {
    // The unbanded segment: layer by layer, the output among the maps.
    BandRows rows = overlapBandRows(segment, bands.front());
    const RowLayer &last = segment.layers.back();
    estimate.peakBytes =
        liveAcrossBytes - last.outputRowBytes * last.outputHeight +
        bandWorkingSet(segment, rows.layerRows, std::vector<int64_t>(n, 0),
                       /*withOutput=*/true);
    estimate.macs = segment.macs();
    return estimate;
  }
  if (mode == BandMode::Overlap) {
    std::vector<int64_t> noCarry(n, 0);
    for (RowRange band : bands) {
      BandRows rows = overlapBandRows(segment, band);
      bandPeak =
          std::max(bandPeak, bandWorkingSet(segment, rows.layerRows, noCarry));
      for (unsigned index = 0; index < n; ++index)
        estimate.macs += rows.layerRows[index].size() *
                         segment.layers[index].macsPerOutputRow;
    }
  } else {
    // Both schedules of boundary passing; the one of the lower peak, then
    // of less compute.
    for (bool paced : {false, true}) {
      BoundaryRows rows = paced ? pacedBoundaryRows(segment, rowsPerBand)
                                : boundaryPassingRows(segment, bands);
      auto [peak, macs] = boundaryCost(segment, rows);
      if (paced && std::tie(peak, macs) >= std::tie(bandPeak, estimate.macs))
        continue;
      bandPeak = peak;
      estimate.macs = macs;
      estimate.paced = paced;
      estimate.bands = rows.newRows.size();
    }
  }
  estimate.peakBytes = liveAcrossBytes + bandPeak;
  estimate.addedMacs = estimate.macs - segment.macs();
  return estimate;
}

BandChoice memopt::chooseBands(const RowSegment &segment,
                               int64_t liveAcrossBytes,
                               const BandChoiceOptions &options) {
  int64_t height = segment.outputHeight();
  int64_t allowedMacs = 0;
  double allowed = options.maxAddedMacsRatio * double(segment.macs());
  allowedMacs = allowed >= double(std::numeric_limits<int64_t>::max())
                    ? std::numeric_limits<int64_t>::max()
                    : int64_t(allowed);
  BandChoice best;
  best.estimate = estimateBands(segment, options.mode, height, liveAcrossBytes);
  SmallVector<BandMode, 2> modes = {options.mode};
  if (options.anyMode)
    modes.push_back(options.mode == BandMode::Overlap
                        ? BandMode::BoundaryPassing
                        : BandMode::Overlap);
  auto better = [&](const BandEstimate &a, const BandEstimate &b) {
    bool aFits = options.budgetBytes && a.peakBytes <= *options.budgetBytes;
    bool bFits = options.budgetBytes && b.peakBytes <= *options.budgetBytes;
    if (aFits != bFits)
      return aFits;
    if (aFits)
      return std::tie(a.addedMacs, a.peakBytes, a.bands) <
             std::tie(b.addedMacs, b.peakBytes, b.bands);
    return std::tie(a.peakBytes, a.addedMacs, a.bands) <
           std::tie(b.peakBytes, b.addedMacs, b.bands);
  };
  if (options.fixedBands) {
    int64_t bands = std::clamp<int64_t>(*options.fixedBands, 1, height);
    for (auto [index, mode] : llvm::enumerate(modes)) {
      BandEstimate estimate = estimateBands(
          segment, mode, (height + bands - 1) / bands, liveAcrossBytes);
      if (index == 0 || better(estimate, best.estimate))
        best.estimate = estimate;
    }
    best.meetsBudget =
        !options.budgetBytes || best.estimate.peakBytes <= *options.budgetBytes;
    return best;
  }
  for (BandMode mode : modes)
    for (int64_t rowsPerBand = height - 1; rowsPerBand >= 1; --rowsPerBand) {
      int64_t bands = (height + rowsPerBand - 1) / rowsPerBand;
      if (bands > options.maxBands)
        break;
      BandEstimate estimate =
          estimateBands(segment, mode, rowsPerBand, liveAcrossBytes);
      if (estimate.addedMacs > allowedMacs)
        continue;
      if (better(estimate, best.estimate))
        best.estimate = estimate;
    }
  best.meetsBudget =
      !options.budgetBytes || best.estimate.peakBytes <= *options.budgetBytes;
  return best;
}

RowSegment memopt::subSegment(const RowSegment &run, unsigned first,
                              unsigned last) {
  RowSegment segment;
  for (unsigned index = first; index <= last; ++index) {
    RowLayer layer = run.layers[index];
    for (int &input : layer.inputs)
      input = input < int(first) ? -1 : input - int(first);
    segment.layers.push_back(std::move(layer));
  }
  return segment;
}

bool memopt::isCutPoint(const RowSegment &run, unsigned index) {
  for (const RowLayer &layer : llvm::drop_begin(run.layers, index + 1))
    for (int input : layer.inputs)
      if (input < int(index))
        return false;
  return true;
}

SegmentPlan memopt::planSegments(const RowSegment &run, int64_t runInputBytes,
                                 const BandChoiceOptions &options,
                                 const std::vector<bool> &mustEnd) {
  unsigned n = run.layers.size();
  // A layer of no bytes is a view: the map it views stays live with it.
  std::function<int64_t(int)> outputBytes = [&](int index) -> int64_t {
    if (index < 0)
      return runInputBytes;
    const RowLayer &layer = run.layers[index];
    if (layer.outputRowBytes == 0 && !layer.inputs.empty())
      return outputBytes(layer.inputs.front());
    return layer.outputRowBytes * layer.outputHeight;
  };
  // Segment boundaries: before the first layer (-1) and after each cut.
  std::vector<int> cuts = {-1};
  for (unsigned index = 0; index + 1 < n; ++index)
    if (isCutPoint(run, index))
      cuts.push_back(index);
  cuts.push_back(n - 1);
  // Scores compare lexicographically: with a budget, whether a part misses
  // it (by its peak), then added compute, then the peak; then the fewest
  // banded parts.
  auto score = [&](int64_t peak, int64_t added, int64_t banded) {
    bool misses = options.budgetBytes && peak > *options.budgetBytes;
    if (options.budgetBytes)
      return std::make_tuple(misses ? peak : int64_t(0), added, peak, banded);
    return std::make_tuple(peak, added, int64_t(0), banded);
  };
  struct State {
    bool reached = false;
    int64_t peak = 0, added = 0, banded = 0;
    int previous = -1;
    BandChoice choice;
  };
  std::vector<State> states(cuts.size());
  states[0].reached = true;
  for (unsigned end = 1; end < cuts.size(); ++end) {
    for (unsigned start = 0; start < end; ++start) {
      if (!states[start].reached)
        continue;
      unsigned first = cuts[start] + 1, last = cuts[end];
      bool spansForcedEnd = false;
      for (unsigned index = first; index < last && !mustEnd.empty(); ++index)
        spansForcedEnd |= mustEnd[index];
      if (spansForcedEnd)
        continue;
      RowSegment segment = subSegment(run, first, last);
      int64_t input = first == 0 ? runInputBytes : outputBytes(first - 1);
      BandChoice choice =
          chooseBands(segment, input + outputBytes(last), options);
      int64_t peak = std::max(states[start].peak, choice.estimate.peakBytes);
      int64_t added = states[start].added + choice.estimate.addedMacs;
      int64_t banded =
          states[start].banded + (choice.estimate.bands > 1 ? 1 : 0);
      State &state = states[end];
      if (state.reached && score(state.peak, state.added, state.banded) <=
                               score(peak, added, banded))
        continue;
      state = {true, peak, added, banded, int(start), choice};
    }
  }
  SegmentPlan plan;
  plan.peakBytes = states.back().peak;
  plan.addedMacs = states.back().added;
  for (int at = cuts.size() - 1; at > 0; at = states[at].previous)
    plan.parts.push_back({unsigned(cuts[states[at].previous] + 1),
                          unsigned(cuts[at]), states[at].choice});
  std::reverse(plan.parts.begin(), plan.parts.end());
  return plan;
}
