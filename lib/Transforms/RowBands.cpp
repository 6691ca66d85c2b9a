//===- RowBands.cpp - Run convolution chains band by band of rows ---------===//
//
// Thin pass over the IR-free band arithmetic (memopt/Rewrite/RowBands.h):
// read each chain of row ops of a function body as a run of layers, plan its
// segments and band counts, tile each segment's last op along H and fuse the
// segment's producers into the loop (upstream tile-and-fuse recomputes the
// halos: overlap mode), then verify the function and re-extract its memory
// model; a rewrite that fails either, or does not lower the peak, is undone.
//
//===----------------------------------------------------------------------===//

#include "memopt/Rewrite/RowBands.h"
#include "PassUtils.h"
#include "memopt/Dialect/ByteSize.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Iterators.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Support/FormatVariadic.h"

namespace memopt {
#define GEN_PASS_DEF_MEMOPTROWBANDS
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// How an op of a chain maps rows.
struct RowOp {
  Operation *op = nullptr;
  /// Kernel, stride, dilation and padding along H, heights, sizes; inputs
  /// are filled in once the run is known.
  RowLayer layer;
  /// Operands whose rows it reads through that mapping (feature maps).
  SmallVector<Value, 2> rowOperands;
  /// Whether it only initialises a destination (a fill, a bias broadcast):
  /// it reads no rows and belongs to the segment of the op it initialises.
  bool initOnly = false;
  /// Whether its result is a view of its input (costs no bytes).
  bool view = false;
};

/// A static NHWC feature map.
bool isStaticNhwc(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 4 && tensor.hasStaticShape();
}

/// Element `index` of an integer vector attribute `name` of `op`, 1 if absent.
int64_t getWindowAttr(Operation *op, StringRef name, unsigned index) {
  auto attr = op->getAttrOfType<DenseIntElementsAttr>(name);
  if (!attr || attr.getNumElements() <= index)
    return 1;
  return (*(attr.value_begin<APInt>() + index)).getSExtValue();
}

/// Describes a convolution or pooling named op: kernel height from its
/// filter or window operand, MACs of convolutions (pooling counts none).
std::optional<RowOp> describeWindowOp(Operation *op) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  Value image = linalgOp.getDpsInputs()[0];
  Value filter = linalgOp.getDpsInputs()[1];
  auto filterType = dyn_cast<RankedTensorType>(filter.getType());
  if (!filterType || !filterType.hasStaticShape() ||
      !isStaticNhwc(image.getType()) || !isStaticNhwc(op->getResultTypes()[0]))
    return std::nullopt;
  ArrayRef<int64_t> filterShape = filterType.getShape();
  auto outType = cast<RankedTensorType>(op->getResultTypes()[0]);
  ArrayRef<int64_t> out = outType.getShape();
  int64_t kernelH = 0, macsPerOutput = 0;
  if (isa<linalg::Conv2DNhwcFhwcOp>(op)) {
    kernelH = filterShape[1];
    macsPerOutput = filterShape[1] * filterShape[2] * filterShape[3];
  } else if (isa<linalg::Conv2DNhwcHwcfOp>(op)) {
    kernelH = filterShape[0];
    macsPerOutput = filterShape[0] * filterShape[1] * filterShape[2];
  } else if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(op)) {
    kernelH = filterShape[0];
    macsPerOutput = filterShape[0] * filterShape[1];
  } else {
    kernelH = filterShape[0];
  }
  RowOp row;
  row.op = op;
  row.rowOperands = {image};
  RowLayer &layer = row.layer;
  layer.name = op->getName().getStringRef().str();
  layer.kernel = kernelH;
  layer.stride = getWindowAttr(op, "strides", 0);
  layer.dilation = getWindowAttr(op, "dilations", 0);
  layer.inputHeight = cast<RankedTensorType>(image.getType()).getDimSize(1);
  layer.outputHeight = out[1];
  int64_t outputsPerRow = outType.getNumElements() / out[1];
  layer.macsPerOutputRow = outputsPerRow * macsPerOutput;
  return row;
}

