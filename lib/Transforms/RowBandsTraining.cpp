//===- RowBandsTraining.cpp - Band convolution chains of a training step --===//
//
// LR-CNN's row-centric training in overlap mode, on tosa. A segment
// (convolutions of any stride, clamps, max pools, row crops and residual
// adds; ResNet: a stage with its strided first block) runs
// its forward band by band of output rows, so that only its input and output
// stay live for the backward; the backward recomputes each band's forward
// and back-propagates the band: weight and bias gradients are summed over
// bands, the input gradient is assembled from the bands' (halo rows get the
// sum of two bands).
//
// The pass does not trust the shape of the program's backward: it builds
// the backward of the segment at full size from the program's own values
// (the rules of the model generator's Backward class), matches every op of
// it against the program's ops, and only replaces values it matched. The
// banded gradients are the same functions of the same values (a band is the
// segment restricted to the rows that feed its output rows), so they agree
// with the replaced ones up to the order of their sums.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Rewrite/RowBands.h"
#include "memopt/Schedule/Scheduler.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <map>
#include <set>

namespace memopt {
#define GEN_PASS_DEF_MEMOPTROWBANDSTRAINING
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

constexpr llvm::StringLiteral kPassName = "memopt-row-bands-training";

/// One forward op of a segment.
struct TrainLayer {
  enum class Kind { Conv, Clamp, MaxPool, Add, Slice };
  Kind kind;
  Operation *op;
  /// Its rows along H (kernel, stride, top padding, heights).
  RowLayer rows;
};

/// Forward ops reading one map from outside (the segment input) and each
/// other's maps, in block order; the last one's map is the output.
struct Segment {
  SmallVector<TrainLayer> layers;
  Value inputMap;
  Value input() const { return inputMap; }
  Value output() const { return layers.back().op->getResult(0); }
};

/// The values of a `tosa.const_shape`, if `value` is one.
std::optional<SmallVector<int64_t>> getConstShape(Value value) {
  auto shapeOp = value.getDefiningOp<tosa::ConstShapeOp>();
  if (!shapeOp)
    return std::nullopt;
  return llvm::to_vector(shapeOp.getValues().getValues<int64_t>());
}

/// Whether a max pool's windows tile its input (kernel = stride, no
/// padding: VGG's 2x2/2), whose backward has the generator's tile form.
bool poolTiles(tosa::MaxPool2dOp pool) {
  return pool.getKernel() == pool.getStride() &&
         llvm::all_of(pool.getPad(), [](int64_t p) { return p == 0; });
}

RankedTensorType getStaticF32Nhwc(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getRank() != 4 || !tensor.hasStaticShape() ||
      !tensor.getElementType().isF32())
    return nullptr;
  return tensor;
}

/// Describes `op` as a layer a segment can hold, or says why it cannot be
/// one (nothing when it is no window op or clamp at all).
FailureOr<TrainLayer> describeLayer(Operation *op, std::string &why) {
  why.clear();
  auto fail = [&](const Twine &reason) -> FailureOr<TrainLayer> {
    why = reason.str();
    return failure();
  };
  if (!isa<tosa::Conv2DOp, tosa::ClampOp, tosa::MaxPool2dOp, tosa::AddOp,
           tosa::SliceOp>(op))
    return failure();
  RankedTensorType in = getStaticF32Nhwc(op->getOperand(0).getType());
  RankedTensorType out = getStaticF32Nhwc(op->getResult(0).getType());
  if (!in || !out)
    return failure();
  TrainLayer layer{TrainLayer::Kind::Clamp, op, {}};
  layer.rows.name = op->getName().getStringRef().str();
  layer.rows.inputHeight = in.getDimSize(1);
  layer.rows.outputHeight = out.getDimSize(1);
  if (isa<tosa::AddOp>(op)) {
    // A residual add of two maps of its shape (no broadcast).
    if (op->getOperand(1).getType() != out || in != out)
      return failure();
    layer.kind = TrainLayer::Kind::Add;
    return layer;
  }
  if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
    // A crop of rows and columns (the generator's cut of trailing rows a
    // strided window never reads): along H, kernel 1 and a negative pad.
    std::optional<SmallVector<int64_t>> start = getConstShape(slice.getStart());
    if (!start)
      return failure();
    if ((*start)[0] != 0 || (*start)[3] != 0 ||
        in.getDimSize(0) != out.getDimSize(0) ||
        in.getDimSize(3) != out.getDimSize(3))
      return fail("it slices the batch or the channels (only crops of rows "
                  "and columns are banded in training)");
    layer.kind = TrainLayer::Kind::Slice;
    layer.rows.padTop = -(*start)[1];
    return layer;
  }
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    ArrayRef<int64_t> stride = conv.getStride(), dilation = conv.getDilation();
    if (dilation[0] != 1 || dilation[1] != 1)
      return fail("dilation " + Twine(dilation[0]) + "x" + Twine(dilation[1]) +
                  " (only dilation 1 is banded in training)");
    // (The memory model refuses functions with dynamic shapes first.)
    auto weight = dyn_cast<RankedTensorType>(conv.getWeight().getType());
    if (!weight || !weight.hasStaticShape())
      return failure();
    if (!matchPattern(conv.getInputZp(), m_AnyZeroFloat()) ||
        !matchPattern(conv.getWeightZp(), m_AnyZeroFloat()))
      return fail("its zero points are not constant zeros");
    layer.kind = TrainLayer::Kind::Conv;
    layer.rows.kernel = weight.getDimSize(1);
    layer.rows.stride = stride[0];
    layer.rows.padTop = conv.getPad()[0];
    return layer;
  }
  if (auto pool = dyn_cast<tosa::MaxPool2dOp>(op)) {
    layer.kind = TrainLayer::Kind::MaxPool;
    layer.rows.kernel = pool.getKernel()[0];
    layer.rows.stride = pool.getStride()[0];
    layer.rows.padTop = pool.getPad()[0];
    return layer;
  }
  return layer;
}

