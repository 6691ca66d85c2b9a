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
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Iterators.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/SetVector.h"
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
  /// Operands whose rows it reads through that mapping (feature maps), and
  /// their operand numbers.
  SmallVector<Value, 2> rowOperands;
  SmallVector<unsigned, 2> rowOperandNumbers;
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

/// A row op that reads the rows of its operand 0, `source` (H is its
/// dimension 1), into a result of `outputHeight` rows; callers add the
/// window along H.
RowOp readingRowsOf(Operation *op, Value source, int64_t outputHeight) {
  RowOp row;
  row.op = op;
  row.rowOperands = {source};
  row.rowOperandNumbers = {0};
  row.layer.name = op->getName().getStringRef().str();
  row.layer.inputHeight = cast<ShapedType>(source.getType()).getDimSize(1);
  row.layer.outputHeight = outputHeight;
  return row;
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
  RowOp row = readingRowsOf(op, image, out[1]);
  RowLayer &layer = row.layer;
  layer.kernel = kernelH;
  layer.stride = getWindowAttr(op, "strides", 0);
  layer.dilation = getWindowAttr(op, "dilations", 0);
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
    RowOp row = readingRowsOf(op, pad.getSource(), outHeight);
    row.layer.padTop = low[1];
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
    RowOp row = readingRowsOf(op, slice.getSource(), outHeight);
    row.view = true;
    row.layer.padTop = -offsets[1];
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
      row.rowOperandNumbers.push_back(input->getOperandNumber());
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

/// Describes the row ops only boundary passing bands (upstream tiling
/// cannot fuse through the reshape): a depthwise convolution with a channel
/// multiplier (`linalg.depthwise_conv_2d_nhwc_hwcm`, NHWCM result, what
/// tosa-to-linalg emits for every depthwise convolution) and the
/// `tensor.collapse_shape` of its C and M dimensions, a view; and the fills of
/// its destination.
std::optional<RowOp> describeMultiplierRowOp(Operation *op) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  auto isStatic = [](Type type, int64_t rank) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    return tensor && tensor.getRank() == rank && tensor.hasStaticShape();
  };
  // The fill that initialises its destination.
  if (isa<linalg::FillOp>(op) && isStatic(op->getResultTypes()[0], 5)) {
    RowOp row;
    row.op = op;
    row.initOnly = true;
    return row;
  }
  if (auto conv = dyn_cast<linalg::DepthwiseConv2DNhwcHwcmOp>(op)) {
    Value image = conv.getDpsInputs()[0];
    Value filter = conv.getDpsInputs()[1];
    if (!isStatic(image.getType(), 4) || !isStatic(filter.getType(), 4) ||
        !isStatic(op->getResultTypes()[0], 5))
      return std::nullopt;
    auto filterShape = cast<RankedTensorType>(filter.getType()).getShape();
    auto outType = cast<RankedTensorType>(op->getResultTypes()[0]);
    RowOp row = readingRowsOf(op, image, outType.getDimSize(1));
    RowLayer &layer = row.layer;
    layer.kernel = filterShape[0];
    layer.stride = getWindowAttr(op, "strides", 0);
    layer.dilation = getWindowAttr(op, "dilations", 0);
    layer.macsPerOutputRow = outType.getNumElements() / layer.outputHeight *
                             filterShape[0] * filterShape[1];
    return row;
  }
  auto collapse = dyn_cast<tensor::CollapseShapeOp>(op);
  if (!collapse || !isStatic(collapse.getSrcType(), 5) ||
      !isStatic(collapse.getResultType(), 4))
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  if (groups.size() != 4 || groups[0] != ReassociationIndices{0} ||
      groups[1] != ReassociationIndices{1} ||
      groups[2] != ReassociationIndices{2})
    return std::nullopt;
  RowOp row = readingRowsOf(op, collapse.getSrc(),
                            collapse.getResultType().getDimSize(1));
  row.view = true;
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

//===----------------------------------------------------------------------===//
// Boundary passing (LR-CNN's 2PS)
//===----------------------------------------------------------------------===//