/// Describes `op` as a row op, or returns nothing when it is not one (it
/// then ends any chain). Global pooling (one output row from the whole map)
/// mixes rows and ends chains too.
std::optional<RowOp> describeRowOp(Operation *op) {
  if (op->getNumResults() != 1 || !isStaticNhwc(op->getResultTypes()[0]))
    return std::nullopt;
  int64_t outHeight =
      cast<RankedTensorType>(op->getResultTypes()[0]).getDimSize(1);
  if (isa<linalg::Conv2DNhwcFhwcOp, linalg::Conv2DNhwcHwcfOp,
          linalg::DepthwiseConv2DNhwcHwcOp, linalg::PoolingNhwcMaxOp,
          linalg::PoolingNhwcSumOp>(op)) {
    std::optional<RowOp> row = describeWindowOp(op);
    if (row && isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(op) &&
        row->layer.inputHeight > 1 && outHeight == 1 &&
        row->layer.effectiveKernel() >= row->layer.inputHeight)
      return std::nullopt;
    return row;
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    if (!isStaticNhwc(pad.getSourceType()) || !pad.getConstantPaddingValue())
      return std::nullopt;
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    if (ShapedType::isDynamicShape(low) || ShapedType::isDynamicShape(high) ||
        low[0] || high[0] || low[3] || high[3] || low[1] < 0 || high[1] < 0)
      return std::nullopt;
    RowOp row;
    row.op = op;
    row.rowOperands = {pad.getSource()};
    row.layer.name = "tensor.pad";
    row.layer.padTop = low[1];
    row.layer.inputHeight = pad.getSourceType().getDimSize(1);
    row.layer.outputHeight = outHeight;
    return row;
  }
  // A crop of H and W (tosa-to-linalg crops the rows a strided 1x1
  // convolution skips): a view, stride 1, shifted by its offset.
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
    RankedTensorType source = slice.getSourceType();
    ArrayRef<int64_t> offsets = slice.getStaticOffsets();
    ArrayRef<int64_t> sizes = slice.getStaticSizes();
    if (!isStaticNhwc(source) || sizes.size() != 4 ||
        ShapedType::isDynamicShape(offsets) ||
        ShapedType::isDynamicShape(sizes) ||
        !llvm::all_of(slice.getStaticStrides(),
                      [](int64_t stride) { return stride == 1; }) ||
        offsets[0] || offsets[3] || sizes[0] != source.getDimSize(0) ||
        sizes[3] != source.getDimSize(3))
      return std::nullopt;
    RowOp row;
    row.op = op;
    row.rowOperands = {slice.getSource()};
    row.view = true;
    row.layer.name = "tensor.extract_slice";
    row.layer.padTop = -offsets[1];
    row.layer.inputHeight = source.getDimSize(1);
    row.layer.outputHeight = outHeight;
    return row;
  }
  if (isa<linalg::FillOp>(op)) {
    RowOp row;
    row.op = op;
    row.initOnly = true;
    return row;
  }
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != 4 || generic.getNumLoops() != 4 ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity())
    return std::nullopt;
  RowOp row;
  row.op = op;
  row.layer.name = "linalg.generic";
  row.layer.inputHeight = row.layer.outputHeight = outHeight;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    if (map.isIdentity() && isStaticNhwc(input->get().getType())) {
      row.rowOperands.push_back(input->get());
      continue;
    }
    // Broadcasts that do not index H (a bias) read no rows; anything else
    // mixes rows.
    if (map.isFunctionOfDim(1))
      return std::nullopt;
  }
  row.initOnly = row.rowOperands.empty();
  return row;
}

/// A chain of row ops: its layers in block order and the ops that
/// initialise their destinations.
struct Run {
  SmallVector<RowOp *> layers;
  SmallVector<RowOp *> inits;
  Value input;
  /// Layers whose maps are read outside the chain: segments end there.
  std::vector<bool> mustEnd;
};

/// Bytes of a value's type (0 when unknown).
int64_t bytesOf(Value value) {
  ByteSize size = getByteSize(value.getType());
  return size.isKnown() ? size.bytes : 0;
}