/// Emits tosa ops at a builder's insertion point; every helper mirrors the
/// op sequence the model generator emits for the same step.
class Emitter {
public:
  Emitter(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  Value constShape(ArrayRef<int64_t> values) {
    auto type =
        RankedTensorType::get({int64_t(values.size())}, b.getIndexType());
    auto attr = DenseIntElementsAttr::get(type, values);
    Value &constant = constants[attr];
    if (!constant)
      constant = tosa::ConstShapeOp::create(
          b, loc, tosa::shapeType::get(b.getContext(), values.size()), attr);
    return constant;
  }
  /// A splat f32 constant of `shape`.
  Value splat(ArrayRef<int64_t> shape, float value) {
    auto type = RankedTensorType::get(shape, b.getF32Type());
    auto attr = DenseElementsAttr::get(type, llvm::ArrayRef(value));
    Value &constant = constants[attr];
    if (!constant)
      constant = tosa::ConstOp::create(b, loc, type, attr);
    return constant;
  }
  /// The generator's scalar of rank `rank` and its zero point.
  Value scalar(float value, unsigned rank) {
    return splat(SmallVector<int64_t>(rank, 1), value);
  }
  Value zeroPoint() { return splat({1}, 0.0f); }

  Value slice(Value x, ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
    auto type = RankedTensorType::get(size, elementType(x));
    return tosa::SliceOp::create(b, loc, type, x, constShape(start),
                                 constShape(size));
  }
  /// Rows `rows` of an NHWC map whose row 0 is row `origin` of the full map;
  /// the value itself when it is exactly those rows.
  Value sliceRows(Value x, int64_t origin, RowRange rows) {
    ArrayRef<int64_t> shape = shapeOf(x);
    if (rows.begin == origin && rows.size() == shape[1])
      return x;
    return slice(x, {0, rows.begin - origin, 0, 0},
                 {shape[0], rows.size(), shape[2], shape[3]});
  }
  /// `x` padded by `pads` (low, high per dimension) with `fill` (a
  /// tensor<1xf32>; zeros when null); `x` itself when nothing is padded.
  Value pad(Value x, ArrayRef<int64_t> pads, Value fill = Value()) {
    if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
      return x;
    SmallVector<int64_t> shape(shapeOf(x));
    for (unsigned i = 0; i < shape.size(); ++i)
      shape[i] += pads[2 * i] + pads[2 * i + 1];
    return tosa::PadOp::create(b, loc,
                               RankedTensorType::get(shape, elementType(x)), x,
                               constShape(pads), fill ? fill : zeroPoint());
  }
  /// `above` and `below` rows of zeros around an NHWC map.
  Value padRows(Value x, int64_t above, int64_t below) {
    return pad(x, {0, 0, above, below, 0, 0, 0, 0});
  }
  /// The generator's `_dilate`: stride - 1 zeros after every row and
  /// column of an NHWC map.
  Value dilate(Value g, ArrayRef<int64_t> stride) {
    if (stride[0] == 1 && stride[1] == 1)
      return g;
    ArrayRef<int64_t> s = shapeOf(g);
    Value t = reshape(g, {s[0], s[1], 1, s[2], 1, s[3]});
    t = pad(t, {0, 0, 0, 0, 0, stride[0] - 1, 0, 0, 0, stride[1] - 1, 0, 0});
    return reshape(t, {s[0], s[1] * stride[0], s[2] * stride[1], s[3]});
  }
  Value reshape(Value x, ArrayRef<int64_t> shape) {
    auto type = RankedTensorType::get(shape, elementType(x));
    return tosa::ReshapeOp::create(b, loc, type, x, constShape(shape));
  }
  Value transpose3120(Value x) {
    ArrayRef<int64_t> s = shapeOf(x);
    auto type = RankedTensorType::get({s[3], s[1], s[2], s[0]}, elementType(x));
    return tosa::TransposeOp::create(b, loc, type, x,
                                     ArrayRef<int32_t>{3, 1, 2, 0});
  }
  Value reverse(Value x, unsigned axis) {
    if (shapeOf(x)[axis] == 1)
      return x;
    return tosa::ReverseOp::create(b, loc, x.getType(), x, axis);
  }
  Value reduceSum(Value x, unsigned axis) {
    SmallVector<int64_t> shape(shapeOf(x));
    if (shape[axis] == 1)
      return x;
    shape[axis] = 1;
    return tosa::ReduceSumOp::create(
        b, loc, RankedTensorType::get(shape, elementType(x)), x, axis);
  }
  /// tosa.conv2d with zero bias and zero points, result shape inferred.
  Value conv2d(Value x, Value w, Value bias, ArrayRef<int64_t> pad,
               ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation) {
    ArrayRef<int64_t> in = shapeOf(x), filter = shapeOf(w);
    SmallVector<int64_t> out = {in[0], 0, 0, filter[0]};
    for (unsigned i = 0; i < 2; ++i) {
      int64_t keff = (filter[1 + i] - 1) * dilation[i] + 1;
      out[1 + i] =
          (in[1 + i] + pad[2 * i] + pad[2 * i + 1] - keff) / stride[i] + 1;
    }
    Value zp = zeroPoint();
    // No local_bound attribute, as the generator emits it.
    return tosa::Conv2DOp::create(
        b, loc, RankedTensorType::get(out, b.getF32Type()), x, w, bias, zp, zp,
        b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
        b.getDenseI64ArrayAttr(dilation), TypeAttr::get(b.getF32Type()),
        /*local_bound=*/nullptr);
  }
  Value add(Value x, Value y) {
    return tosa::AddOp::create(b, loc, x.getType(), x, y);
  }
  Value greater(Value x, Value y) {
    return tosa::GreaterOp::create(b, loc, boolType(x, y), x, y);
  }
  Value equal(Value x, Value y) {
    return tosa::EqualOp::create(b, loc, boolType(x, y), x, y);
  }
  Value logicalAnd(Value x, Value y) {
    return tosa::LogicalAndOp::create(b, loc, x.getType(), x, y);
  }
  Value logicalOr(Value x, Value y) {
    return tosa::LogicalOrOp::create(b, loc, x.getType(), x, y);
  }
  Value logicalNot(Value x) {
    return tosa::LogicalNotOp::create(b, loc, x.getType(), x);
  }
  Value select(Value cond, Value x, Value y) {
    return tosa::SelectOp::create(
        b, loc, cast<RankedTensorType>(cond.getType()).clone(elementType(x)),
        cond, x, y);
  }
  Value concat(ArrayRef<Value> values, unsigned axis) {
    if (values.size() == 1)
      return values.front();
    SmallVector<int64_t> shape(shapeOf(values.front()));
    shape[axis] = 0;
    for (Value value : values)
      shape[axis] += shapeOf(value)[axis];
    return tosa::ConcatOp::create(
        b, loc, RankedTensorType::get(shape, elementType(values.front())),
        values, axis);
  }

  static ArrayRef<int64_t> shapeOf(Value x) {
    return cast<RankedTensorType>(x.getType()).getShape();
  }
  static Type elementType(Value x) {
    return cast<RankedTensorType>(x.getType()).getElementType();
  }

  OpBuilder &b;
  Location loc;

private:
  /// Constants this emitter created: its ops go in one place, in order,
  /// so the first one dominates the later uses.
  DenseMap<Attribute, Value> constants;

  Type boolType(Value x, Value y) {
    ArrayRef<int64_t> a = shapeOf(x), c = shapeOf(y);
    SmallVector<int64_t> shape;
    for (auto [da, dc] : llvm::zip(a, c))
      shape.push_back(std::max(da, dc));
    return RankedTensorType::get(shape, b.getI1Type());
  }
};

/// The values one run of a segment's forward reads and computes: per layer
/// its input, its output, its top and bottom padding along H.
struct ForwardValues {
  /// Per layer, the value each map operand reads.
  SmallVector<SmallVector<Value, 2>> inputs;
  /// Per layer and map operand, the rows of the producer's band it cuts
  /// off above and below (a band of a map read by two layers is their
  /// hull).
  SmallVector<SmallVector<std::pair<int64_t, int64_t>, 2>> cut;
  SmallVector<Value> outputs;
  SmallVector<std::pair<int64_t, int64_t>> padsH;
};

/// Gradients of one backward run of a segment; null where not emitted.
struct Gradients {
  Value input;
  SmallVector<Value> weights, biases;
};

/// The mask of the window offset whose `hit` (where it holds the maximum)
/// comes first in the generator's order of offsets: its hits where no
/// earlier offset hit. `taken` gathers the hits of the offsets so far.
static Value firstHit(Emitter &e, Value hit, Value &taken) {
  if (!taken) {
    taken = hit;
    return hit;
  }
  Value first = e.logicalAnd(hit, e.logicalNot(taken));
  taken = e.logicalOr(taken, hit);
  return first;
}

/// The input gradient of a max pool whose windows do not tile its input,
/// as the generator's `_max_pool2d` emits it: the input padded with the
/// lowest value (room for every window offset), the gradient sent to the
/// first maximum of each window one window offset at a time, each part
/// dilated and padded to the padded input, summed, cropped. `padsH`: the
/// pool's padding along H in this run.
Value emitPoolBackward(Emitter &e, tosa::MaxPool2dOp pool,
                       std::pair<int64_t, int64_t> padsH, Value x, Value y,
                       Value g) {
  ArrayRef<int64_t> xs = Emitter::shapeOf(x), ys = Emitter::shapeOf(y);
  ArrayRef<int64_t> kernel = pool.getKernel(), stride = pool.getStride();
  SmallVector<int64_t> pad = {padsH.first, padsH.second, pool.getPad()[2],
                              pool.getPad()[3]};
  int64_t n = xs[0], c = xs[3], oh = ys[1], ow = ys[2];
  int64_t kh = kernel[0], kw = kernel[1], sh = stride[0], sw = stride[1];
  Value xp =
      e.pad(x, {0, 0, pad[0], pad[1] + sh - 1, pad[2], pad[3] + sw - 1, 0, 0},
            e.splat({1}, -std::numeric_limits<float>::max()));
  Value zero = e.scalar(0.0f, 4);
  Value taken, total;
  for (int64_t ky = 0; ky < kh; ++ky)
    for (int64_t kx = 0; kx < kw; ++kx) {
      Value window = e.slice(xp, {0, ky, kx, 0}, {n, oh * sh, ow * sw, c});
      if (sh > 1 || sw > 1) {
        window = e.reshape(window, {n, oh, sh, ow, sw, c});
        window = e.slice(window, {0, 0, 0, 0, 0, 0}, {n, oh, 1, ow, 1, c});
        window = e.reshape(window, {n, oh, ow, c});
      }
      Value first = firstHit(e, e.equal(window, y), taken);
      Value part = e.dilate(e.select(first, g, zero), stride);
      part = e.pad(part, {0, 0, ky, kh - 1 - ky, kx, kw - 1 - kx, 0, 0});
      total = total ? e.add(total, part) : part;
    }
  return e.slice(total, {0, pad[0], pad[2], 0}, xs);
}

/// Emits the backward of `segment` for output gradient `grad` over the
/// forward run `forward`, op by op as the generator's Backward does
/// (conv2d: input gradient by a stride-1 convolution with the flipped,
/// IO-transposed filter, filter gradient by a convolution of the
/// NHWC->CHWN input with the NHWC->CHWN gradient, bias gradient by sums;
/// clamp: a mask; tiling max pool: to the first maximum of each window;
/// add: the gradient to both operands). Layers go last to first and each
/// gradient is summed in the order its parts arrive, as the generator's
/// tape does. A part of a band's map that a layer read cut is padded back
/// with zeros. `withInputGradient`: whether to emit the gradient of the
/// segment input.
Gradients emitBackward(Emitter &e, const Segment &segment,
                       const ForwardValues &forward, Value grad,
                       bool withInputGradient) {
  unsigned n = segment.layers.size();
  Gradients grads;
  grads.weights.assign(n, Value());
  grads.biases.assign(n, Value());
  // Gradient of each layer's map; index n is the segment input.
  SmallVector<Value> mapGrads(n + 1);
  mapGrads[n - 1] = grad;
  auto flow = [&](unsigned index, unsigned operand, Value part) {
    int source = segment.layers[index].rows.inputs[operand];
    if (source < 0 && !withInputGradient)
      return;
    auto [above, below] = forward.cut[index][operand];
    if (above || below)
      part = e.padRows(part, above, below);
    Value &sum = mapGrads[source < 0 ? n : unsigned(source)];
    sum = sum ? e.add(sum, part) : part;
  };
  for (unsigned index = n; index-- > 0;) {
    const TrainLayer &layer = segment.layers[index];
    Value g = mapGrads[index];
    if (!g)
      continue;
    Value x = forward.inputs[index][0], y = forward.outputs[index];
    bool wantInput = layer.rows.inputs[0] >= 0 || withInputGradient;
    switch (layer.kind) {
    case TrainLayer::Kind::Add:
      flow(index, 0, g);
      flow(index, 1, g);
      break;
    case TrainLayer::Kind::Clamp: {
      if (!wantInput)
        break;
      auto clamp = cast<tosa::ClampOp>(layer.op);
      float lo = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
      float hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
      Value mask = e.greater(y, e.scalar(lo, 4));
      if (hi != std::numeric_limits<float>::max())
        mask = e.logicalAnd(mask, e.greater(e.scalar(hi, 4), y));
      flow(index, 0, e.select(mask, g, e.scalar(0.0f, 4)));
      break;
    }
    case TrainLayer::Kind::Slice: {
      // The generator's slice backward: g padded back with zeros.
      ArrayRef<int64_t> xs = Emitter::shapeOf(x), ys = Emitter::shapeOf(y);
      SmallVector<int64_t> start =
          *getConstShape(y.getDefiningOp<tosa::SliceOp>().getStart());
      SmallVector<int64_t> pads;
      for (unsigned i = 0; i < 4; ++i) {
        pads.push_back(start[i]);
        pads.push_back(xs[i] - start[i] - ys[i]);
      }
      flow(index, 0, e.pad(g, pads));
      break;
    }
    case TrainLayer::Kind::Conv: {
      auto conv = cast<tosa::Conv2DOp>(layer.op);
      Value w = conv.getWeight();
      ArrayRef<int64_t> filter = Emitter::shapeOf(w);
      ArrayRef<int64_t> pad = conv.getPad(), stride = conv.getStride();
      SmallVector<int64_t> bandPad = {forward.padsH[index].first,
                                      forward.padsH[index].second, pad[2],
                                      pad[3]};
      if (wantInput) {
        // The generator's `_spread`: a stride-1 convolution of the dilated
        // gradient, its unread trailing rows and columns cropped.
        Value flipped = e.reverse(e.reverse(e.transpose3120(w), 1), 2);
        Value dilated = e.dilate(g, stride);
        SmallVector<int64_t> spread;
        for (unsigned i = 0; i < 4; ++i)
          spread.push_back(filter[1 + i / 2] - 1 - bandPad[i] -
                           (i % 2 ? stride[i / 2] - 1 : 0));
        if (spread[1] < 0 || spread[3] < 0) {
          ArrayRef<int64_t> ds = Emitter::shapeOf(dilated);
          dilated = e.slice(dilated, {0, 0, 0, 0},
                            {ds[0], ds[1] + std::min<int64_t>(spread[1], 0),
                             ds[2] + std::min<int64_t>(spread[3], 0), ds[3]});
          spread[1] = std::max<int64_t>(spread[1], 0);
          spread[3] = std::max<int64_t>(spread[3], 0);
        }
        flow(index, 0,
             e.conv2d(dilated, flipped, e.zeroPoint(), spread, {1, 1}, {1, 1}));
      }
      // Stride and dilation swapped, as the generator does.
      Value gw = e.conv2d(e.transpose3120(x), e.transpose3120(g), e.zeroPoint(),
                          bandPad, {1, 1}, stride);
      grads.weights[index] = e.transpose3120(gw);
      Value sum = g;
      for (unsigned axis = 0; axis < 3; ++axis)
        sum = e.reduceSum(sum, axis);
      grads.biases[index] = e.reshape(sum, {filter[0]});
      break;
    }
    case TrainLayer::Kind::MaxPool: {
      if (!wantInput)
        break;
      auto pool = cast<tosa::MaxPool2dOp>(layer.op);
      if (!poolTiles(pool)) {
        flow(index, 0,
             emitPoolBackward(e, pool, forward.padsH[index], x, y, g));
        break;
      }
      ArrayRef<int64_t> xs = Emitter::shapeOf(x), ys = Emitter::shapeOf(y);
      int64_t kh = layer.rows.kernel;
      int64_t kw = xs[2] / ys[2];
      SmallVector<int64_t> one = {ys[0], ys[1], 1, ys[2], 1, ys[3]};
      Value x6 = e.reshape(x, {ys[0], ys[1], kh, ys[2], kw, ys[3]});
      Value y6 = e.reshape(y, one);
      Value g6 = e.reshape(g, one);
      Value zero = e.scalar(0.0f, 6);
      Value taken;
      SmallVector<Value> rows;
      for (int64_t ky = 0; ky < kh; ++ky) {
        SmallVector<Value> parts;
        for (int64_t kx = 0; kx < kw; ++kx) {
          Value window = e.slice(x6, {0, 0, ky, 0, kx, 0}, one);
          Value first = firstHit(e, e.equal(window, y6), taken);
          parts.push_back(e.select(first, g6, zero));
        }
        rows.push_back(e.concat(parts, 4));
      }
      flow(index, 0, e.reshape(e.concat(rows, 2), xs));
      break;
    }
    }
  }
  grads.input = mapGrads[n];
  return grads;
}

/// How a band runs: per layer, the padding of a convolution along H and,
/// per map operand, the rows of the producer's band it cuts off.
struct BandPlan {
  SmallVector<std::pair<int64_t, int64_t>> padsH;
  SmallVector<SmallVector<std::pair<int64_t, int64_t>, 2>> cut;
};

/// The plan of band `rows` (from overlapBandRows), or nothing when a layer
/// that does not pad would need padding, or a producer's band does not
/// hold the rows a reader needs.
std::optional<BandPlan> planBand(const Segment &segment, const BandRows &rows) {
  BandPlan plan;
  for (auto [index, layer] : llvm::enumerate(segment.layers)) {
    RowRange needed = layer.rows.inputRowsFor(rows.layerRows[index]);
    RowRange inMap = needed.clamp(layer.rows.inputHeight);
    int64_t padTop = inMap.begin - needed.begin;
    int64_t padBottom = needed.end - inMap.end;
    if ((padTop || padBottom) && layer.kind != TrainLayer::Kind::Conv &&
        layer.kind != TrainLayer::Kind::MaxPool)
      return std::nullopt;
    plan.padsH.push_back({padTop, padBottom});
    plan.cut.emplace_back();
    for (int source : layer.rows.inputs) {
      RowRange produced = source < 0 ? rows.inputRows : rows.layerRows[source];
      if (inMap.begin < produced.begin || inMap.end > produced.end)
        return std::nullopt;
      plan.cut.back().push_back(
          {inMap.begin - produced.begin, produced.end - inMap.end});
    }
  }
  return plan;
}

bool bandChains(const Segment &segment, const BandRows &rows) {
  return planBand(segment, rows).has_value();
}

/// Runs the forward of `segment` on the rows of band `rows` (from
/// overlapBandRows, checked by bandChains): each op is cloned onto its
/// band, convolutions padded only where the band reaches the map's edge.
ForwardValues emitForwardBand(Emitter &e, const Segment &segment,
                              const BandRows &rows) {
  BandPlan plan = *planBand(segment, rows);
  ForwardValues band;
  band.padsH = plan.padsH;
  band.cut = plan.cut;
  Value input = e.sliceRows(segment.input(), 0, rows.inputRows);
  for (auto [index, layer] : llvm::enumerate(segment.layers)) {
    band.inputs.emplace_back();
    for (auto [operand, source] : llvm::enumerate(layer.rows.inputs)) {
      Value produced = source < 0 ? input : band.outputs[source];
      RowRange rowsOf = source < 0 ? rows.inputRows : rows.layerRows[source];
      auto [above, below] = plan.cut[index][operand];
      band.inputs.back().push_back(e.sliceRows(
          produced, rowsOf.begin, {rowsOf.begin + above, rowsOf.end - below}));
    }
    auto type = cast<RankedTensorType>(layer.op->getResult(0).getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[1] = rows.layerRows[index].size();
    // A slice's band: its input holds exactly the rows it keeps.
    Value sliceStart, sliceSize;
    if (auto slice = dyn_cast<tosa::SliceOp>(layer.op)) {
      SmallVector<int64_t> start = *getConstShape(slice.getStart());
      start[1] = 0;
      sliceStart = e.constShape(start);
      sliceSize = e.constShape(shape);
    }
    Operation *clone = e.b.clone(*layer.op);
    for (auto [operand, read] : llvm::enumerate(band.inputs.back()))
      clone->setOperand(operand, read);
    clone->getResult(0).setType(type.clone(shape));
    auto bandPad = [&](ArrayRef<int64_t> pad) {
      return e.b.getDenseI64ArrayAttr(
          {plan.padsH[index].first, plan.padsH[index].second, pad[2], pad[3]});
    };
    if (auto conv = dyn_cast<tosa::Conv2DOp>(clone))
      conv.setPadAttr(bandPad(conv.getPad()));
    if (auto pool = dyn_cast<tosa::MaxPool2dOp>(clone))
      pool.setPadAttr(bandPad(pool.getPad()));
    if (auto slice = dyn_cast<tosa::SliceOp>(clone)) {
      slice.getStartMutable().assign(sliceStart);
      slice.getSizeMutable().assign(sliceSize);
    }
    band.outputs.push_back(clone->getResult(0));
  }
  return band;
}

/// Adds the gradients the program's filter gradients of `conv` read:
/// conv2d(transpose(x), transpose(grad)).
void addFilterGradientOperands(Operation *conv, llvm::SetVector<Value> &found) {
  for (Operation *user : conv->getOperand(0).getUsers()) {
    if (!isa<tosa::TransposeOp>(user))
      continue;
    for (Operation *gradOp : user->getUsers())
      if (auto gradConv = dyn_cast<tosa::Conv2DOp>(gradOp))
        if (gradConv.getInput() == user->getResult(0))
          if (auto transpose =
                  gradConv.getWeight().getDefiningOp<tosa::TransposeOp>())
            found.insert(transpose.getInput1());
  }
}

/// The output gradient the program's backward feeds into the segment's
/// last op, found from the first op of that op's backward; nothing when
/// there is none or more than one.
Value findOutputGradient(const TrainLayer &last) {
  llvm::SetVector<Value> found;
  Value y = last.op->getResult(0);
  switch (last.kind) {
  case TrainLayer::Kind::Clamp:
    // select(y > lo [and hi > y], grad, 0)
    for (Operation *user : y.getUsers()) {
      auto greater = dyn_cast<tosa::GreaterOp>(user);
      if (!greater || greater.getInput1() != y)
        continue;
      for (Operation *maskUser : greater->getUsers()) {
        Operation *selectOp = maskUser;
        if (isa<tosa::LogicalAndOp>(maskUser) && maskUser->hasOneUse())
          selectOp = *maskUser->getUsers().begin();
        if (auto select = dyn_cast<tosa::SelectOp>(selectOp))
          found.insert(select.getOnTrue());
      }
    }
    break;
  case TrainLayer::Kind::MaxPool:
    // Windows that do not tile: select(equal(window, y), grad, 0).
    for (Operation *user : y.getUsers())
      if (isa<tosa::EqualOp>(user) && user->getOperand(1) == y)
        for (Operation *selectOp : user->getUsers())
          if (auto select = dyn_cast<tosa::SelectOp>(selectOp))
            found.insert(select.getOnTrue());
    // Tiles: select(equal(window, reshape(y)), reshape(grad), 0).
    for (Operation *user : y.getUsers()) {
      if (!isa<tosa::ReshapeOp>(user))
        continue;
      for (Operation *equal : user->getUsers())
        if (isa<tosa::EqualOp>(equal) &&
            equal->getOperand(1) == user->getResult(0))
          for (Operation *selectOp : equal->getUsers())
            if (auto select = dyn_cast<tosa::SelectOp>(selectOp))
              if (auto reshape =
                      select.getOnTrue().getDefiningOp<tosa::ReshapeOp>())
                found.insert(reshape.getInput1());
    }
    break;
  case TrainLayer::Kind::Conv:
    addFilterGradientOperands(last.op, found);
    break;
  case TrainLayer::Kind::Add:
    // Its backward emits no op: the gradient passes to both operands, so
    // it is the one their convolutions' filter gradients read.
    for (Value operand : last.op->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && isa<tosa::Conv2DOp>(def))
        addFilterGradientOperands(def, found);
    break;
  case TrainLayer::Kind::Slice:
    // Its backward pads the gradient: found from the next op's only.
    break;
  }
  if (found.size() != 1)
    return Value();
  return found.front();
}

/// Maps the results of `mine` (ops emitted in order) to the values of the
/// function computed by equivalent ops from the same values (all of them:
/// a map read by two convolutions has two equal transposes, each feeding
/// its own filter gradient); constants match constants with the same
/// value. Ops of `exclude` are never matched.
DenseMap<Value, SmallVector<Value, 1>>
matchOps(ArrayRef<Operation *> mine,
         const llvm::SmallPtrSetImpl<Operation *> &exclude) {
  DenseMap<Value, SmallVector<Value, 1>> match;
  auto isConstant = [](Value value) {
    Operation *def = value.getDefiningOp();
    return def && isa<tosa::ConstOp, tosa::ConstShapeOp>(def);
  };
  // The program's values `value` stands for: its matches, or itself when
  // it is not ours.
  auto counterparts = [&](Value value) -> SmallVector<Value, 1> {
    if (auto it = match.find(value); it != match.end())
      return it->second;
    Operation *def = value.getDefiningOp();
    if (def && exclude.contains(def))
      return {};
    return {value};
  };
  auto equivalent = [&](Value ours, Value theirs) -> LogicalResult {
    if (isConstant(ours)) {
      Operation *def = theirs.getDefiningOp();
      return success(def && OperationEquivalence::isEquivalentTo(
                                ours.getDefiningOp(), def,
                                OperationEquivalence::IgnoreLocations));
    }
    return success(llvm::is_contained(counterparts(ours), theirs));
  };
  for (Operation *op : mine) {
    if (isa<tosa::ConstOp, tosa::ConstShapeOp>(op))
      continue;
    SmallVector<Value, 1> anchors;
    for (Value operand : op->getOperands())
      if (!isConstant(operand)) {
        anchors = counterparts(operand);
        break;
      }
    llvm::SmallPtrSet<Operation *, 4> seen;
    for (Value anchor : anchors)
      for (Operation *candidate : anchor.getUsers()) {
        if (exclude.contains(candidate) || !seen.insert(candidate).second ||
            !OperationEquivalence::isEquivalentTo(
                op, candidate, equivalent, /*markEquivalent=*/nullptr,
                OperationEquivalence::IgnoreLocations))
          continue;
        for (auto [ours, theirs] :
             llvm::zip(op->getResults(), candidate->getResults()))
          match[ours].push_back(theirs);
      }
  }
  return match;
}

/// Whether `op` reads a function argument or the map of an op that can
/// be a layer (and so would continue a forward chain).
bool readsForwardMap(Operation &op) {
  Operation *def = op.getOperand(0).getDefiningOp();
  return !def || isa<tosa::Conv2DOp, tosa::ClampOp, tosa::MaxPool2dOp,
                     tosa::AddOp, tosa::SliceOp>(def);
}

/// The last layer before the output whose map an op outside the segment
/// reads other than as its backward does (transposes, masks, reshapes and
/// comparisons of the generator's rules).
std::optional<unsigned> lastMapReadForward(const Segment &segment) {
  llvm::SmallPtrSet<Operation *, 16> layerOps;
  for (const TrainLayer &layer : segment.layers)
    layerOps.insert(layer.op);
  for (unsigned index = segment.layers.size() - 1; index-- > 0;)
    for (Operation *user : segment.layers[index].op->getUsers())
      if (!layerOps.contains(user) &&
          !isa<tosa::TransposeOp, tosa::GreaterOp, tosa::ReshapeOp,
               tosa::EqualOp, tosa::PadOp>(user))
        return index;
  return std::nullopt;
}

/// Multiply-accumulates of the convolutions of a function.
int64_t countConvMacs(FunctionOpInterface function) {
  int64_t macs = 0;
  function->walk([&](tosa::Conv2DOp conv) {
    auto out = cast<RankedTensorType>(conv.getType());
    ArrayRef<int64_t> filter = Emitter::shapeOf(conv.getWeight());
    macs += out.getNumElements() * filter[1] * filter[2] * filter[3];
  });
  return macs;
}

/// Where a segment's banded backward goes: right after its output
/// gradient, or where the program's backward of the segment began (after
/// the ops between them, such as the next layer's filter gradient) when the
/// segment's output dies by then.
enum class Placement { Early, Late };

/// What banding the segments of a function did.
struct BandingOutcome {
  int64_t segments = 0;
  SmallVector<std::pair<Location, std::string>> remarks;
};

struct RowBandsTrainingPass
    : public memopt::impl::MemOptRowBandsTrainingBase<RowBandsTrainingPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    if (bands < 0 || maxBands < 1 || !(maxAddedCompute >= 0)) {
      getOperation()->emitError()
          << kPassName
          << ": bands and max-added-compute must not be negative and max-bands "
             "must be positive";
      return signalPassFailure();
    }
    if (chooseOn != "input") {
      // The scheduler's work limits keep the choice deterministic; the
      // time limit is only a safety net.
      choiceSchedule = parseSchedulePassOptions(getOperation(), kPassName,
                                                chooseOn, /*timeLimit=*/10);
      if (!choiceSchedule)
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

  /// The scheduler whose peak band counts are chosen on; none: the input
  /// order's.
  std::optional<ScheduleOptions> choiceSchedule;

  /// The segments of the function's body: ops that read one map from
  /// outside and each other's maps, cut after every max pool whose windows
  /// tile its input and before each stage (splitStages); ops that look
  /// like layers but cannot be banded get a remark.
  static SmallVector<Segment> findSegments(Block &block, bool remark) {
    SmallVector<Segment> segments;
    DenseMap<Value, unsigned> segmentOf;
    std::string why;
    for (Operation &op : block) {
      FailureOr<TrainLayer> layer = describeLayer(&op, why);
      if (failed(layer)) {
        // Only where a forward chain would go on: the backward's own
        // convolutions (of transposes, masks, dilated gradients) are not
        // layers.
        if (remark && !why.empty() && readsForwardMap(op))
          op.emitRemark() << kPassName << ": ends a chain: " << why;
        continue;
      }
      unsigned mapOperands = layer->kind == TrainLayer::Kind::Add ? 2 : 1;
      std::optional<unsigned> joined;
      bool mixed = false;
      for (unsigned operand = 0; operand < mapOperands; ++operand)
        if (auto it = segmentOf.find(op.getOperand(operand));
            it != segmentOf.end()) {
          mixed |= joined && *joined != it->second;
          joined = it->second;
        }
      if (mixed)
        continue;
      if (!joined) {
        // A new segment reads one map from outside (not through a crop:
        // the backward crops dilated gradients).
        if ((mapOperands == 2 && op.getOperand(0) != op.getOperand(1)) ||
            layer->kind == TrainLayer::Kind::Slice)
          continue;
        joined = segments.size();
        segments.emplace_back();
        segments.back().inputMap = op.getOperand(0);
        // Other readers of the input join it (a shortcut path).
        segmentOf[op.getOperand(0)] = *joined;
      }
      Segment &segment = segments[*joined];
      DenseMap<Operation *, int> indexOf;
      for (auto [index, member] : llvm::enumerate(segment.layers))
        indexOf[member.op] = index;
      layer->rows.inputs.clear();
      bool reads = true;
      for (unsigned operand = 0; operand < mapOperands; ++operand) {
        Value map = op.getOperand(operand);
        if (map == segment.inputMap) {
          layer->rows.inputs.push_back(-1);
          continue;
        }
        auto it = indexOf.find(map.getDefiningOp());
        reads &= it != indexOf.end();
        layer->rows.inputs.push_back(it == indexOf.end() ? -1 : it->second);
      }
      // An add of a segment's map and another map from outside.
      if (!reads)
        continue;
      segment.layers.push_back(*layer);
      auto pool = dyn_cast<tosa::MaxPool2dOp>(&op);
      if (!pool || !poolTiles(pool)) {
        segmentOf[op.getResult(0)] = *joined;
        continue;
      }
      for (const TrainLayer &member : segment.layers)
        segmentOf.erase(member.op->getResult(0));
      segmentOf.erase(segment.inputMap);
    }
    // A segment needs a map inside it to save: one layer reads another's
    // (not only the input, as the backward's convolutions of one gradient
    // do), and a convolution.
    auto readsInside = [](const TrainLayer &layer) {
      return llvm::any_of(layer.rows.inputs, [](int s) { return s >= 0; });
    };
    auto isConv = [](const TrainLayer &layer) {
      return layer.kind == TrainLayer::Kind::Conv;
    };
    SmallVector<Segment> kept;
    for (Segment &whole : segments)
      for (Segment &segment : splitStages(std::move(whole)))
        if (llvm::any_of(segment.layers, readsInside) &&
            llvm::any_of(segment.layers, isConv))
          kept.push_back(std::move(segment));
    return kept;
  }

  /// Cuts `segment` into stages: at each map that every later layer reads
  /// through (no shortcut around it) and after which the maps shrink
  /// before the next such map (a strided block follows), once the part
  /// before it holds a residual add. ResNet: the stem, its max pool and
  /// the first stage, then one segment per stage with its strided first
  /// block; halos stay those of one stage.
  static SmallVector<Segment> splitStages(Segment segment) {
    unsigned n = segment.layers.size();
    // through[i]: no layer after i reads a map before i's.
    SmallVector<bool> through(n, false);
    int lowest = n;
    for (unsigned i = n; i-- > 0;) {
      through[i] = lowest >= int(i);
      for (int source : segment.layers[i].rows.inputs)
        lowest = std::min(lowest, source);
    }
    SmallVector<Segment> pieces;
    unsigned start = 0;
    bool hasAdd = false;
    for (unsigned i = 0; i + 1 < n; ++i) {
      hasAdd |= segment.layers[i].kind == TrainLayer::Kind::Add;
      if (!through[i] || !hasAdd)
        continue;
      unsigned next = i + 1;
      while (next + 1 < n && !through[next])
        ++next;
      if (segment.layers[next].rows.outputHeight >=
          segment.layers[i].rows.outputHeight)
        continue;
      Segment piece;
      piece.inputMap = start == 0 ? segment.inputMap
                                  : segment.layers[start - 1].op->getResult(0);
      for (unsigned j = start; j <= i; ++j) {
        piece.layers.push_back(segment.layers[j]);
        for (int &source : piece.layers.back().rows.inputs)
          source = source < int(start) ? -1 : source - int(start);
      }
      pieces.push_back(std::move(piece));
      start = i + 1;
      hasAdd = false;
    }
    Segment last;
    last.inputMap = start == 0 ? segment.inputMap
                               : segment.layers[start - 1].op->getResult(0);
    for (unsigned j = start; j < n; ++j) {
      last.layers.push_back(segment.layers[j]);
      for (int &source : last.layers.back().rows.inputs)
        source = source < int(start) ? -1 : source - int(start);
    }
    pieces.push_back(std::move(last));
    return pieces;
  }

  /// Ends `segment` after layer `last` (its map becomes the output), if
  /// that is a shorter segment.
  static bool endAfter(Segment &segment, unsigned last) {
    if (last + 1 >= segment.layers.size() || last < 1 ||
        llvm::none_of(ArrayRef(segment.layers).take_front(last + 1),
                      [](const TrainLayer &layer) {
                        return layer.kind == TrainLayer::Kind::Conv;
                      }))
      return false;
    segment.layers.resize(last + 1);
    return true;
  }

  /// Drops the first layer of `segment`, whose map becomes the segment
  /// input, if no other layer reads the old input and what remains can
  /// still be a segment.
  static bool dropFirstLayer(Segment &segment) {
    if (segment.layers.size() < 3 ||
        llvm::none_of(llvm::drop_begin(segment.layers),
                      [](const TrainLayer &layer) {
                        return layer.kind == TrainLayer::Kind::Conv;
                      }))
      return false;
    for (const TrainLayer &layer : llvm::drop_begin(segment.layers))
      if (llvm::is_contained(layer.rows.inputs, -1))
        return false;
    segment.inputMap = segment.layers.front().op->getResult(0);
    segment.layers.erase(segment.layers.begin());
    for (TrainLayer &layer : segment.layers)
      for (int &source : layer.rows.inputs)
        --source;
    return true;
  }

  /// Bands segment i of `function` (findSegments order) into `counts[i]`
  /// bands (1: unbanded), the backward of each placed as `placement` says.
  /// Segments it cannot band are left as they were (with a remark when
  /// `remark`).
  BandingOutcome bandSegments(FunctionOpInterface function,
                              ArrayRef<int64_t> counts, bool remark,
                              Placement placement = Placement::Late) {
    BandingOutcome outcome;
    Block &block = function.getFunctionBody().front();
    SmallVector<Segment> segments = findSegments(block, /*remark=*/false);
    // Later segments first: an earlier segment's output gradient is then
    // the value the later one's banded backward produced.
    for (unsigned index = segments.size(); index-- > 0;) {
      Segment &segment = segments[index];
      if (index >= counts.size() || counts[index] < 2)
        continue;
      std::string why;
      std::optional<unsigned> readOutside;
      std::optional<std::string> text =
          bandSegment(segment, counts[index], why, readOutside, placement);
      // A map read outside (by a branch the segment does not hold, or
      // the first layer's input gradient summed with another one) keeps
      // the segment's maps: retry with that map as the output, else
      // without the first layer.
      while (!text && readOutside &&
             (endAfter(segment, *readOutside) || dropFirstLayer(segment))) {
        why.clear();
        readOutside.reset();
        text = bandSegment(segment, counts[index], why, readOutside, placement);
      }
      if (text) {
        ++outcome.segments;
        outcome.remarks.push_back({segment.layers.back().op->getLoc(), *text});
      } else if (remark && !why.empty()) {
        segment.layers.back().op->emitRemark()
            << kPassName << ": segment of " << segment.layers.size()
            << " ops not banded: " << why;
      }
    }
    return outcome;
  }

  /// The modelled peak and convolution MACs of `function` with `counts`
  /// bands per segment, on a copy; nothing when no segment is banded or
  /// the result does not verify or cannot be modelled.
  std::optional<std::pair<int64_t, int64_t>>
  tryCounts(FunctionOpInterface function, ArrayRef<int64_t> counts,
            const ExtractionOptions &extraction, Placement placement) {
    Operation *copy = function->clone();
    auto trial = cast<FunctionOpInterface>(copy);
    std::optional<std::pair<int64_t, int64_t>> result;
    if (bandSegments(trial, counts, /*remark=*/false, placement).segments &&
        !getVerifierError(trial))
      if (FailureOr<BlockMemoryModel> model =
              buildFunctionMemoryModel(trial, extraction);
          succeeded(model))
        result = {choicePeak(model->graph), countConvMacs(trial)};
    copy->erase();
    return result;
  }

  /// The peak band counts are chosen on: of the input order, or of the
  /// order `choose-on`'s scheduler finds (never above the input order's).
  int64_t choicePeak(const MemoryGraph &graph) const {
    if (!choiceSchedule)
      return computeProfile(graph, inputOrder(graph)).peakBytes;
    return scheduleForMemory(graph, *choiceSchedule).peakBytes;
  }

  /// A choice's modelled peak (of the order band counts are chosen on)
  /// and convolution MACs.
  struct Cost {
    int64_t peak;
    int64_t macs;
  };

  /// Whether `a` is a better choice than `b`: a peak lower by 1% or more,
  /// or one within 1% of it with fewer MACs (then, on equal MACs, the
  /// lower peak). Savings below 1% are not worth recomputing segments for
  /// (and a schedule may undo them).
  static bool isBetter(Cost a, Cost b) {
    if (a.peak <= b.peak - b.peak / 100)
      return true;
    if (b.peak <= a.peak - a.peak / 100)
      return false;
    return a.macs < b.macs || (a.macs == b.macs && a.peak < b.peak);
  }

  /// The costs of the band counts tried for one placement, each tried once.
  using CountCosts = std::map<SmallVector<int64_t>, std::optional<Cost>>;

  /// The cost of `counts` (all unbanded: the function's own), nothing when
  /// they cannot be applied or add more MACs than `macCap`.
  std::optional<Cost> costOf(FunctionOpInterface function,
                             ArrayRef<int64_t> counts, Cost unbanded,
                             double macCap, const ExtractionOptions &extraction,
                             Placement placement, CountCosts &tried) {
    if (llvm::all_of(counts, [](int64_t count) { return count < 2; }))
      return unbanded;
    SmallVector<int64_t> key(counts);
    if (auto it = tried.find(key); it != tried.end())
      return it->second;
    std::optional<Cost> cost;
    if (std::optional<std::pair<int64_t, int64_t>> result =
            tryCounts(function, counts, extraction, placement);
        result && double(result->second - unbanded.macs) <= macCap)
      cost = Cost{result->first, result->second};
    tried[key] = cost;
    return cost;
  }

  /// Band counts per segment by local search from `counts`: each round
  /// makes the one change of one segment's count (to any of 1, 2, 4, ...,
  /// max-bands) that lowers the modelled peak most, by at least 1% and
  /// below the lowest this search reached (on a tie, adds the fewest
  /// MACs); when none does, the change that cuts the most MACs while the
  /// peak stays within 1% of that lowest. Each round lowers (lowest peak,
  /// MACs), so the search cannot cycle; it is bounded by segments x options
  /// rounds of segments x (options - 1) candidates all the same.
  SmallVector<int64_t> searchCounts(FunctionOpInterface function,
                                    SmallVector<int64_t> counts, Cost cost,
                                    ArrayRef<int64_t> options, Cost unbanded,
                                    double macCap,
                                    const ExtractionOptions &extraction,
                                    Placement placement, CountCosts &tried) {
    unsigned segmentCount = counts.size();
    int64_t lowestPeak = cost.peak;
    for (unsigned round = 0; round < segmentCount * options.size(); ++round) {
      std::optional<std::pair<unsigned, int64_t>> gain, cut;
      Cost gainCost = cost, cutCost = cost;
      for (unsigned index = 0; index < segmentCount; ++index)
        for (int64_t count : options) {
          if (count == counts[index])
            continue;
          SmallVector<int64_t> trial = counts;
          trial[index] = count;
          std::optional<Cost> result = costOf(function, trial, unbanded, macCap,
                                              extraction, placement, tried);
          if (!result)
            continue;
          if (result->peak <= cost.peak - cost.peak / 100 &&
              result->peak < lowestPeak) {
            if (result->peak < gainCost.peak ||
                (gain && result->peak == gainCost.peak &&
                 result->macs < gainCost.macs)) {
              gain = {index, count};
              gainCost = *result;
            }
          } else if (result->peak <= lowestPeak + lowestPeak / 100 &&
                     (result->macs < cutCost.macs ||
                      (cut && result->macs == cutCost.macs &&
                       result->peak < cutCost.peak))) {
            cut = {index, count};
            cutCost = *result;
          }
        }
      std::optional<std::pair<unsigned, int64_t>> move = gain ? gain : cut;
      if (!move)
        break;
      counts[move->first] = move->second;
      cost = gain ? gainCost : cutCost;
      lowestPeak = std::min(lowestPeak, cost.peak);
    }
    return counts;
  }

  /// Band counts per segment for `placement`: the better (isBetter) of
  /// the local searches from all unbanded and from all segments in 2
  /// bands; `best` is updated when it beats it. Returns the number of
  /// band counts tried.
  size_t chooseCounts(FunctionOpInterface function, unsigned segmentCount,
                      Cost unbanded, const ExtractionOptions &extraction,
                      Placement placement, std::optional<Cost> &best,
                      SmallVector<int64_t> &bestCounts,
                      Placement &bestPlacement) {
    SmallVector<int64_t> options = {1};
    for (int64_t count = 2; count <= maxBands; count *= 2)
      options.push_back(count);
    double macCap = maxAddedCompute * double(unbanded.macs);
    CountCosts tried;
    for (int64_t startCount : {int64_t(1), int64_t(2)}) {
      if (startCount > maxBands)
        continue;
      SmallVector<int64_t> start(segmentCount, startCount);
      std::optional<Cost> startCost = costOf(function, start, unbanded, macCap,
                                             extraction, placement, tried);
      if (!startCost)
        continue;
      SmallVector<int64_t> counts =
          searchCounts(function, start, *startCost, options, unbanded, macCap,
                       extraction, placement, tried);
      std::optional<Cost> cost = costOf(function, counts, unbanded, macCap,
                                        extraction, placement, tried);
      if (cost && (!best || isBetter(*cost, *best))) {
        best = cost;
        bestCounts = counts;
        bestPlacement = placement;
      }
    }
    return tried.size();
  }

  /// Bands one segment; returns the remark describing it, or nothing with
  /// `why` set (empty: nothing to do). The function is changed only when a
  /// remark is returned.
  /// `readOutside`: the last layer whose map something outside the
  /// segment still reads, when that is why.
  std::optional<std::string> bandSegment(Segment &segment, int64_t bandCount,
                                         std::string &why,
                                         std::optional<unsigned> &readOutside,
                                         Placement placement) {
    const TrainLayer &last = segment.layers.back();
    unsigned n = segment.layers.size();
    Value grad = findOutputGradient(last);
    if (!grad) {
      why = "no backward of its last op '" + last.rows.name + "' was found";
      return std::nullopt;
    }
    int64_t height = last.rows.outputHeight;
    int64_t rowsPerBand = (height + bandCount - 1) / bandCount;
    std::vector<RowRange> bands = partitionRows(height, rowsPerBand);
    if (bands.size() < 2)
      return std::nullopt;
    RowSegment rows;
    for (const TrainLayer &layer : segment.layers)
      rows.layers.push_back(layer.rows);
    SmallVector<BandRows> bandRows;
    for (RowRange band : bands) {
      bandRows.push_back(overlapBandRows(rows, band));
      if (!bandChains(segment, bandRows.back())) {
        why = "the rows of a band of " + std::to_string(rowsPerBand) +
              " rows do not chain through '" + last.rows.name + "'";
        return std::nullopt;
      }
    }

    // The backward at full size from the program's values, matched op by
    // op against the program's: the proof that the program computes what
    // the bands will.
    Block &block = *last.op->getBlock();
    Operation *terminator = block.getTerminator();
    OpBuilder builder(terminator);
    Emitter proofEmitter(builder, last.op->getLoc());
    ForwardValues whole;
    for (const TrainLayer &layer : segment.layers) {
      whole.inputs.emplace_back();
      for (unsigned operand = 0; operand < layer.rows.inputs.size(); ++operand)
        whole.inputs.back().push_back(layer.op->getOperand(operand));
      whole.cut.emplace_back(layer.rows.inputs.size(),
                             std::pair<int64_t, int64_t>(0, 0));
      whole.outputs.push_back(layer.op->getResult(0));
      int64_t padTop = 0, padBottom = 0;
      if (auto conv = dyn_cast<tosa::Conv2DOp>(layer.op)) {
        padTop = conv.getPad()[0];
        padBottom = conv.getPad()[1];
      }
      if (auto pool = dyn_cast<tosa::MaxPool2dOp>(layer.op)) {
        padTop = pool.getPad()[0];
        padBottom = pool.getPad()[1];
      }
      whole.padsH.push_back({padTop, padBottom});
    }
    Operation *before = terminator->getPrevNode();
    Gradients reference = emitBackward(proofEmitter, segment, whole, grad,
                                       /*withInputGradient=*/true);
    SmallVector<Operation *> mine;
    for (Operation *op = before ? before->getNextNode() : &block.front();
         op != terminator; op = op->getNextNode())
      mine.push_back(op);
    llvm::SmallPtrSet<Operation *, 32> exclude(mine.begin(), mine.end());
    DenseMap<Value, SmallVector<Value, 1>> match = matchOps(mine, exclude);
    auto matchesOf = [&](Value value) -> ArrayRef<Value> {
      auto it = value ? match.find(value) : match.end();
      return it == match.end() ? ArrayRef<Value>() : ArrayRef(it->second);
    };
    llvm::SmallPtrSet<Operation *, 32> originals;
    for (auto &[ours, theirs] : match)
      for (Value value : theirs)
        originals.insert(value.getDefiningOp());
    struct Replacement {
      Value original;
      unsigned layer;
      enum { Weight, Bias, Input } kind;
    };
    // Every match of a gradient computes it: all are replaced.
    SmallVector<Replacement> replacements;
    std::optional<unsigned> unmatched;
    for (unsigned index = 0; index < n; ++index) {
      if (!reference.weights[index])
        continue;
      if (matchesOf(reference.weights[index]).empty() && !unmatched)
        unmatched = index;
      for (Value original : matchesOf(reference.weights[index]))
        replacements.push_back({original, index, Replacement::Weight});
      for (Value original : matchesOf(reference.biases[index]))
        replacements.push_back({original, index, Replacement::Bias});
    }
    bool withInputGradient = !matchesOf(reference.input).empty();
    std::set<std::pair<unsigned, int>> distinct;
    for (const Replacement &replacement : replacements)
      distinct.insert({replacement.layer, int(replacement.kind)});
    size_t bandedGradients = distinct.size() + withInputGradient;
    for (Value original : matchesOf(reference.input))
      replacements.push_back({original, 0, Replacement::Input});
    for (Operation *op : llvm::reverse(mine))
      op->erase();
    if (unmatched) {
      // A map that a forward op outside reads gets part of its gradient
      // from outside: ending the segment there may match.
      readOutside = lastMapReadForward(segment);
      why = "the gradient of the filter of layer " +
            std::to_string(*unmatched) + " ('" +
            segment.layers[*unmatched].rows.name +
            "') is not computed the way the pass knows";
      return std::nullopt;
    }

    // Once the matched gradients and the output are replaced, the
    // program's backward of the segment and its forward must be dead:
    // otherwise their maps stay live and banding saves nothing.
    llvm::SmallPtrSet<Operation *, 32> candidates(originals.begin(),
                                                  originals.end());
    for (const TrainLayer &layer : segment.layers)
      candidates.insert(layer.op);
    DenseSet<Value> replaced = {segment.output()};
    for (const Replacement &replacement : replacements)
      replaced.insert(replacement.original);
    llvm::SmallPtrSet<Operation *, 32> dying;
    bool grew = true;
    while (grew) {
      grew = false;
      for (Operation *op : candidates)
        if (!dying.contains(op) &&
            llvm::all_of(op->getResults(), [&](Value result) {
              return replaced.contains(result) ||
                     llvm::all_of(result.getUsers(), [&](Operation *user) {
                       return dying.contains(user);
                     });
            }))
          grew = dying.insert(op).second;
    }
    llvm::SmallPtrSet<Operation *, 8> layerOps;
    for (const TrainLayer &layer : segment.layers)
      layerOps.insert(layer.op);
    if (!llvm::all_of(layerOps,
                      [&](Operation *op) { return dying.contains(op); })) {
      why = "its maps are still read outside it";
      for (unsigned index = n; index-- > 0;) {
        Operation *op = segment.layers[index].op;
        if (dying.contains(op))
          continue;
        for (Operation *user : op->getUsers())
          if (!dying.contains(user) && !layerOps.contains(user)) {
            why = "the map of '" + segment.layers[index].rows.name +
                  "' is still read by '" +
                  user->getName().getStringRef().str() + "'";
            readOutside = index;
            return std::nullopt;
          }
      }
      return std::nullopt;
    }

    // The forward, band by band, right after the segment's last op.
    builder.setInsertionPointAfter(last.op);
    Emitter forwardEmitter(builder, last.op->getLoc());
    SmallVector<Value> outputs;
    for (const BandRows &band : bandRows)
      outputs.push_back(
          emitForwardBand(forwardEmitter, segment, band).outputs.back());
    Value output = forwardEmitter.concat(outputs, 1);

    // The backward, band by band, once the output gradient exists; with
    // Placement::Late, where the program's backward of the segment began
    // (its first op after the output gradient), when the output dies by
    // then: the generator computes the next layer's filter gradient, which
    // reads the output, between the two.
    Operation *after = output.getDefiningOp();
    if (Operation *def = grad.getDefiningOp())
      if (after->isBeforeInBlock(def))
        after = def;
    for (Operation *op = after->getNextNode();
         op && placement == Placement::Late; op = op->getNextNode()) {
      if (!dying.contains(op))
        continue;
      Operation *began = op->getPrevNode();
      if (llvm::all_of(segment.output().getUsers(), [&](Operation *user) {
            return dying.contains(user) || user == began ||
                   user->isBeforeInBlock(began);
          }))
        after = began;
      break;
    }
    builder.setInsertionPointAfter(after);
    Emitter backwardEmitter(builder, last.op->getLoc());
    Emitter &e = backwardEmitter;
    SmallVector<Value> weightSums(n), biasSums(n);
    SmallVector<std::pair<RowRange, Value>> inputParts;
    for (const BandRows &band : bandRows) {
      ForwardValues values = emitForwardBand(e, segment, band);
      Value bandGrad = e.sliceRows(grad, 0, band.layerRows[n - 1]);
      Gradients grads =
          emitBackward(e, segment, values, bandGrad, withInputGradient);
      for (unsigned index = 0; index < n; ++index) {
        if (Value w = grads.weights[index])
          weightSums[index] =
              weightSums[index] ? e.add(weightSums[index], w) : w;
        if (Value bias = grads.biases[index])
          biasSums[index] =
              biasSums[index] ? e.add(biasSums[index], bias) : bias;
      }
      if (withInputGradient)
        inputParts.push_back({band.inputRows, grads.input});
    }
    Value inputGrad;
    if (withInputGradient)
      inputGrad = assembleRows(e, inputParts, segment.input());

    for (Replacement &replacement : replacements)
      replacement.original.replaceAllUsesWith(
          replacement.kind == Replacement::Weight
              ? weightSums[replacement.layer]
          : replacement.kind == Replacement::Bias ? biasSums[replacement.layer]
                                                  : inputGrad);
    segment.output().replaceAllUsesWith(output);
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
      if (dying.contains(&op))
        op.erase();

    std::string text;
    llvm::raw_string_ostream os(text);
    os << kPassName << ": segment of " << n << " ops from '"
       << segment.layers.front().rows.name << "' to '" << last.rows.name
       << "': " << bands.size() << " bands of " << rowsPerBand
       << " rows (overlap), forward and backward; " << bandedGradients
       << " gradients banded";
    return text;
  }

  /// The full gradient of a map of `like`'s shape from the gradients of
  /// row ranges of it: rows covered by several parts get their sum, rows
  /// covered by none zeros.
  static Value assembleRows(Emitter &e,
                            ArrayRef<std::pair<RowRange, Value>> parts,
                            Value like) {
    ArrayRef<int64_t> shape = Emitter::shapeOf(like);
    std::vector<int64_t> cuts = {0, shape[1]};
    for (auto &[rows, value] : parts) {
      cuts.push_back(rows.begin);
      cuts.push_back(rows.end);
    }
    llvm::sort(cuts);
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    SmallVector<Value> pieces;
    for (unsigned i = 0; i + 1 < cuts.size(); ++i) {
      RowRange piece{cuts[i], cuts[i + 1]};
      Value sum;
      for (auto &[rows, value] : parts) {
        if (rows.begin > piece.begin || rows.end < piece.end)
          continue;
        Value part = e.sliceRows(value, rows.begin, piece);
        sum = sum ? e.add(sum, part) : part;
      }
      if (!sum)
        sum = e.splat({shape[0], piece.size(), shape[2], shape[3]}, 0.0f);
      pieces.push_back(sum);
    }
    return e.concat(pieces, 1);
  }

  void bandFunction(FunctionOpInterface function,
                    const ExtractionOptions &extraction) {
    if (function.getFunctionBody().getBlocks().size() != 1)
      return;
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return;
    int64_t peakBefore =
        computeProfile(model->graph, inputOrder(model->graph)).peakBytes;
    int64_t macsBefore = countConvMacs(function);

    unsigned segmentCount =
        findSegments(function.getFunctionBody().front(), /*remark=*/true)
            .size();
    if (segmentCount == 0)
      return;
    SmallVector<int64_t> counts(segmentCount, bands);
    Placement placement = Placement::Late;
    size_t candidates = 0;
    if (bands == 0) {
      // Where the backward goes changes what stays live across the next
      // layer's filter gradient (the output or its gradient): the search
      // runs with both placements and keeps the better choice.
      Cost unbanded{choicePeak(model->graph), macsBefore};
      std::optional<Cost> best;
      for (Placement option : {Placement::Late, Placement::Early})
        candidates += chooseCounts(function, segmentCount, unbanded, extraction,
                                   option, best, counts, placement);
    }
    if (llvm::all_of(counts, [](int64_t count) { return count < 2; })) {
      // Say why on the unchanged function: band a copy for the remarks.
      Operation *copy = function->clone();
      BandingOutcome outcome =
          bandSegments(cast<FunctionOpInterface>(copy),
                       SmallVector<int64_t>(segmentCount, 2), /*remark=*/true);
      copy->erase();
      if (outcome.segments)
        emitRemark(function.getLoc())
            << kPassName << ": no band counts lower the modelled peak ("
            << peakBefore << " bytes) by 1% within max-added-compute ("
            << candidates << " band counts tried); the function is left "
            << "unchanged";
      return;
    }

    Operation *backup = function->clone();
    auto restore = [&](const Twine &why) {
      function.getFunctionBody().takeBody(
          cast<FunctionOpInterface>(backup).getFunctionBody());
      backup->erase();
      emitRemark(function.getLoc())
          << kPassName << ": " << why << "; the function is left unchanged";
    };
    BandingOutcome outcome =
        bandSegments(function, counts, /*remark=*/true, placement);
    if (!outcome.segments) {
      backup->erase();
      return;
    }
    std::string why;
    FailureOr<CheckedRewrite> after = checkRewriteLowersPeak(
        function, extraction, peakBefore, "banding", why);
    if (failed(after))
      return restore(why);
    int64_t peakAfter = after->peakBytes;
    backup->erase();
    numTrainSegments += outcome.segments;
    for (auto &[loc, text] : llvm::reverse(outcome.remarks))
      emitRemark(loc) << text;
    int64_t macsAfter = countConvMacs(function);
    emitRemark(function.getLoc())
        << kPassName << ": " << outcome.segments
        << " segment(s) banded; modelled peak " << peakBefore << " -> "
        << peakAfter << " bytes; convolution MACs " << macsBefore << " -> "
        << macsAfter
        << llvm::formatv(
               " (+{0:F1}%)",
               macsBefore ? 100.0 * (macsAfter - macsBefore) / macsBefore : 0.0)
        << (candidates
                ? "; " + std::to_string(candidates) + " band counts tried"
                : std::string());
    clearOpAnnotations(function);
    function->removeAttr(attr_names::kSummary);
  }
};

} // namespace
