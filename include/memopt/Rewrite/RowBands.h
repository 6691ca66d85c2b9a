//===- RowBands.h - Band and halo arithmetic of row-banded CNNs -*- C++ -*-===//
//
// Part of memopt. The IR-free side of running a segment of convolution,
// pooling and elementwise layers band by band of output rows (LR-CNN's
// row-centric execution, MCUNetV2's patches along one dimension): which rows
// of every layer a band needs, what boundary passing carries from band to
// band, and what a band count costs in memory and compute. It knows nothing
// of MLIR (docs/Rewrites-RowBands.md).
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_REWRITE_ROWBANDS_H
#define MEMOPT_REWRITE_ROWBANDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace memopt {

/// The rows [begin, end) of a feature map; rows outside the map (below 0 or
/// at its height and above) are padding.
struct RowRange {
  int64_t begin = 0;
  int64_t end = 0;

  int64_t size() const { return end > begin ? end - begin : 0; }
  bool empty() const { return end <= begin; }
  /// The smallest range holding both (an empty range holds nothing).
  RowRange hull(RowRange other) const;
  /// The part inside a map of `height` rows.
  RowRange clamp(int64_t height) const;
  bool operator==(const RowRange &other) const {
    return begin == other.begin && end == other.end;
  }
};

/// One op of a segment along H. Output row r reads input rows
/// r*stride - padTop + t*dilation for t in [0, kernel): rows outside the
/// input are padding. Elementwise ops are kernel 1, stride 1.
struct RowLayer {
  std::string name;
  /// Where each input comes from: an earlier layer's index, or -1 for the
  /// segment input. Inputs that are not feature maps (weights) are not
  /// listed.
  llvm::SmallVector<int, 2> inputs;
  int64_t kernel = 1;
  int64_t stride = 1;
  int64_t dilation = 1;
  /// Rows of padding above the input; negative for a crop that skips rows.
  int64_t padTop = 0;
  /// Rows of each input and of the output.
  int64_t inputHeight = 0;
  int64_t outputHeight = 0;
  /// Bytes of one output row.
  int64_t outputRowBytes = 0;
  /// Bytes of one row of the padded copy of the input a band makes when the
  /// layer pads (0 when it reads its input in place).
  int64_t paddedInputRowBytes = 0;
  /// Multiply-accumulates per output row.
  int64_t macsPerOutputRow = 0;

  /// Rows one output row spans: (kernel - 1) * dilation + 1.
  int64_t effectiveKernel() const { return (kernel - 1) * dilation + 1; }
  /// Input rows, padding included, that output rows `out` read:
  /// [a*s - p, (b-1)*s - p + k_eff) for out = [a, b).
  RowRange inputRowsFor(RowRange out) const;
};

/// A segment: layers in an order where inputs come first; the last layer
/// is the segment's output, and every other layer feeds a later one.
struct RowSegment {
  std::vector<RowLayer> layers;

  int64_t outputHeight() const {
    return layers.empty() ? 0 : layers.back().outputHeight;
  }
  /// Why the segment is malformed (input indices, heights, sizes), if it is.
  std::optional<std::string> check() const;
  /// Multiply-accumulates of the whole segment, run once.
  int64_t macs() const;
};

/// Bands of `rowsPerBand` rows covering [0, height), the last one shorter
/// when `rowsPerBand` does not divide `height`.
std::vector<RowRange> partitionRows(int64_t height, int64_t rowsPerBand);

/// Overlap mode: the output rows each layer computes for output band
/// `band` of the segment (clamped to its map, halos included), and the rows
/// of the segment input it reads (clamped; padding is not read).
struct BandRows {
  std::vector<RowRange> layerRows;
  RowRange inputRows;
};
BandRows overlapBandRows(const RowSegment &segment, RowRange band);

/// Boundary passing: bands run in order and each layer computes only rows no
/// earlier band computed. For each layer, the most output rows a band reads
/// that the previous band computed (they are carried from band to band),
/// and the rows each band computes.
struct BoundaryRows {
  std::vector<int64_t> carriedRows;
  /// newRows[band][layer]: rows that band computes of that layer's output.
  std::vector<std::vector<RowRange>> newRows;
  /// windows[band][layer]: the rows of that layer's output the band holds,
  /// the carried ones (computed by earlier bands) then its new ones; its
  /// readers in the band read only these. Empty when the band neither
  /// computes nor reads the layer.
  std::vector<std::vector<RowRange>> windows;

  /// Rows of `layer` band `band` carries in from the band before.
  int64_t carriedIn(unsigned band, unsigned layer) const {
    return windows[band][layer].size() - newRows[band][layer].size();
  }
  /// Why the windows cannot be run as carry-then-new-rows tensors, if they
  /// cannot: new rows not at a window's end, or rows a band carries in that
  /// the band before did not hold.
  std::optional<std::string> checkWindows() const;
};
BoundaryRows boundaryPassingRows(const RowSegment &segment,
                                 llvm::ArrayRef<RowRange> bands);