/// A segment to band.
struct Banded {
  Run *run;
  SegmentPlan::Part part;
  RowSegment segment;
  /// Bytes of its input and output, live while it runs.
  int64_t liveAcross;
  /// Its ops and the ops that initialise their destinations: what is fused.
  llvm::SmallPtrSet<Operation *, 16> members;
};

struct RowBandsPass : public memopt::impl::MemOptRowBandsBase<RowBandsPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    if (bands < 0 || budget < 0 || !(maxAddedCompute >= 0)) {
      getOperation()->emitError()
          << "memopt-row-bands: bands, budget and max-added-compute must "
             "not be negative";
      return signalPassFailure();
    }
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    if (failed(
            forEachFunction(getOperation(), [&](FunctionOpInterface function) {
              bandFunction(function, extraction);
              return success();
            })))
      signalPassFailure();
  }

  /// Groups the row ops of `block` into runs connected by their values;
  /// refused runs get a remark and are dropped.
  SmallVector<Run> findRuns(Block &block, std::vector<RowOp> &rowOps) {
    DenseMap<Operation *, unsigned> indexOf;
    for (Operation &op : block)
      if (std::optional<RowOp> row = describeRowOp(&op)) {
        indexOf[&op] = rowOps.size();
        rowOps.push_back(std::move(*row));
      }
    llvm::EquivalenceClasses<unsigned> classes;
    for (unsigned index = 0; index < rowOps.size(); ++index) {
      classes.insert(index);
      for (Value operand : rowOps[index].op->getOperands())
        if (Operation *def = operand.getDefiningOp())
          if (auto it = indexOf.find(def); it != indexOf.end())
            classes.unionSets(index, it->second);
    }
    SmallVector<Run> runs;
    DenseMap<unsigned, unsigned> runOfLeader;
    for (unsigned index = 0; index < rowOps.size(); ++index) {
      unsigned leader = classes.getLeaderValue(index);
      auto [it, inserted] = runOfLeader.try_emplace(leader, runs.size());
      if (inserted)
        runs.emplace_back();
      RowOp &row = rowOps[index];
      (row.initOnly ? runs[it->second].inits : runs[it->second].layers)
          .push_back(&row);
    }
    SmallVector<Run> accepted;
    for (Run &run : runs)
      if (checkRun(run))
        accepted.push_back(std::move(run));
    return accepted;
  }

  /// Fills in the layers' inputs; refuses, with a remark naming the op, a
  /// run with several outputs or inputs or an init read as rows.
  bool checkRun(Run &run) {
    if (run.layers.size() < 2)
      return false;
    DenseMap<Operation *, int> layerOf;
    for (auto [index, row] : llvm::enumerate(run.layers))
      layerOf[row->op] = index;
    llvm::SmallPtrSet<Operation *, 16> members;
    for (RowOp *row : llvm::concat<RowOp *>(run.layers, run.inits))
      members.insert(row->op);
    Operation *last = run.layers.back()->op;
    for (RowOp *row : run.layers) {
      row->layer.outputRowBytes =
          row->view ? 0
                    : bytesOf(row->op->getResult(0)) / row->layer.outputHeight;
      row->layer.inputs.clear();
      for (Value operand : row->rowOperands) {
        Operation *def = operand.getDefiningOp();
        auto it = def ? layerOf.find(def) : layerOf.end();
        if (it != layerOf.end()) {
          row->layer.inputs.push_back(it->second);
          continue;
        }
        if (def && members.contains(def)) {
          row->op->emitRemark()
              << "memopt-row-bands: not banded: it reads the rows of "
              << def->getName() << ", which only initialises a destination";
          return false;
        }
        if (run.input && run.input != operand) {
          row->op->emitRemark()
              << "memopt-row-bands: not banded: this chain reads two feature "
                 "maps from outside it";
          return false;
        }
        run.input = operand;
        row->layer.inputs.push_back(-1);
      }
    }
    // A layer read outside the chain must end a segment: only its map may
    // be live there.
    RowSegment layers;
    for (RowOp *row : run.layers)
      layers.layers.push_back(row->layer);
    run.mustEnd.assign(run.layers.size(), false);
    for (auto [index, row] : llvm::enumerate(run.layers)) {
      if (row->op == last)
        continue;
      for (Operation *user : row->op->getUsers()) {
        if (members.contains(user))
          continue;
        if (!isCutPoint(layers, index)) {
          row->op->emitRemark()
              << "memopt-row-bands: not banded: its rows are also read by "
              << user->getName()
              << " outside the chain, where other maps of the chain are live";
          return false;
        }
        run.mustEnd[index] = true;
      }
    }
    if (!run.input)
      return false;
    RowSegment segment;
    for (RowOp *row : run.layers)
      segment.layers.push_back(row->layer);
    if (std::optional<std::string> problem = segment.check()) {
      last->emitRemark() << "memopt-row-bands: not banded: " << *problem;
      return false;
    }
    return true;
  }

  void bandFunction(FunctionOpInterface function,
                    const ExtractionOptions &extraction) {
    FailureOr<BlockMemoryModel> before =
        buildFunctionMemoryModel(function, extraction);
    if (failed(before))
      return;
    int64_t peakBefore =
        computeProfile(before->graph, inputOrder(before->graph)).peakBytes;
    std::vector<RowOp> rowOps;
    SmallVector<Run> runs = findRuns(*before->block, rowOps);

    BandChoiceOptions options;
    options.maxAddedMacsRatio = maxAddedCompute;
    if (budget > 0)
      options.budgetBytes = budget;
    if (bands > 0)
      options.fixedBands = bands;
    SmallVector<Banded> work;
    for (Run &run : runs) {
      RowSegment segment;
      for (RowOp *row : run.layers)
        segment.layers.push_back(row->layer);
      int64_t inputBytes =
          isa<BlockArgument>(run.input) ? 0 : bytesOf(run.input);
      SegmentPlan plan =
          planSegments(segment, inputBytes, options, run.mustEnd);
      for (const SegmentPlan::Part &part : plan.parts) {
        if (part.choice.estimate.bands <= 1)
          continue;
        int64_t liveAcross =
            (part.first == 0
                 ? inputBytes
                 : bytesOf(run.layers[part.first - 1]->op->getResult(0))) +
            bytesOf(run.layers[part.last]->op->getResult(0));
        Banded banded{&run,
                      part,
                      subSegment(segment, part.first, part.last),
                      liveAcross,
                      {}};
        for (unsigned index = part.first; index <= part.last; ++index)
          banded.members.insert(run.layers[index]->op);
        for (RowOp *init : run.inits)
          if (llvm::any_of(init->op->getUsers(), [&](Operation *user) {
                return banded.members.contains(user);
              }))
            banded.members.insert(init->op);
        work.push_back(std::move(banded));
      }
    }
    if (work.empty())
      return;

    // A copy of the body to restore on any failure.
    Operation *backup = function->clone();
    auto restore = [&](const Twine &why) {
      function.getFunctionBody().takeBody(
          cast<FunctionOpInterface>(backup).getFunctionBody());
      backup->erase();
      emitRemark(function.getLoc())
          << "memopt-row-bands: " << why << "; the function is left unchanged";
    };
    IRRewriter rewriter(function->getContext());
    // Later segments first: an earlier one then only changes what a later
    // loop captures.
    SmallVector<std::pair<Operation *, std::string>> remarks;
    for (Banded &banded : llvm::reverse(work)) {
      FailureOr<Operation *> loop = bandSegment(rewriter, banded);
      if (failed(loop))
        return restore(
            "tiling the segment ending at '" +
            banded.run->layers[banded.part.last]->op->getName().getStringRef() +
            "' failed");
      remarks.push_back({*loop, describe(banded)});
    }
    if (std::optional<std::string> error = getVerifierError(function))
      return restore("the banded function does not verify: " + *error);
    FailureOr<BlockMemoryModel> after =
        buildFunctionMemoryModel(function, extraction);
    if (failed(after))
      return restore("the banded function cannot be modelled");
    int64_t peakAfter =
        computeProfile(after->graph, inputOrder(after->graph)).peakBytes;
    if (peakAfter >= peakBefore)
      return restore("banding does not lower the modelled peak (" +
                     Twine(peakBefore) + " -> " + Twine(peakAfter) + " bytes)");
    backup->erase();
    numSegments += work.size();
    for (auto &[loop, text] : llvm::reverse(remarks))
      emitRemark(loop->getLoc()) << text;
    emitRemark(function.getLoc())
        << "memopt-row-bands: " << work.size()
        << " segment(s) banded; modelled peak " << peakBefore << " -> "
        << peakAfter << " bytes";
    // Annotations and summaries described the unbanded body.
    clearOpAnnotations(function);
    function->removeAttr(attr_names::kSummary);
  }

  /// The remark of a banded segment: its ops, bands, estimated peaks and
  /// added compute.
  static std::string describe(const Banded &banded) {
    const BandEstimate &estimate = banded.part.choice.estimate;
    int64_t macs = banded.segment.macs();
    int64_t unbanded =
        estimateBands(banded.segment, BandMode::Overlap,
                      banded.segment.outputHeight(), banded.liveAcross)
            .peakBytes;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "memopt-row-bands: segment of " << banded.segment.layers.size()
       << " ops from '" << banded.segment.layers.front().name << "' to '"
       << banded.segment.layers.back().name << "': " << estimate.bands
       << " bands of " << estimate.rowsPerBand << " rows (overlap); "
       << "estimated peak " << unbanded << " -> " << estimate.peakBytes
       << " bytes; added MACs " << estimate.addedMacs << " of " << macs;
    if (macs > 0)
      os << llvm::formatv(" ({0:F1}%)", 100.0 * estimate.addedMacs / macs);
    if (!banded.part.choice.meetsBudget)
      os << "; over the budget";
    return text;
  }

  /// Tiles the segment's last op along H and fuses the segment's other ops
  /// into the loop; returns the loop.
  FailureOr<Operation *> bandSegment(RewriterBase &rewriter, Banded &banded) {
    const llvm::SmallPtrSet<Operation *, 16> &members = banded.members;
    Operation *last = banded.run->layers[banded.part.last]->op;
    auto consumer = cast<TilingInterface>(last);
    SmallVector<OpFoldResult> tileSizes(consumer.getLoopIteratorTypes().size(),
                                        rewriter.getIndexAttr(0));
    tileSizes[1] =
        rewriter.getIndexAttr(banded.part.choice.estimate.rowsPerBand);
    scf::SCFTileAndFuseOptions options;
    options.tilingOptions.setTileSizes(tileSizes);
    // A band of a crop is a slice of the cropped map: merged, the slice
    // reads its producer, which can then be fused.
    RewritePatternSet cleanup(rewriter.getContext());
    tensor::populateMergeConsecutiveInsertExtractSlicePatterns(cleanup);
    options.cleanupPatterns = FrozenRewritePatternSet(std::move(cleanup));
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (!members.contains(producer.getOwner()))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    rewriter.setInsertionPoint(last);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(rewriter, consumer, options);
    if (failed(result) || result->loops.size() != 1)
      return failure();
    rewriter.replaceAllUsesWith(
        last->getResult(0), result->replacements.lookup(last->getResult(0)));
    Operation *loop = result->loops.front().getOperation();
    // Tiling leaves slices of the untiled producers it fused; without them
    // the segment's original ops are dead, the last one first.
    bool erased = true;
    while (erased) {
      erased = false;
      loop->walk<WalkOrder::PostOrder, ReverseIterator>([&](Operation *op) {
        if (op != loop && isOpTriviallyDead(op)) {
          rewriter.eraseOp(op);
          erased = true;
        }
      });
    }
    for (Operation &op :
         llvm::make_early_inc_range(llvm::reverse(*last->getBlock())))
      if (members.contains(&op) && op.use_empty())
        rewriter.eraseOp(&op);
    // Bands write into slices of the full `tensor.empty`s of their maps,
    // which bufferization would allocate whole outside the loop: a slice of
    // an empty becomes a band-sized empty inside it.
    RewritePatternSet emptyPatterns(rewriter.getContext());
    tensor::populateFoldTensorEmptyPatterns(emptyPatterns);
    if (failed(applyPatternsGreedily(loop, std::move(emptyPatterns))))
      return failure();
    return loop;
  }
};

} // namespace