/// Whether `value` is an empty tensor, or made from one by initialisers of
/// `inits` (fills, bias broadcasts): what a band can rebuild at its size.
bool isInitChain(Value value, const llvm::SmallPtrSetImpl<Operation *> &inits) {
  while (Operation *def = value.getDefiningOp()) {
    if (isa<tensor::EmptyOp>(def))
      return true;
    auto dps = dyn_cast<DestinationStyleOpInterface>(def);
    if (!inits.contains(def) || !dps || dps.getNumDpsInits() != 1)
      return false;
    value = dps.getDpsInits()[0];
  }
  return false;
}

/// Why boundary passing cannot run `row`, if it cannot. Each band clones the
/// op on band-sized operands: a destination the op reads (accumulators,
/// elementwise ops that read it) must be an empty tensor or initialisers of
/// one, which the band rebuilds at its size.
std::optional<std::string>
boundaryPassingRefusal(const RowOp &row,
                       const llvm::SmallPtrSetImpl<Operation *> &inits) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(row.op);
  if (!linalgOp)
    return std::nullopt;
  OpOperand *init = linalgOp.getDpsInitOperand(0);
  if (linalgOp.payloadUsesValueFromOperand(init) &&
      !isInitChain(init->get(), inits))
    return "its destination is neither an empty tensor nor a fill or "
           "broadcast of one";
  return std::nullopt;
}

/// The static shape of band `band` of a boundary-passing segment (rows of
/// each layer it computes, carries in and out, and reads of each window) and
/// the rows it places in the segment's input and output. Bands with equal
/// shapes whose placed rows advance by equal steps run as one loop.
struct BoundaryBandShape {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> placed;
};

/// The input rows `layer` reads to compute `rows`, clamped to its input.
RowRange readRows(const RowLayer &layer, RowRange rows) {
  return layer.inputRowsFor(rows).clamp(layer.inputHeight);
}

/// The shape of `band`, or why the band's rows do not fit the windows.
FailureOr<BoundaryBandShape> getBoundaryBandShape(const RowSegment &segment,
                                                  const BoundaryRows &rows,
                                                  unsigned band,
                                                  std::string &why) {
  BoundaryBandShape result;
  unsigned n = segment.layers.size();
  unsigned bands = rows.newRows.size();
  for (unsigned index = 0; index < n; ++index) {
    const RowLayer &layer = segment.layers[index];
    RowRange fresh = rows.newRows[band][index];
    RowRange window = rows.windows[band][index];
    bool carriesOut = band + 1 < bands && rows.carriedIn(band + 1, index) > 0;
    result.shape.append(
        {fresh.size(), rows.carriedIn(band, index),
         carriesOut ? rows.carriedIn(band + 1, index) : 0,
         carriesOut ? rows.windows[band + 1][index].begin - window.begin : 0});
    if (fresh.empty())
      continue;
    RowRange reads = readRows(layer, fresh);
    // Only pads (kernel 1) read rows outside their input: their padding.
    if (layer.effectiveKernel() > 1 && !(reads == layer.inputRowsFor(fresh))) {
      why = "layer '" + layer.name + "' reads rows outside its input";
      return failure();
    }
    for (int input : layer.inputs) {
      if (input < 0) {
        // Nothing is read from the input where a pad makes only padding.
        result.shape.push_back(reads.size());
        if (!reads.empty())
          result.placed.push_back(reads.begin);
        continue;
      }
      RowRange held = rows.windows[band][input];
      if (!reads.empty() &&
          (reads.begin < held.begin || reads.end > held.end)) {
        why = "layer '" + layer.name + "' reads rows band " +
              std::to_string(band) + " does not hold";
        return failure();
      }
      result.shape.append({reads.begin - held.begin, reads.size()});
    }
    if (layer.padTop > 0)
      result.shape.push_back(reads.begin + layer.padTop - fresh.begin);
    if (index + 1 == n)
      result.placed.push_back(fresh.begin);
  }
  return result;
}

/// A tensor of `type` with `rows` rows.
RankedTensorType withRows(Type type, int64_t rows) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[1] = rows;
  return tensor.clone(shape);
}