/// Boundary passing paced by the segment input, as LR-CNN streams rows:
/// band j makes rows up to (j + 1) * rowsPerBand * S of the segment input
/// available (S: the product of the strides from the input to the output;
/// rows past the input's end count as its bottom padding) and every layer
/// computes each row whose input rows are all available, so each band
/// computes about `rowsPerBand` output rows' worth at every layer: the
/// first bands fill the pipeline (they produce no output rows while the
/// halos fill), the last ones drain it, and no band computes a whole halo at
/// once. Every row of every layer is computed exactly once; windows hold the
/// rows later reads still need.
BoundaryRows pacedBoundaryRows(const RowSegment &segment, int64_t rowsPerBand);

enum class BandMode { Overlap, BoundaryPassing };

/// What running a segment in bands costs.
struct BandEstimate {
  BandMode mode = BandMode::Overlap;
  int64_t rowsPerBand = 0;
  int64_t bands = 0;
  /// Boundary passing paced by the segment input (pacedBoundaryRows) rather
  /// than by bands of output rows (boundaryPassingRows).
  bool paced = false;
  /// Bytes live while the banded segment runs: `liveAcrossBytes` (segment
  /// input, output and whatever else stays live across it), the carried
  /// rows, and the largest band working set.
  int64_t peakBytes = 0;
  /// Multiply-accumulates of all bands, and above one unbanded run (below
  /// when the unbanded run computes rows nothing reads).
  int64_t macs = 0;
  int64_t addedMacs = 0;
};

/// The cost of `rowsPerBand` rows per output band (boundary passing: the
/// better of its two schedules). A band's working set is
/// taken layer by layer in order: the band of each layer's output is live
/// from that layer through its last reader, a padding layer's padded input
/// band at that layer; the segment input is read in place and the last
/// layer writes into the segment output. One band is the unbanded segment
/// (its MACs, the output live from the last layer on).
BandEstimate estimateBands(const RowSegment &segment, BandMode mode,
                           int64_t rowsPerBand, int64_t liveAcrossBytes);

/// The rows of boundary passing as `estimate` (of that mode) runs them.
BoundaryRows boundaryRowsFor(const RowSegment &segment,
                             const BandEstimate &estimate);

/// How to choose the band count.
struct BandChoiceOptions {
  BandMode mode = BandMode::Overlap;
  /// Consider both modes (`mode` only breaks ties): boundary passing adds
  /// no compute, overlap carries nothing from band to band.
  bool anyMode = false;
  /// Bytes the peak should not exceed; none to minimise the peak.
  std::optional<int64_t> budgetBytes;
  /// Largest added compute, as a fraction of the segment's MACs.
  double maxAddedMacsRatio = std::numeric_limits<double>::infinity();
  /// Most bands to consider.
  int64_t maxBands = std::numeric_limits<int64_t>::max();
  /// Use this many bands (rows per band rounded up) whatever they cost.
  std::optional<int64_t> fixedBands;
};

/// The band height to use: without a budget, the lowest peak (then the
/// least added compute, then the fewest bands); with one, the least added
/// compute among those within it (then the lowest peak), or the lowest peak
/// when none is. Only heights within `maxAddedMacsRatio` and `maxBands` are
/// considered; one band (the unbanded segment) always is. `meetsBudget`
/// tells whether the budget was met.
struct BandChoice {
  BandEstimate estimate;
  bool meetsBudget = true;
};
BandChoice chooseBands(const RowSegment &segment, int64_t liveAcrossBytes,
                       const BandChoiceOptions &options);

/// Layers `first..last` of `run` as a segment of their own: inputs from
/// before `first` become the segment input.
RowSegment subSegment(const RowSegment &run, unsigned first, unsigned last);

/// Whether a segment may end after layer `index` of `run`: no later layer
/// reads the run's input or a layer before `index`, so only that layer's
/// output is live there.
bool isCutPoint(const RowSegment &run, unsigned index);

/// A run cut into segments, each with its band choice.
struct SegmentPlan {
  struct Part {
    unsigned first = 0;
    unsigned last = 0;
    BandChoice choice;
  };
  std::vector<Part> parts;
  /// Largest estimated peak over the parts, and their added MACs.
  int64_t peakBytes = 0;
  int64_t addedMacs = 0;
};

/// Cuts `run` at cut points into segments and chooses each one's bands:
/// the lowest largest peak, then the least added compute (with a budget:
/// the least added compute with every part within it, else the lowest
/// peak). Dynamic programming over cut points; each part's live-across
/// bytes are its input (the run's input: `runInputBytes`) and its output.
/// A segment ends after every layer marked in `mustEnd` (empty: none);
/// those must be cut points.
SegmentPlan planSegments(const RowSegment &run, int64_t runInputBytes,
                         const BandChoiceOptions &options,
                         const std::vector<bool> &mustEnd = {});

} // namespace memopt

#endif // MEMOPT_REWRITE_ROWBANDS_H
