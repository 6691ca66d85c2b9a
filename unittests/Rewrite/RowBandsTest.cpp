//===- RowBandsTest.cpp - Band arithmetic against row-index simulation ----===//

#include "memopt/Rewrite/RowBands.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <limits>
#include <random>
#include <set>

using namespace memopt;

namespace {

/// The kinds of layers of the random chains.
struct LayerKind {
  const char *name;
  int64_t kernel, stride, dilation, pad;
};
constexpr LayerKind kKinds[] = {
    {"conv7x7s2p3", 7, 2, 1, 3}, {"maxpool3x3s2p1", 3, 2, 1, 1},
    {"conv3x3p1", 3, 1, 1, 1},   {"conv3x3d2p2", 3, 1, 2, 2},
    {"conv1x1", 1, 1, 1, 0},     {"conv1x1s2", 1, 2, 1, 0},
    {"pool2x2s2", 2, 2, 1, 0},   {"conv3x3p0", 3, 1, 1, 0},
};

/// A random chain from an input of 9 to 60 rows: each layer reads the one
/// before it, and a residual add sometimes also reads an earlier layer of the
/// same height.
RowSegment randomSegment(std::mt19937 &rng) {
  RowSegment segment;
  int64_t height = std::uniform_int_distribution<int64_t>(9, 60)(rng);
  unsigned length = std::uniform_int_distribution<unsigned>(1, 7)(rng);
  for (unsigned index = 0; index < length; ++index) {
    RowLayer layer;
    layer.inputs = {int(index) - 1};
    layer.inputHeight = height;
    std::vector<int> sameHeight;
    for (unsigned earlier = 0; earlier + 1 < index; ++earlier)
      if (segment.layers[earlier].outputHeight == height)
        sameHeight.push_back(earlier);
    if (!sameHeight.empty() && rng() % 3 == 0) {
      layer.name = "add";
      layer.inputs.push_back(sameHeight[rng() % sameHeight.size()]);
    } else {
      const LayerKind &kind = kKinds[rng() % std::size(kKinds)];
      int64_t effective = (kind.kernel - 1) * kind.dilation + 1;
      if (height + 2 * kind.pad < effective)
        continue;
      layer.name = kind.name;
      layer.kernel = kind.kernel;
      layer.stride = kind.stride;
      layer.dilation = kind.dilation;
      layer.padTop = kind.pad;
      layer.paddedInputRowBytes = kind.pad ? 16 : 0;
    }
    layer.outputHeight =
        (height + 2 * layer.padTop - layer.effectiveKernel()) / layer.stride +
        1;
    layer.outputRowBytes = 8 + rng() % 64;
    layer.macsPerOutputRow = 1 + rng() % 100;
    height = layer.outputHeight;
    if (index > 0 && layer.inputs[0] != int(segment.layers.size()) - 1)
      layer.inputs[0] = int(segment.layers.size()) - 1;
    segment.layers.push_back(layer);
  }
  if (segment.layers.empty()) {
    RowLayer layer;
    layer.name = "relu";
    layer.inputs = {-1};
    layer.inputHeight = layer.outputHeight = height;
    layer.outputRowBytes = 4;
    segment.layers.push_back(layer);
  }
  return segment;
}

using RowSet = std::set<int64_t>;

/// The rows of its input that computing `rows` of `layer` reads, row by row
/// of each window, padding left out. Slices hold whole windows: a dilated
/// kernel skips rows inside its window, but its slice still holds them.
RowSet touchedRows(const RowLayer &layer, const RowSet &rows) {
  RowSet touched;
  for (int64_t row : rows)
    for (int64_t offset = 0; offset < layer.effectiveKernel(); ++offset) {
      int64_t input = row * layer.stride - layer.padTop + offset;
      if (input >= 0 && input < layer.inputHeight)
        touched.insert(input);
    }
  return touched;
}

/// Generated code computes contiguous slices: every row between the first
/// and the last it needs.
RowSet hullOf(const RowSet &rows) {
  RowSet hull;
  if (!rows.empty())
    for (int64_t row = *rows.begin(); row <= *rows.rbegin(); ++row)
      hull.insert(row);
  return hull;
}

RowRange asRange(const RowSet &rows) {
  if (rows.empty())
    return {};
  return {*rows.begin(), *rows.rbegin() + 1};
}

struct Simulated {
  std::vector<RowSet> layerRows;
  RowSet inputRows;
};

/// Overlap mode by row indices: the rows each layer computes for `band`.
Simulated simulateOverlap(const RowSegment &segment, RowRange band) {
  unsigned n = segment.layers.size();
  Simulated sim;
  sim.layerRows.resize(n);
  for (int64_t row = band.begin; row < band.end; ++row)
    if (row < segment.outputHeight())
      sim.layerRows[n - 1].insert(row);
  for (unsigned index = n; index-- > 0;) {
    RowSet hull = hullOf(sim.layerRows[index]);
    sim.layerRows[index] = hull;
    RowSet touched = touchedRows(segment.layers[index], hull);
    for (int input : segment.layers[index].inputs)
      (input < 0 ? sim.inputRows : sim.layerRows[input])
          .insert(touched.begin(), touched.end());
  }
  sim.inputRows = hullOf(sim.inputRows);
  return sim;
}

class RowBandsRandom : public ::testing::TestWithParam<unsigned> {};

TEST_P(RowBandsRandom, OverlapRowsMatchSimulation) {
  std::mt19937 rng(GetParam());
  RowSegment segment = randomSegment(rng);
  ASSERT_EQ(segment.check(), std::nullopt);
  int64_t height = segment.outputHeight();
  for (int64_t rowsPerBand = 1; rowsPerBand <= height; ++rowsPerBand) {
    std::vector<RowRange> bands = partitionRows(height, rowsPerBand);
    ASSERT_EQ(int64_t(bands.size()), (height + rowsPerBand - 1) / rowsPerBand);
    int64_t covered = 0, macs = 0;
    for (RowRange band : bands) {
      ASSERT_EQ(band.begin, covered);
      covered = band.end;
      BandRows rows = overlapBandRows(segment, band);
      Simulated sim = simulateOverlap(segment, band);
      for (unsigned index = 0; index < segment.layers.size(); ++index) {
        EXPECT_EQ(rows.layerRows[index], asRange(sim.layerRows[index]))
            << "layer " << index << " band [" << band.begin << ", " << band.end
            << ")";
        macs += int64_t(sim.layerRows[index].size()) *
                segment.layers[index].macsPerOutputRow;
      }
      EXPECT_EQ(rows.inputRows, asRange(sim.inputRows));
    }
    EXPECT_EQ(covered, height);
    BandEstimate estimate =
        estimateBands(segment, BandMode::Overlap, rowsPerBand, 0);
    // One band is the segment as it is, which computes every row.
    if (bands.size() == 1)
      macs = segment.macs();
    EXPECT_EQ(estimate.macs, macs);
    EXPECT_EQ(estimate.addedMacs, macs - segment.macs());
  }
  EXPECT_EQ(estimateBands(segment, BandMode::Overlap, height, 0).addedMacs, 0);
}

TEST_P(RowBandsRandom, BoundaryPassingRowsMatchSimulation) {
  std::mt19937 rng(GetParam());
  RowSegment segment = randomSegment(rng);
  unsigned n = segment.layers.size();
  int64_t height = segment.outputHeight();
  Simulated full = simulateOverlap(segment, {0, height});
  for (int64_t rowsPerBand = 1; rowsPerBand <= height; ++rowsPerBand) {
    std::vector<RowRange> bands = partitionRows(height, rowsPerBand);
    BoundaryRows rows = boundaryPassingRows(segment, bands);
    std::vector<RowSet> computed(n);
    std::vector<int64_t> carried(n, 0);
    std::vector<std::vector<RowRange>> neededHulls(bands.size(),
                                                   std::vector<RowRange>(n));
    std::vector<std::vector<int64_t>> computedEnd(bands.size(),
                                                  std::vector<int64_t>(n, 0));
    for (unsigned band = 0; band < bands.size(); ++band) {
      std::vector<RowSet> needed(n), fresh(n);
      for (int64_t row = bands[band].begin; row < bands[band].end; ++row)
        needed[n - 1].insert(row);
      for (unsigned index = n; index-- > 0;) {
        RowSet hull = hullOf(needed[index]);
        neededHulls[band][index] = asRange(hull);
        int64_t kept = 0;
        for (int64_t row : hull) {
          if (computed[index].count(row))
            ++kept;
          else
            fresh[index].insert(row);
        }
        carried[index] = std::max(carried[index], kept);
        RowSet touched = touchedRows(segment.layers[index], fresh[index]);
        for (int input : segment.layers[index].inputs)
          if (input >= 0)
            needed[input].insert(touched.begin(), touched.end());
      }
      for (unsigned index = 0; index < n; ++index) {
        // Each band computes one contiguous run of new rows.
        EXPECT_EQ(hullOf(fresh[index]), fresh[index]);
        EXPECT_EQ(rows.newRows[band][index], asRange(fresh[index]))
            << "layer " << index << " band " << band;
        computed[index].insert(fresh[index].begin(), fresh[index].end());
        computedEnd[band][index] =
            computed[index].empty() ? 0 : *computed[index].rbegin() + 1;
      }
    }
    // A band holds the rows of each layer from the first one it or a later
    // band reads up to the last one computed so far.
    for (unsigned index = 0; index < n; ++index) {
      std::optional<int64_t> keepFrom;
      for (unsigned band = bands.size(); band-- > 0;) {
        if (!neededHulls[band][index].empty())
          keepFrom = std::min(keepFrom.value_or(neededHulls[band][index].begin),
                              neededHulls[band][index].begin);
        RowRange window = keepFrom
                              ? RowRange{*keepFrom, computedEnd[band][index]}
                              : RowRange{};
        EXPECT_EQ(rows.windows[band][index],
                  window.empty() ? RowRange{} : window)
            << "layer " << index << " band " << band;
      }
    }
    EXPECT_EQ(rows.carriedRows, carried);
    // Each window is its carried rows, all held by the band before, then its
    // new rows.
    EXPECT_EQ(rows.checkWindows(), std::nullopt);
    // Every row is computed once, and only rows the full run computes (it
    // may skip rows a stride leaves between bands unread).
    BandEstimate estimate =
        estimateBands(segment, BandMode::BoundaryPassing, rowsPerBand, 0);
    int64_t fullMacs = 0;
    for (unsigned index = 0; index < n; ++index) {
      EXPECT_TRUE(std::includes(
          full.layerRows[index].begin(), full.layerRows[index].end(),
          computed[index].begin(), computed[index].end()));
      fullMacs += int64_t(computed[index].size()) *
                  segment.layers[index].macsPerOutputRow;
    }
    // The estimate takes this schedule or the paced one (tested below).
    if (bands.size() == 1 || !estimate.paced)
      EXPECT_EQ(estimate.macs, bands.size() == 1 ? segment.macs() : fullMacs);
  }
}

/// Paced boundary passing by row indices: every row of every layer is
/// computed exactly once, after the rows it reads, which the band holds in
/// its windows; and the output is complete.
TEST_P(RowBandsRandom, PacedBoundaryPassingComputesEachRowOnceInOrder) {
  std::mt19937 rng(GetParam());
  RowSegment segment = randomSegment(rng);
  unsigned n = segment.layers.size();
  for (int64_t rowsPerBand = 1; rowsPerBand <= segment.outputHeight();
       ++rowsPerBand) {
    BoundaryRows rows = pacedBoundaryRows(segment, rowsPerBand);
    EXPECT_EQ(rows.checkWindows(), std::nullopt);
    std::vector<RowSet> computed(n);
    for (unsigned band = 0; band < rows.newRows.size(); ++band) {
      for (unsigned index = 0; index < n; ++index) {
        const RowLayer &layer = segment.layers[index];
        RowSet fresh;
        for (int64_t row = rows.newRows[band][index].begin;
             row < rows.newRows[band][index].end; ++row)
          fresh.insert(row);
        for (int input : layer.inputs) {
          if (input < 0)
            continue;
          RowRange held = rows.windows[band][input];
          for (int64_t row : touchedRows(layer, fresh)) {
            EXPECT_TRUE(computed[input].count(row))
                << "layer " << index << " band " << band << " row " << row;
            EXPECT_TRUE(row >= held.begin && row < held.end)
                << "layer " << index << " band " << band << " row " << row;
          }
        }
        for (int64_t row : fresh)
          EXPECT_TRUE(computed[index].insert(row).second);
      }
    }
    // Every row the output needs, and no row past a map.
    Simulated full = simulateOverlap(segment, {0, segment.outputHeight()});
    int64_t macs = 0;
    for (unsigned index = 0; index < n; ++index) {
      EXPECT_TRUE(std::includes(computed[index].begin(), computed[index].end(),
                                full.layerRows[index].begin(),
                                full.layerRows[index].end()))
          << "layer " << index;
      EXPECT_TRUE(computed[index].empty() ||
                  *computed[index].rbegin() <
                      segment.layers[index].outputHeight);
      macs += int64_t(computed[index].size()) *
              segment.layers[index].macsPerOutputRow;
    }
    BandEstimate estimate =
        estimateBands(segment, BandMode::BoundaryPassing, rowsPerBand, 0);
    if (estimate.paced && estimate.bands > 1) {
      EXPECT_EQ(estimate.macs, macs);
      EXPECT_EQ(estimate.bands, int64_t(rows.newRows.size()));
    }
  }
}

TEST_P(RowBandsRandom, ChoiceIsBestOverAllBandHeights) {
  std::mt19937 rng(GetParam());
  RowSegment segment = randomSegment(rng);
  int64_t height = segment.outputHeight();
  int64_t unbanded =
      estimateBands(segment, BandMode::Overlap, height, 100).peakBytes;
  for (std::optional<int64_t> budget :
       {std::optional<int64_t>(), std::optional<int64_t>(unbanded / 2 + 100)}) {
    BandChoiceOptions options;
    options.budgetBytes = budget;
    options.maxAddedMacsRatio = 0.5;
    BandChoice choice = chooseBands(segment, 100, options);
    int64_t allowed = int64_t(0.5 * double(segment.macs()));
    bool anyFits = false;
    for (int64_t rowsPerBand = 1; rowsPerBand <= height; ++rowsPerBand) {
      BandEstimate estimate =
          estimateBands(segment, BandMode::Overlap, rowsPerBand, 100);
      if (rowsPerBand < height && estimate.addedMacs > allowed)
        continue;
      if (!budget) {
        EXPECT_LE(choice.estimate.peakBytes, estimate.peakBytes);
        continue;
      }
      if (estimate.peakBytes <= *budget) {
        anyFits = true;
        EXPECT_LE(choice.estimate.peakBytes, *budget);
        EXPECT_LE(choice.estimate.addedMacs, estimate.addedMacs);
      }
    }
    if (budget) {
      EXPECT_EQ(choice.meetsBudget, anyFits);
    }
  }
}

/// With both modes allowed, the choice is at least as good as either mode's
/// own choice: no higher peak without a budget; within a budget either mode
/// meets, no more added compute (boundary passing adds none).
TEST_P(RowBandsRandom, AnyModeChoiceIsBestOfBothModes) {
  std::mt19937 rng(GetParam());
  RowSegment segment = randomSegment(rng);
  int64_t unbanded =
      estimateBands(segment, BandMode::Overlap, segment.outputHeight(), 100)
          .peakBytes;
  for (std::optional<int64_t> budget :
       {std::optional<int64_t>(), std::optional<int64_t>(unbanded / 2 + 100)}) {
    BandChoiceOptions options;
    options.budgetBytes = budget;
    options.maxAddedMacsRatio = 0.5;
    BandChoice overlap = chooseBands(segment, 100, options);
    options.mode = BandMode::BoundaryPassing;
    BandChoice boundary = chooseBands(segment, 100, options);
    options.anyMode = true;
    BandChoice both = chooseBands(segment, 100, options);
    for (const BandChoice &single : {overlap, boundary}) {
      if (!budget) {
        EXPECT_LE(both.estimate.peakBytes, single.estimate.peakBytes);
      } else if (single.meetsBudget) {
        EXPECT_TRUE(both.meetsBudget);
        EXPECT_LE(both.estimate.addedMacs, single.estimate.addedMacs);
      }
    }
  }
}

/// Every way to cut the run at its cut points, each part with its own band
/// choice: planSegments finds the lowest largest peak, and under a budget
/// some plan meets, the least added compute.
TEST_P(RowBandsRandom, SegmentPlanMatchesBruteForce) {
  std::mt19937 rng(GetParam());
  RowSegment run = randomSegment(rng);
  unsigned n = run.layers.size();
  std::vector<unsigned> cuts;
  for (unsigned index = 0; index + 1 < n; ++index)
    if (isCutPoint(run, index))
      cuts.push_back(index);
  auto bytes = [&](unsigned index) {
    return run.layers[index].outputRowBytes * run.layers[index].outputHeight;
  };
  const int64_t inputBytes = 500;
  // (largest peak, added MACs) of the plan cutting where `mask` says.
  auto evaluate = [&](unsigned mask, const BandChoiceOptions &options) {
    int64_t peak = 0, added = 0;
    unsigned first = 0;
    for (unsigned bit = 0; bit <= cuts.size(); ++bit) {
      if (bit < cuts.size() && !(mask & (1u << bit)))
        continue;
      unsigned last = bit < cuts.size() ? cuts[bit] : n - 1;
      int64_t live = (first == 0 ? inputBytes : bytes(first - 1)) + bytes(last);
      BandEstimate part =
          chooseBands(subSegment(run, first, last), live, options).estimate;
      peak = std::max(peak, part.peakBytes);
      added += part.addedMacs;
      first = last + 1;
    }
    return std::make_pair(peak, added);
  };
  BandChoiceOptions options;
  options.maxAddedMacsRatio = 0.3;
  int64_t bestPeak = std::numeric_limits<int64_t>::max();
  for (unsigned mask = 0; mask < (1u << cuts.size()); ++mask)
    bestPeak = std::min(bestPeak, evaluate(mask, options).first);
  SegmentPlan plan = planSegments(run, inputBytes, options);
  EXPECT_EQ(plan.peakBytes, bestPeak);
  ASSERT_FALSE(plan.parts.empty());
  EXPECT_EQ(plan.parts.front().first, 0u);
  EXPECT_EQ(plan.parts.back().last, n - 1);

  // A budget halfway between the best plan and the unbanded run.
  BandChoiceOptions oneBand;
  oneBand.fixedBands = 1;
  int64_t unbanded = evaluate(0, oneBand).first;
  options.budgetBytes = (bestPeak + unbanded) / 2;
  std::optional<int64_t> leastAdded;
  for (unsigned mask = 0; mask < (1u << cuts.size()); ++mask) {
    auto [peak, added] = evaluate(mask, options);
    if (peak <= *options.budgetBytes)
      leastAdded = std::min(leastAdded.value_or(added), added);
  }
  SegmentPlan withBudget = planSegments(run, inputBytes, options);
  if (leastAdded) {
    EXPECT_LE(withBudget.peakBytes, *options.budgetBytes);
    EXPECT_EQ(withBudget.addedMacs, *leastAdded);
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RowBandsRandom, ::testing::Range(0u, 60u),
                         [](const ::testing::TestParamInfo<unsigned> &info) {
                           return "Seed" + std::to_string(info.param);
                         });

/// VGG-16 conv1_1..pool2: a band of pool2 output rows reads 4 input rows
/// each plus a halo of 12 (the LR-CNN notes' figure); 2x2/s2 pools carry
/// nothing in boundary passing, 3x3/s1 convs two rows.
TEST(RowBands, VggHaloAndCarriedRows) {
  RowSegment segment;
  int64_t height = 224;
  auto add = [&](const char *name, int64_t kernel, int64_t stride,
                 int64_t pad) {
    RowLayer layer;
    layer.name = name;
    layer.inputs = {int(segment.layers.size()) - 1};
    layer.kernel = kernel;
    layer.stride = stride;
    layer.padTop = pad;
    layer.inputHeight = height;
    height = (height + 2 * pad - kernel) / stride + 1;
    layer.outputHeight = height;
    layer.outputRowBytes = 1;
    segment.layers.push_back(layer);
  };
  add("conv1_1", 3, 1, 1);
  add("conv1_2", 3, 1, 1);
  add("pool1", 2, 2, 0);
  add("conv2_1", 3, 1, 1);
  add("conv2_2", 3, 1, 1);
  add("pool2", 2, 2, 0);
  ASSERT_EQ(segment.check(), std::nullopt);
  EXPECT_EQ(segment.outputHeight(), 56);
  BandRows rows = overlapBandRows(segment, {20, 30});
  EXPECT_EQ(rows.inputRows, (RowRange{80 - 6, 120 + 6}));
  BoundaryRows boundary = boundaryPassingRows(segment, partitionRows(56, 14));
  // Outputs feeding a 3x3/s1 conv carry 2 rows, those feeding a pool none.
  EXPECT_EQ(boundary.carriedRows, (std::vector<int64_t>{2, 0, 2, 2, 0, 0}));
}

TEST(RowBands, EstimateCountsBandsLayerByLayer) {
  // in (10 rows) -> conv 3x3/p1 (8 B rows) -> relu (4 B rows).
  RowSegment segment;
  RowLayer conv;
  conv.name = "conv";
  conv.inputs = {-1};
  conv.kernel = 3;
  conv.padTop = 1;
  conv.inputHeight = conv.outputHeight = 10;
  conv.outputRowBytes = 8;
  conv.paddedInputRowBytes = 2;
  conv.macsPerOutputRow = 10;
  RowLayer relu;
  relu.name = "relu";
  relu.inputs = {0};
  relu.inputHeight = relu.outputHeight = 10;
  relu.outputRowBytes = 4;
  segment.layers = {conv, relu};
  // Two bands of 5 rows: conv computes 5 rows from a 7-row padded band
  // (14 B) while its 40 B output band is live.
  BandEstimate two = estimateBands(segment, BandMode::Overlap, 5, 1000);
  EXPECT_EQ(two.bands, 2);
  EXPECT_EQ(two.peakBytes, 1000 + 40 + 14);
  EXPECT_EQ(two.addedMacs, 0);
  EXPECT_EQ(segment.check(), std::nullopt);
  RowLayer bad = relu;
  bad.inputs = {2};
  segment.layers.push_back(bad);
  EXPECT_NE(segment.check(), std::nullopt);
}

} // namespace