/// Rows [offset, offset + size) of an NHWC tensor, whole in N, W and C.
Value extractRows(OpBuilder &builder, Location loc, Value source,
                  OpFoldResult offset, int64_t size) {
  auto type = cast<RankedTensorType>(source.getType());
  if (isConstantIntValue(offset, 0) && size == type.getDimSize(1))
    return source;
  SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
  offsets[1] = offset;
  SmallVector<OpFoldResult> sizes;
  for (int64_t extent : type.getShape())
    sizes.push_back(builder.getIndexAttr(extent));
  sizes[1] = builder.getIndexAttr(size);
  SmallVector<OpFoldResult> strides(type.getRank(), builder.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(builder, loc, withRows(type, size),
                                        source, offsets, sizes, strides);
}

/// `source` written into `dest` at `offsets`.
Value insertAt(OpBuilder &builder, Location loc, Value source, Value dest,
               ArrayRef<OpFoldResult> offsets) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> sizes;
  for (int64_t size : type.getShape())
    sizes.push_back(builder.getIndexAttr(size));
  SmallVector<OpFoldResult> strides(type.getRank(), builder.getIndexAttr(1));
  return tensor::InsertSliceOp::create(builder, loc, source, dest, offsets,
                                       sizes, strides);
}

/// Rebuilds the initialisers of `init` (see isInitChain) on an empty tensor
/// of `type`.
Value cloneInitChain(OpBuilder &builder, Location loc, Value init,
                     RankedTensorType type) {
  Operation *def = init.getDefiningOp();
  if (isa<tensor::EmptyOp>(def))
    return tensor::EmptyOp::create(builder, loc, type.getShape(),
                                   type.getElementType());
  auto dps = cast<DestinationStyleOpInterface>(def);
  OpOperand *inner = dps.getDpsInitOperand(0);
  SmallVector<Value> operands(def->getOperands());
  operands[inner->getOperandNumber()] =
      cloneInitChain(builder, loc, inner->get(), type);
  return clone(builder, def, {type}, operands)->getResult(0);
}

/// Emits the bands of a boundary-passing segment: bands run in order; each
/// layer computes only its new rows, reading the window of its input made of
/// the rows carried from the band before (`tensor.concat`) and the new ones;
/// the rows the next band reads again are copied into its carry. The first
/// and last bands whose shapes differ are emitted on their own, the rest as
/// an `scf.for` whose iter_args are the output and the carries.
class BoundaryPassingEmitter {
public:
  BoundaryPassingEmitter(const Banded &banded, const BoundaryRows &rows)
      : banded(banded), segment(banded.segment), rows(rows),
        n(segment.layers.size()) {}

  /// The output of the segment and the ops it carries between bands.
  struct State {
    Value output;
    SmallVector<Value> carries;
  };

  /// Emits band `band` at the builder's insertion point. In a loop, `iv` is
  /// the band index and `step` how far each placed row moves per band.
  State emitBand(OpBuilder &builder, Location loc, unsigned band,
                 const State &in, Value iv = {}, ArrayRef<int64_t> step = {}) {
    State out;
    out.output = in.output;
    out.carries.assign(n, Value());
    SmallVector<Value> windows(n);
    unsigned placedIndex = 0;
    auto place = [&](int64_t row) -> OpFoldResult {
      unsigned index = placedIndex++;
      if (!iv)
        return builder.getIndexAttr(row);
      AffineExpr d0 = builder.getAffineDimExpr(0);
      return affine::makeComposedFoldedAffineApply(
          builder, loc, d0 * step[index] + (row - int64_t(band) * step[index]),
          {iv});
    };
    for (unsigned index = 0; index < n; ++index) {
      const RowLayer &layer = segment.layers[index];
      const RowOp &row = *banded.run->layers[banded.part.first + index];
      RowRange fresh = rows.newRows[band][index];
      RowRange window = rows.windows[band][index];
      int64_t carriedIn = rows.carriedIn(band, index);
      Type resultType = row.op->getResultTypes()[0];
      if (!fresh.empty()) {
        RowRange reads = readRows(layer, fresh);
        SmallVector<Value, 2> slices;
        for (auto [operand, input] :
             llvm::zip_equal(row.rowOperands, layer.inputs)) {
          if (reads.empty()) {
            slices.push_back(Value());
            continue;
          }
          if (input < 0) {
            slices.push_back(extractRows(builder, loc, operand,
                                         place(reads.begin), reads.size()));
            continue;
          }
          slices.push_back(
              extractRows(builder, loc, windows[input],
                          builder.getIndexAttr(reads.begin -
                                               rows.windows[band][input].begin),
                          reads.size()));
        }
        // A pad writes its new rows straight into its window, after the
        // carried ones.
        Value carry = isa<tensor::PadOp>(row.op) && carriedIn > 0
                          ? in.carries[index]
                          : Value();
        Value result = emitLayer(
            builder, loc, row,
            withRows(resultType, fresh.size() + (carry ? carriedIn : 0)),
            slices, reads.begin + layer.padTop - fresh.begin, carry);
        if (index + 1 == n) {
          SmallVector<OpFoldResult> offsets(
              cast<RankedTensorType>(resultType).getRank(),
              builder.getIndexAttr(0));
          offsets[1] = place(fresh.begin);
          out.output = insertAt(builder, loc, result, in.output, offsets);
          continue;
        }
        windows[index] = carriedIn > 0 && !carry
                             ? tensor::ConcatOp::create(
                                   builder, loc, /*dim=*/1,
                                   ValueRange{in.carries[index], result})
                                   .getResult()
                             : result;
      } else {
        windows[index] = in.carries[index];
      }
      if (band + 1 == rows.newRows.size())
        continue;
      int64_t carriedOut = rows.carriedIn(band + 1, index);
      if (carriedOut == 0)
        continue;
      // The rows the next band reads again, copied out of the window so that
      // it dies after its last reader; in a loop, into the carry's buffer.
      Value kept =
          extractRows(builder, loc, windows[index],
                      builder.getIndexAttr(rows.windows[band + 1][index].begin -
                                           window.begin),
                      carriedOut);
      Value dest = in.carries[index];
      if (!dest || dest.getType() != kept.getType())
        dest = tensor::EmptyOp::create(
            builder, loc, cast<RankedTensorType>(kept.getType()).getShape(),
            getElementTypeOrSelf(kept.getType()));
      out.carries[index] =
          linalg::CopyOp::create(builder, loc, kept, dest).getResult(0);
    }
    return out;
  }

private:
  /// One layer's new rows, of `type`, from `slices` of its row operands
  /// (null where a pad reads only padding). A pad places its source rows at
  /// `padOffset` rows into its new rows, which follow the rows of `carry`
  /// when there is one.
  Value emitLayer(OpBuilder &builder, Location loc, const RowOp &row,
                  RankedTensorType type, ArrayRef<Value> slices,
                  int64_t padOffset, Value carry) {
    if (auto pad = dyn_cast<tensor::PadOp>(row.op)) {
      Value value = pad.getConstantPaddingValue();
      if (value.getParentRegion() == &pad.getRegion())
        value = builder.clone(*value.getDefiningOp())->getResult(0);
      Value band = tensor::EmptyOp::create(builder, loc, type.getShape(),
                                           type.getElementType());
      band = linalg::FillOp::create(builder, loc, value, band).getResult(0);
      SmallVector<OpFoldResult> offsets(4, builder.getIndexAttr(0));
      int64_t carried = 0;
      if (carry) {
        band = insertAt(builder, loc, carry, band, offsets);
        carried = cast<RankedTensorType>(carry.getType()).getDimSize(1);
      }
      if (!slices[0])
        return band;
      offsets[1] = builder.getIndexAttr(carried + padOffset);
      offsets[2] = builder.getIndexAttr(pad.getStaticLow()[2]);
      return insertAt(builder, loc, slices[0], band, offsets);
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(row.op))
      return tensor::CollapseShapeOp::create(
          builder, loc, type, slices[0], collapse.getReassociationIndices());
    if (auto crop = dyn_cast<tensor::ExtractSliceOp>(row.op)) {
      SmallVector<OpFoldResult> offsets(4, builder.getIndexAttr(0));
      offsets[2] = builder.getIndexAttr(crop.getStaticOffsets()[2]);
      SmallVector<OpFoldResult> sizes;
      for (int64_t size : type.getShape())
        sizes.push_back(builder.getIndexAttr(size));
      SmallVector<OpFoldResult> strides(4, builder.getIndexAttr(1));
      return tensor::ExtractSliceOp::create(builder, loc, type, slices[0],
                                            offsets, sizes, strides);
    }
    auto linalgOp = cast<linalg::LinalgOp>(row.op);
    OpOperand *init = linalgOp.getDpsInitOperand(0);
    SmallVector<Value> operands(row.op->getOperands());
    for (auto [number, slice] : llvm::zip_equal(row.rowOperandNumbers, slices))
      operands[number] = slice;
    operands[init->getOperandNumber()] =
        linalgOp.payloadUsesValueFromOperand(init)
            ? cloneInitChain(builder, loc, init->get(), type)
            : tensor::EmptyOp::create(builder, loc, type.getShape(),
                                      type.getElementType())
                  .getResult();
    return clone(builder, row.op, {type}, operands)->getResult(0);
  }

  const Banded &banded;
  const RowSegment &segment;
  const BoundaryRows &rows;
  unsigned n;
};

/// Rewrites a segment into boundary passing; returns the loop over its bands
/// (or its last op when every band has a shape of its own), or why not.
FailureOr<Operation *> bandSegmentBoundary(RewriterBase &rewriter,
                                           const Banded &banded,
                                           std::string &why) {
  const RowSegment &segment = banded.segment;
  BoundaryRows rows = boundaryRowsFor(segment, banded.part.choice.estimate);
  if (std::optional<std::string> problem = rows.checkWindows()) {
    why = *problem;
    return failure();
  }
  int64_t outputRows = 0;
  for (const std::vector<RowRange> &fresh : rows.newRows)
    outputRows += fresh.back().size();
  if (outputRows != segment.outputHeight()) {
    why = "the bands do not compute every output row";
    return failure();
  }
  unsigned numBands = rows.newRows.size();
  SmallVector<BoundaryBandShape> shapes;
  for (unsigned band = 0; band < numBands; ++band) {
    FailureOr<BoundaryBandShape> shape =
        getBoundaryBandShape(segment, rows, band, why);
    if (failed(shape))
      return failure();
    shapes.push_back(std::move(*shape));
  }
  // The longest run of bands of one shape whose placed rows move by equal
  // steps: [loopBegin, loopEnd).
  auto stepBetween = [&](unsigned band) {
    SmallVector<int64_t> step;
    for (auto [next, here] :
         llvm::zip_equal(shapes[band + 1].placed, shapes[band].placed))
      step.push_back(next - here);
    return step;
  };
  unsigned loopBegin = 0, loopEnd = 0;
  for (unsigned begin = 0; begin < numBands;) {
    unsigned end = begin + 1;
    while (end < numBands && shapes[end].shape == shapes[begin].shape &&
           (end == begin + 1 || stepBetween(end - 1) == stepBetween(begin)))
      ++end;
    if (end - begin > loopEnd - loopBegin) {
      loopBegin = begin;
      loopEnd = end;
    }
    begin = end == begin + 1 ? end : end - 1;
  }
  if (loopEnd - loopBegin < 2)
    loopBegin = loopEnd = 0;

  Operation *last = banded.run->layers[banded.part.last]->op;
  Location loc = last->getLoc();
  rewriter.setInsertionPoint(last);
  auto outputType = cast<RankedTensorType>(last->getResultTypes()[0]);
  BoundaryPassingEmitter emitter(banded, rows);
  BoundaryPassingEmitter::State state;
  state.output = tensor::EmptyOp::create(rewriter, loc, outputType.getShape(),
                                         outputType.getElementType());
  state.carries.assign(segment.layers.size(), Value());
  for (unsigned band = 0; band < loopBegin; ++band)
    state = emitter.emitBand(rewriter, loc, band, state);
  Operation *anchor = last;
  if (loopEnd > loopBegin) {
    SmallVector<int64_t> step = stepBetween(loopBegin);
    SmallVector<Value> inits = {state.output};
    SmallVector<unsigned> carried;
    for (auto [index, carry] : llvm::enumerate(state.carries))
      if (carry) {
        inits.push_back(carry);
        carried.push_back(index);
      }
    Value lower = arith::ConstantIndexOp::create(rewriter, loc, loopBegin);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, loopEnd);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, lower, upper, one, inits,
        [&](OpBuilder &builder, Location loc, Value iv, ValueRange args) {
          BoundaryPassingEmitter::State in;
          in.output = args[0];
          in.carries.assign(segment.layers.size(), Value());
          for (auto [index, arg] : llvm::zip_equal(carried, args.drop_front()))
            in.carries[index] = arg;
          BoundaryPassingEmitter::State out =
              emitter.emitBand(builder, loc, loopBegin, in, iv, step);
          SmallVector<Value> yielded = {out.output};
          for (unsigned index : carried)
            yielded.push_back(out.carries[index]);
          scf::YieldOp::create(builder, loc, yielded);
        });
    anchor = loop;
    state.output = loop.getResult(0);
    for (auto [index, result] :
         llvm::zip_equal(carried, loop.getResults().drop_front()))
      state.carries[index] = result;
  }
  for (unsigned band = loopEnd; band < numBands; ++band)
    state = emitter.emitBand(rewriter, loc, band, state);
  rewriter.replaceAllUsesWith(last->getResult(0), state.output);
  // The segment's ops are dead now, and so are the empty tensors they
  // wrote into.
  llvm::SetVector<Operation *> empties;
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(*last->getBlock()))) {
    if (!banded.members.contains(&op) || !op.use_empty())
      continue;
    for (Value operand : op.getOperands())
      if (auto empty = operand.getDefiningOp<tensor::EmptyOp>())
        empties.insert(empty);
    rewriter.eraseOp(&op);
  }
  for (Operation *empty : empties)
    if (empty->use_empty())
      rewriter.eraseOp(empty);
  return anchor == last ? state.output.getDefiningOp() : anchor;
}

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
    if (mode != "overlap" && mode != "boundary" && mode != "auto") {
      getOperation()->emitError()
          << "memopt-row-bands: mode must be overlap, boundary or auto, not '"
          << mode << "'";
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
  SmallVector<Run> findRuns(Block &block, std::vector<RowOp> &rowOps,
                            bool withMultiplierOps) {
    DenseMap<Operation *, unsigned> indexOf;
    for (Operation &op : block) {
      std::optional<RowOp> row = describeRowOp(&op);
      if (!row && withMultiplierOps)
        row = describeMultiplierRowOp(&op);
      if (row) {
        indexOf[&op] = rowOps.size();
        rowOps.push_back(std::move(*row));
      }
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
      acceptRunOrParts(run, accepted);
    // Parts of a run keep block order with the other runs.
    llvm::stable_sort(accepted, [](const Run &a, const Run &b) {
      return a.layers.front()->op->isBeforeInBlock(b.layers.front()->op);
    });
    return accepted;
  }

  /// Appends `run` to `accepted` if it can be banded whole; otherwise its
  /// parts split at maps read by several ops (a NAS cell's input, read by
  /// each branch, joins the stem before it and the cell after it into one
  /// run reading two maps from outside), and the parts of a refused part
  /// split into chains at the ops that read two maps (a cell's branch sums),
  /// that can. The remark of the whole run is emitted only when no part is
  /// kept.
  void acceptRunOrParts(Run &run, SmallVector<Run> &accepted) {
    if (run.layers.size() < 2)
      return;
    // Without remarks: a remark on an op prints the op (and verifies it),
    // which on a whole network's run cost seconds.
    auto checkQuietly = [&](Run &candidate) {
      return checkRun(candidate, /*remark=*/false);
    };
    if (checkQuietly(run)) {
      accepted.push_back(std::move(run));
      return;
    }
    unsigned kept = 0;
    SmallVector<Run> parts = splitRun(run, /*atJoins=*/false);
    for (Run &part : parts) {
      if (parts.size() > 1 && checkQuietly(part)) {
        accepted.push_back(std::move(part));
        ++kept;
        continue;
      }
      SmallVector<Run> chains = splitRun(part, /*atJoins=*/true);
      if (chains.size() > 1)
        for (Run &chain : chains)
          if (checkQuietly(chain)) {
            accepted.push_back(std::move(chain));
            ++kept;
          }
    }
    if (kept)
      return;
    run.input = Value();
    checkRun(run, /*remark=*/true);
  }

  /// The parts of `run` connected by maps that only one op reads (inits go
  /// with the ops they initialise), in block order; with `atJoins`, ops that
  /// read two maps are parts of their own, so the parts are chains.
  static SmallVector<Run> splitRun(const Run &run, bool atJoins) {
    SmallVector<RowOp *> members(run.layers);
    members.append(run.inits.begin(), run.inits.end());
    DenseMap<Operation *, unsigned> indexOf;
    for (auto [index, row] : llvm::enumerate(members))
      indexOf[row->op] = index;
    auto isJoin = [&](RowOp *row) {
      llvm::SmallPtrSet<Value, 2> maps(row->rowOperands.begin(),
                                       row->rowOperands.end());
      return atJoins && !row->initOnly && maps.size() > 1;
    };
    llvm::EquivalenceClasses<unsigned> classes;
    for (auto [index, row] : llvm::enumerate(members)) {
      classes.insert(index);
      for (Value operand : row->op->getOperands()) {
        Operation *def = operand.getDefiningOp();
        auto it = def ? indexOf.find(def) : indexOf.end();
        if (it == indexOf.end())
          continue;
        RowOp *producer = members[it->second];
        if (producer->initOnly) {
          classes.unionSets(index, it->second);
          continue;
        }
        llvm::SmallPtrSet<Operation *, 4> readers(operand.getUsers().begin(),
                                                  operand.getUsers().end());
        if (readers.size() == 1 && !isJoin(row) && !isJoin(producer))
          classes.unionSets(index, it->second);
      }
    }
    SmallVector<Run> parts;
    DenseMap<unsigned, unsigned> partOfLeader;
    for (auto [index, row] : llvm::enumerate(members)) {
      if (row->initOnly)
        continue;
      auto [it, inserted] =
          partOfLeader.try_emplace(classes.getLeaderValue(index), parts.size());
      if (inserted)
        parts.emplace_back();
      parts[it->second].layers.push_back(row);
    }
    for (auto [index, row] : llvm::enumerate(members))
      if (row->initOnly)
        if (auto it = partOfLeader.find(classes.getLeaderValue(index));
            it != partOfLeader.end())
          parts[it->second].inits.push_back(row);
    return parts;
  }

  /// Fills in the layers' inputs; refuses, with a remark naming the op, a
  /// run with several outputs or inputs or an init read as rows (the
  /// remark only with `remark`).
  bool checkRun(Run &run, bool remark) {
    if (run.layers.size() < 2)
      return false;
    auto refuse = [&](Operation *op, const Twine &why) {
      if (remark)
        emitRemark(op->getLoc()) << "memopt-row-bands: not banded: " << why;
      return false;
    };
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
          return refuse(row->op, "it reads the rows of " +
                                     def->getName().getStringRef() +
                                     ", which only initialises a destination");
        }
        if (run.input && run.input != operand) {
          return refuse(row->op,
                        "this chain reads two feature maps from outside it");
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
        if (!isCutPoint(layers, index))
          return refuse(row->op, "its rows are also read by " +
                                     user->getName().getStringRef() +
                                     " outside the chain, where other maps "
                                     "of the chain are live");
        run.mustEnd[index] = true;
      }
    }
    if (!run.input)
      return false;
    RowSegment segment;
    for (RowOp *row : run.layers)
      segment.layers.push_back(row->layer);
    if (std::optional<std::string> problem = segment.check())
      return refuse(last, *problem);
    return true;
  }

  /// Tosa convolutions and pools are banded in their linalg form: a remark
  /// on the first one tells the user to lower the function first, rather
  /// than leaving it unchanged in silence.
  static void remarkOnTosaWindowOps(Block &block) {
    for (Operation &op : block) {
      if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MaxPool2dOp,
               tosa::AvgPool2dOp>(op))
        continue;
      op.emitRemark() << "memopt-row-bands: not banded: '"
                      << op.getName().getStringRef()
                      << "' is banded in its linalg form; lower the function "
                         "first (--tosa-to-linalg-pipeline), or use "
                         "--memopt-row-bands-training on a tosa training step";
      return;
    }
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
    SmallVector<Run> runs = findRuns(*before->block, rowOps,
                                     /*withMultiplierOps=*/mode != "overlap");
    remarkOnTosaWindowOps(*before->block);

    BandChoiceOptions options;
    options.maxAddedMacsRatio = maxAddedCompute;
    if (budget > 0)
      options.budgetBytes = budget;
    if (bands > 0)
      options.fixedBands = bands;
    if (mode != "overlap")
      options.mode = BandMode::BoundaryPassing;
    options.anyMode = mode == "auto";
    SmallVector<Banded, 4> work;
    for (Run &run : runs) {
      std::optional<BandChoiceOptions> runOptions = optionsForRun(run, options);
      if (!runOptions)
        continue;
      RowSegment segment;
      for (RowOp *row : run.layers)
        segment.layers.push_back(row->layer);
      int64_t inputBytes =
          isa<BlockArgument>(run.input) ? 0 : bytesOf(run.input);
      SegmentPlan plan =
          planSegments(segment, inputBytes, *runOptions, run.mustEnd);
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
      std::string why;
      FailureOr<Operation *> loop =
          banded.part.choice.estimate.mode == BandMode::Overlap
              ? bandSegment(rewriter, banded)
              : bandSegmentBoundary(rewriter, banded, why);
      if (failed(loop))
        return restore(
            "tiling the segment ending at '" +
            banded.run->layers[banded.part.last]->op->getName().getStringRef() +
            "' failed" + (why.empty() ? "" : ": " + why));
      remarks.push_back({*loop, describe(banded)});
    }
    std::string why;
    FailureOr<CheckedRewrite> after = checkRewriteLowersPeak(
        function, extraction, peakBefore, "banding", why);
    if (failed(after))
      return restore(why);
    int64_t peakAfter = after->peakBytes;
    // Bufferization allocates a tensor.empty where it stands: the empties of
    // the segments' outputs, left where the unbanded ops stood, move to right
    // before their first users (the loops), as the model counts them.
    std::vector<unsigned> given = inputOrder(after->model.graph);
    std::vector<unsigned> sunk = sinkWeightlessNodes(after->model.graph, given);
    if (sunk != given)
      if (std::optional<std::string> problem = applyCheckedOrder(
              function, after->model, sunk, extraction.pureDialects))
        return restore("placing the tensor.empty ops failed: " + *problem);
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

  /// The band choice options for `run`: boundary passing only where every op
  /// of the run allows it. With mode=boundary, a run some op refuses gets a
  /// remark naming the op and is left as it is (none returned); with
  /// mode=auto it is banded in overlap mode.
  std::optional<BandChoiceOptions>
  optionsForRun(const Run &run, const BandChoiceOptions &options) {
    if (options.mode == BandMode::Overlap)
      return options;
    llvm::SmallPtrSet<Operation *, 16> inits;
    for (RowOp *init : run.inits)
      inits.insert(init->op);
    bool boundaryOnly = llvm::any_of(run.layers, [](RowOp *row) {
      return isa<linalg::DepthwiseConv2DNhwcHwcmOp, tensor::CollapseShapeOp>(
          row->op);
    });
    for (RowOp *row : run.layers) {
      std::optional<std::string> refusal = boundaryPassingRefusal(*row, inits);
      if (!refusal)
        continue;
      if (!options.anyMode || boundaryOnly) {
        emitRemark(row->op->getLoc())
            << "memopt-row-bands: not banded by boundary passing: " << *refusal;
        return std::nullopt;
      }
      BandChoiceOptions overlap = options;
      overlap.mode = BandMode::Overlap;
      overlap.anyMode = false;
      return overlap;
    }
    if (!boundaryOnly)
      return options;
    BandChoiceOptions boundary = options;
    boundary.anyMode = false;
    return boundary;
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
       << " bands of " << estimate.rowsPerBand << " rows ("
       << (estimate.mode == BandMode::Overlap ? "overlap" : "boundary passing")
       << "); "
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
