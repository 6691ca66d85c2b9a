//===- PartitionConcat.cpp - Never materialise a concat read by convs -----===//
//
// SERENITY's graph rewrite (Ahn et al., MLSys 2020) on tosa. A channel
// concat costs the bytes of all its parts plus its own; read by a
// convolution, it can be avoided:
//   conv(concat(x_1..x_n), W) = sum_i conv(x_i, W[:, :, :, c_i])
//   depthwise(concat(x_1..x_n), W) = concat(depthwise(x_i, W[:, :, c_i, :]))
// and per-channel ops commute with the concat. The rewrite is only worth it
// when the scheduler interleaves each part's producer with its partial
// convolution, so the pass rewrites a copy of each function, schedules it
// with the scheduler of memory-schedule, and keeps it in that order only
// when the scheduled peak drops; then it drops, group by group, the concats
// whose rewrite does not lower that peak. A kept result is checked on the IR
// (order, verifier) and its peak re-extracted before it replaces the function
// body.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Schedule/Scheduler.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SetVector.h"

#include <deque>
#include <limits>

namespace memopt {
#define GEN_PASS_DEF_MEMOPTPARTITIONCONCAT
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// How far per-channel ops are followed from a concat to a convolution
/// (DARTS and NASNet need 3: ReLU, depthwise, 1x1 conv); it bounds the
/// analysis, which follows every use.
constexpr unsigned kMaxPushDepth = 4;

/// The static shape of `value`, if it has one.
std::optional<ArrayRef<int64_t>> getStaticShape(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  return type.getShape();
}

int64_t getBytes(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  return type.getNumElements() *
         std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
}

/// The values of a `tosa.const_shape`, if `value` is one.
std::optional<SmallVector<int64_t>> getConstShape(Value value) {
  auto shapeOp = value.getDefiningOp<tosa::ConstShapeOp>();
  if (!shapeOp)
    return std::nullopt;
  return llvm::to_vector(shapeOp.getValues().getValues<int64_t>());
}

/// Elementwise ops that act on each channel alone: their other operands are
/// sliced along the channels with the concat or broadcast over them.
bool isElementwise(Operation *op) {
  return op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
         isa<tosa::MulOp, tosa::CastOp>(op);
}

/// A channel concat in tosa (`tosa.concat`) or linalg form (`tensor.concat`,
/// which the `tensor.empty` + `tensor.insert_slice` chains of
/// `--tosa-to-linalg-pipeline` are turned into first).
bool isConcat(Operation *op) {
  return isa<tosa::ConcatOp, tensor::ConcatOp>(op);
}

int64_t getConcatAxis(Operation *op) {
  if (auto concat = dyn_cast<tosa::ConcatOp>(op))
    return concat.getAxis();
  return cast<tensor::ConcatOp>(op).getDim();
}

/// Why the `linalg.generic` reading `use` (a concat of `channels` channels)
/// does not act on each channel alone; nothing when it does: parallel loops
/// only, the concat and the result indexed by the identity, no
/// `linalg.index`, and every other operand indexed without the channel loop
/// (kept) or with it on a dimension of `channels` (sliced with the parts).
std::optional<std::string> whyGenericNotPerChannel(linalg::GenericOp generic,
                                                   OpOperand &use,
                                                   int64_t channels) {
  auto type = cast<RankedTensorType>(use.get().getType());
  if (!generic.hasPureTensorSemantics() || generic.getNumResults() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      generic.getNumLoops() != unsigned(type.getRank()) ||
      generic.hasIndexSemantics())
    return std::string(" is not a parallel map of each element");
  if (!generic.isDpsInput(&use))
    return std::string(" writes into it");
  if (!generic.getMatchingIndexingMap(&use).isIdentity() ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity() ||
      getStaticShape(generic.getResult(0)) != getStaticShape(use.get()))
    return std::string(" broadcasts it to another shape");
  unsigned channelLoop = type.getRank() - 1;
  for (OpOperand &operand : generic->getOpOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(&operand);
    std::optional<ArrayRef<int64_t>> shape = getStaticShape(operand.get());
    if (!shape || !map.isProjectedPermutation(/*allowZeroInResults=*/true))
      return std::string(" has an operand that is neither per-channel nor "
                         "broadcast over the channels");
    for (auto [dim, expr] : llvm::enumerate(map.getResults()))
      if (expr.isFunctionOfDim(channelLoop) && (*shape)[dim] != channels)
        return std::string(" has an operand that is neither per-channel nor "
                           "broadcast over the channels");
  }
  return std::nullopt;
}

/// The `tensor.collapse_shape` that is the only use of the NHWCM result of
/// a `linalg.depthwise_conv_2d_nhwc_hwcm` and merges C and M (as
/// tosa-to-linalg emits it), if `op` is such a depthwise convolution.
tensor::CollapseShapeOp getDepthwiseCollapse(Operation *op) {
  if (!isa<linalg::DepthwiseConv2DNhwcHwcmOp>(op) ||
      !op->getResult(0).hasOneUse())
    return nullptr;
  auto collapse =
      dyn_cast<tensor::CollapseShapeOp>(*op->getResult(0).user_begin());
  if (!collapse)
    return nullptr;
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  if (groups.size() != 4 || groups[3] != ReassociationIndices{3, 4})
    return nullptr;
  return collapse;
}

/// Whether the partial convolutions of `conv` can accumulate into one
/// destination: float, one element type throughout, zero zero points.
bool canAccumulateInPlace(tosa::Conv2DOp conv) {
  Type type = getElementTypeOrSelf(conv.getType());
  if (!isa<FloatType>(type) ||
      getElementTypeOrSelf(conv.getInput().getType()) != type ||
      getElementTypeOrSelf(conv.getWeight().getType()) != type ||
      conv.getAccType() != type)
    return false;
  for (Value zeroPoint : {conv.getInputZp(), conv.getWeightZp()})
    if (!matchPattern(zeroPoint, m_AnyZeroFloat()) &&
        !matchPattern(zeroPoint, m_Zero()))
      return false;
  return true;
}

/// Why a channel concat with the type and uses of `concat` cannot
/// disappear; nothing when every use partitions.
std::optional<std::string> whyUsesNotPartitionable(Value concat, bool inPlace,
                                                   unsigned depth);

/// Why the op reading `use` (a concat of `channels` channels) cannot take
/// the concat's parts instead; nothing when it can.
std::optional<std::string> whyUseNotPartitionable(OpOperand &use,
                                                  int64_t channels,
                                                  bool inPlace,
                                                  unsigned depth) {
  Operation *user = use.getOwner();
  unsigned index = use.getOperandNumber();
  std::string name = "'" + user->getName().getStringRef().str() + "'";
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(user)) {
    if (index != 0)
      return name + " reads it as weights or bias";
    if (!getStaticShape(user->getOperand(1)) ||
        !getStaticShape(user->getOperand(2)) ||
        !getStaticShape(user->getResult(0)))
      return name + " has a dynamic shape";
    // Partial results that cannot accumulate into one destination are
    // summed by tosa.add: the running sum, the next partial result and the
    // new sum (two when the sum is written in place) are live together,
    // which must stay below the concat and the result.
    int64_t resultBytes = getBytes(user->getResult(0));
    if (auto conv = dyn_cast<tosa::Conv2DOp>(user);
        conv && !canAccumulateInPlace(conv) &&
        (inPlace ? 2 : 3) * resultBytes >= getBytes(use.get()) + resultBytes)
      return name + " would sum partial results of " +
             std::to_string(resultBytes) +
             " bytes, too large against the concat";
    if (isa<tosa::Conv2DOp>(user))
      return std::nullopt;
  } else if (isConcat(user)) {
    auto type = cast<RankedTensorType>(use.get().getType());
    if (getConcatAxis(user) != type.getRank() - 1)
      return name + " concatenates it along another axis";
    return std::nullopt;
  } else if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(user)) {
    if (index != 0)
      return name + " reads it as weights or writes into it";
    if (!conv.hasPureTensorSemantics() ||
        !getStaticShape(conv.getDpsInputs()[1]) ||
        !getStaticShape(user->getResult(0)))
      return name + " has a dynamic shape";
    return std::nullopt;
  } else if (auto pad = dyn_cast<tensor::PadOp>(user)) {
    if (!pad.getLow().empty() || !pad.getHigh().empty())
      return name + " has a dynamic shape";
    if (pad.getStaticLow().back() != 0 || pad.getStaticHigh().back() != 0)
      return name + " pads the channels";
    if (!pad.getConstantPaddingValue())
      return name + " pads with a value computed per element";
  } else if (auto generic = dyn_cast<linalg::GenericOp>(user)) {
    if (std::optional<std::string> reason =
            whyGenericNotPerChannel(generic, use, channels))
      return name + *reason;
  } else if (isa<linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp,
                 linalg::DepthwiseConv2DNhwcHwcOp,
                 linalg::DepthwiseConv2DNhwcHwcmOp>(user)) {
    auto linalgOp = cast<linalg::LinalgOp>(user);
    if (index != 0)
      return name + " reads it as weights or writes into it";
    if (!linalgOp.hasPureTensorSemantics() ||
        !getStaticShape(user->getOperand(1)) ||
        !getStaticShape(user->getResult(0)))
      return name + " has a dynamic shape";
    if (isa<linalg::DepthwiseConv2DNhwcHwcmOp>(user) &&
        !getDepthwiseCollapse(user))
      return name + " is not collapsed to channels by its only use";
  } else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(user)) {
    if (slice.getResultType().getRank() != slice.getSourceType().getRank() ||
        !slice.hasUnitStride() || !slice.getOffsets().empty() ||
        !slice.getSizes().empty() || slice.getStaticOffsets().back() != 0 ||
        slice.getStaticSizes().back() != channels)
      return name + " slices the channels";
  } else if (isElementwise(user)) {
    if (user->getNumResults() != 1 ||
        getStaticShape(user->getResult(0)) != getStaticShape(use.get()))
      return name + " broadcasts it to another shape";
    int64_t rank = cast<RankedTensorType>(use.get().getType()).getRank();
    for (OpOperand &operand : user->getOpOperands()) {
      std::optional<ArrayRef<int64_t>> shape = getStaticShape(operand.get());
      // tosa.mul's shift is a rank-1 scalar.
      bool isShift = isa<tosa::MulOp>(user) && operand.getOperandNumber() == 2;
      if (!shape || (!isShift && int64_t(shape->size()) != rank) ||
          (!isShift && shape->back() != 1 && shape->back() != channels))
        return name + " has an operand that is neither per-channel nor "
                      "broadcast over the channels";
    }
  } else if (isa<tosa::MaxPool2dOp, tosa::AvgPool2dOp>(user)) {
    if (index != 0 || !getStaticShape(user->getResult(0)))
      return name + " has a dynamic shape";
  } else if (auto slice = dyn_cast<tosa::SliceOp>(user)) {
    std::optional<SmallVector<int64_t>> start = getConstShape(slice.getStart());
    std::optional<SmallVector<int64_t>> size = getConstShape(slice.getSize());
    if (!start || !size || start->back() != 0 || size->back() != channels)
      return name + " slices the channels";
  } else {
    return name + " is neither a per-channel op nor a convolution";
  }
  // The op becomes one op per part and a concat of their results: worth it
  // when that concat is smaller, or partitions in turn.
  Value result = user->getResult(0);
  if (tensor::CollapseShapeOp collapse = getDepthwiseCollapse(user))
    result = collapse.getResult();
  if (!getStaticShape(result))
    return name + " has a dynamic shape";
  if (getBytes(result) < getBytes(use.get()))
    return std::nullopt;
  if (depth >= kMaxPushDepth)
    return name + " is followed by too many per-channel ops";
  if (std::optional<std::string> reason =
          whyUsesNotPartitionable(result, inPlace, depth + 1))
    return name + " feeds a concat that does not partition: " + *reason;
  return std::nullopt;
}

std::optional<std::string> whyUsesNotPartitionable(Value concat, bool inPlace,
                                                   unsigned depth) {
  if (concat.use_empty())
    return std::string("the concat is not used");
  unsigned numUses = llvm::range_size(concat.getUses());
  int64_t channels = cast<RankedTensorType>(concat.getType()).getShape().back();
  for (OpOperand &use : concat.getUses())
    if (std::optional<std::string> reason =
            whyUseNotPartitionable(use, channels, inPlace, depth))
      return (numUses > 1 ? "the concat has " + std::to_string(numUses) +
                                " uses and its use by "
                          : std::string("its use by ")) +
             *reason;
  return std::nullopt;
}

std::optional<std::string> whyNotPartitionable(Operation *concat,
                                               bool inPlace) {
  auto type = dyn_cast<RankedTensorType>(concat->getResult(0).getType());
  if (!type || !type.hasStaticShape() ||
      llvm::any_of(concat->getOperands(),
                   [](Value part) { return !getStaticShape(part); }))
    return std::string("the concat has a dynamic shape");
  int64_t axis = getConcatAxis(concat);
  if (axis != type.getRank() - 1)
    return "the concat is along axis " + std::to_string(axis) +
           ", not the channel axis " + std::to_string(type.getRank() - 1);
  return whyUsesNotPartitionable(concat->getResult(0), inPlace, 0);
}

/// The parts of the concat that a `tensor.empty` + `tensor.insert_slice`
/// chain ending in `last` builds, in channel order: every link inserts a
/// whole static tensor at a channel offset (unit strides, zero offsets and
/// full sizes elsewhere), each link but the last has no other use, and the
/// slices tile the channels exactly (no gap: the `tensor.empty` would be
/// read). Nothing when `last` is not such a chain's end.
std::optional<SmallVector<Value>>
getInsertSliceChainParts(tensor::InsertSliceOp last) {
  auto type = dyn_cast<RankedTensorType>(last.getType());
  if (!type || !type.hasStaticShape() || type.getRank() == 0)
    return std::nullopt;
  // The end of a chain: its result does not continue one.
  for (Operation *user : last->getUsers())
    if (auto next = dyn_cast<tensor::InsertSliceOp>(user);
        next && next.getDest() == last.getResult())
      return std::nullopt;
  int64_t rank = type.getRank();
  SmallVector<std::pair<int64_t, Value>> slices;
  tensor::InsertSliceOp link = last;
  while (true) {
    auto sourceType = dyn_cast<RankedTensorType>(link.getSourceType());
    if (!sourceType || !sourceType.hasStaticShape() ||
        sourceType.getRank() != rank || !link.hasUnitStride() ||
        ShapedType::isDynamicShape(link.getStaticOffsets()) ||
        ShapedType::isDynamicShape(link.getStaticSizes()))
      return std::nullopt;
    for (int64_t dim = 0; dim < rank; ++dim) {
      int64_t offset = link.getStaticOffsets()[dim];
      int64_t size = link.getStaticSizes()[dim];
      if (size != sourceType.getDimSize(dim) ||
          (dim != rank - 1 && (offset != 0 || size != type.getDimSize(dim))))
        return std::nullopt;
    }
    slices.push_back({link.getStaticOffsets().back(), link.getSource()});
    Value dest = link.getDest();
    if (dest.getDefiningOp<tensor::EmptyOp>())
      break;
    link = dest.getDefiningOp<tensor::InsertSliceOp>();
    if (!link || !dest.hasOneUse())
      return std::nullopt;
  }
  if (slices.size() < 2)
    return std::nullopt;
  llvm::stable_sort(
      slices, [](const auto &a, const auto &b) { return a.first < b.first; });
  SmallVector<Value> parts;
  int64_t next = 0;
  for (auto [offset, part] : slices) {
    if (offset != next)
      return std::nullopt;
    next += cast<RankedTensorType>(part.getType()).getShape().back();
    parts.push_back(part);
  }
  if (next != type.getShape().back())
    return std::nullopt;
  return parts;
}

/// Marks the `tensor.concat`s that were in the input, which stay
/// `tensor.concat`s; the others are the pass's and become chains again.
constexpr llvm::StringLiteral kInputTensorConcat = "memopt.input_concat";

/// Replaces every insert_slice chain of `block` that concatenates along the
/// channels by a `tensor.concat` of its parts in its place; marks the
/// `tensor.concat`s already there.
void normalizeConcatChains(Block &block) {
  for (auto concat : block.getOps<tensor::ConcatOp>())
    concat->setAttr(kInputTensorConcat,
                    UnitAttr::get(block.getParentOp()->getContext()));
  for (Operation &op : llvm::make_early_inc_range(block)) {
    auto last = dyn_cast<tensor::InsertSliceOp>(op);
    if (!last)
      continue;
    std::optional<SmallVector<Value>> parts = getInsertSliceChainParts(last);
    if (!parts)
      continue;
    OpBuilder builder(last);
    auto type = cast<RankedTensorType>(last.getType());
    auto concat = tensor::ConcatOp::create(builder, last.getLoc(),
                                           type.getRank() - 1, *parts);
    last.getResult().replaceAllUsesWith(concat.getResult());
    // The links die from the last one back, then the tensor.empty if it has
    // no other user.
    Value dest = last.getResult();
    while (auto link = dest.getDefiningOp<tensor::InsertSliceOp>()) {
      dest = link.getDest();
      if (!link->use_empty())
        break;
      link->erase();
    }
    if (Operation *empty = dest.getDefiningOp<tensor::EmptyOp>();
        empty && empty->use_empty())
      empty->erase();
  }
}

/// Turns the `tensor.concat`s of `block` that were not in the input back
/// into `tensor.empty` + `tensor.insert_slice` chains (the form that
/// tosa-to-tensor emits and that bufferizes in place), and drops the marks.
void decomposeConcats(Block &block) {
  for (Operation &op : llvm::make_early_inc_range(block)) {
    auto concat = dyn_cast<tensor::ConcatOp>(op);
    if (!concat)
      continue;
    if (concat->removeAttr(kInputTensorConcat))
      continue;
    OpBuilder builder(concat);
    auto type = cast<RankedTensorType>(concat.getType());
    Value result = tensor::EmptyOp::create(
        builder, concat.getLoc(), type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value part : concat.getInputs()) {
      auto partType = cast<RankedTensorType>(part.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(),
                                        builder.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes,
          strides(type.getRank(), builder.getIndexAttr(1));
      for (int64_t extent : partType.getShape())
        sizes.push_back(builder.getIndexAttr(extent));
      offsets.back() = builder.getIndexAttr(offset);
      offset += partType.getShape().back();
      result = tensor::InsertSliceOp::create(builder, concat.getLoc(), part,
                                             result, offsets, sizes, strides);
    }
    concat.getResult().replaceAllUsesWith(result);
    concat->erase();
  }
}

/// Rewrites the concats of one function body.
class ConcatPartitioner {
public:
  /// `seeds` selects, by their index among the block's concats, the input
  /// concats to partition (all when null); the concats their rewrite creates
  /// are partitioned too. `remark` asks for remarks on the input concats left.
  ConcatPartitioner(Block &block, bool inPlace, const llvm::BitVector *seeds,
                    bool remark)
      : block(block), inPlace(inPlace), seeds(seeds), remark(remark) {}

  /// Rewrites every selected concat that partitions; remarks on the others
  /// that were in the input. Returns the locations of the input concats
  /// removed.
  SmallVector<Location> run();

private:
  void rewriteUser(Operation *concat, Operation *user);
  void partitionConv(Operation *concat, tosa::Conv2DOp conv);
  void partitionConv(Operation *concat, linalg::Conv2DNhwcFhwcOp conv);
  void pushThrough(Operation *concat, Operation *user);
  void pushThroughSlice(Operation *concat, tensor::ExtractSliceOp slice);
  void pushThroughDepthwise(Operation *concat,
                            linalg::DepthwiseConv2DNhwcHwcmOp depthwise);
  /// The destination of one part's op: `init` (the whole op's) along
  /// dimension `dim`; a new fill or tensor.empty where `init` is one.
  Value sliceInit(OpBuilder &builder, Value init, unsigned dim, int64_t offset,
                  int64_t size);
  void flattenInto(Operation *concat, Operation *outer);
  Value sliceChannels(OpBuilder &builder, Value value, unsigned dim,
                      int64_t offset, int64_t size);
  Value getZeroBias(OpBuilder &builder, Type elementType);
  Value getZero(OpBuilder &builder, Type elementType);
  /// Replaces `op` by a channel concat of `parts`, to be partitioned next.
  void replaceByConcat(OpBuilder &builder, Operation *op, ArrayRef<Value> parts,
                       bool linalgForm);
  void erase(Operation *op);

  Block &block;
  /// Whether the model lets tosa.add write the sum in place.
  bool inPlace;
  const llvm::BitVector *seeds;
  bool remark;
  llvm::SetVector<Operation *> worklist;
  /// The concats of the input, and the locations of those removed.
  llvm::DenseSet<Operation *> inputConcats;
  SmallVector<Location> removed;
  llvm::DenseMap<Type, Value> zeroBiases;
  llvm::DenseMap<Type, Value> zeros;
};

SmallVector<Location> ConcatPartitioner::run() {
  unsigned index = 0;
  for (Operation &concat : block) {
    if (!isConcat(&concat))
      continue;
    inputConcats.insert(&concat);
    if (!seeds || seeds->test(index))
      worklist.insert(&concat);
    ++index;
  }
  while (!worklist.empty()) {
    Operation *concat = worklist.front();
    worklist.remove(worklist.front());
    bool fromInput = inputConcats.contains(concat);
    if (std::optional<std::string> reason =
            whyNotPartitionable(concat, inPlace)) {
      // Concats this pass made are partitioned where they help and left
      // alone where they are smaller than the input's.
      if (fromInput && remark)
        emitRemark(concat->getLoc())
            << "memopt-partition-concat: concat left as it is: " << *reason;
      continue;
    }
    llvm::SetVector<Operation *> users;
    for (Operation *user : concat->getUsers())
      users.insert(user);
    for (Operation *user : users)
      rewriteUser(concat, user);
    erase(concat);
  }
  return removed;
}

void ConcatPartitioner::erase(Operation *op) {
  worklist.remove(op);
  // A nested input concat is replaced when the inner one is flattened.
  if (inputConcats.contains(op))
    removed.push_back(op->getLoc());
  SmallVector<Value> operands(op->getOperands());
  op->erase();
  // The destination of a replaced linalg op (a fill of a tensor.empty) dies
  // with it.
  for (Value operand : operands) {
    Operation *def = operand.getDefiningOp();
    if (def && def->use_empty() && isa<tensor::EmptyOp, linalg::FillOp>(def))
      erase(def);
  }
}

Value ConcatPartitioner::sliceChannels(OpBuilder &builder, Value value,
                                       unsigned dim, int64_t offset,
                                       int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), builder.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes,
      strides(type.getRank(), builder.getIndexAttr(1));
  for (int64_t extent : type.getShape())
    sizes.push_back(builder.getIndexAttr(extent));
  offsets[dim] = builder.getIndexAttr(offset);
  sizes[dim] = builder.getIndexAttr(size);
  return tensor::ExtractSliceOp::create(builder, value.getLoc(), value, offsets,
                                        sizes, strides);
}

Value ConcatPartitioner::getZeroBias(OpBuilder &builder, Type elementType) {
  Value &zero = zeroBiases[elementType];
  if (!zero) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&block);
    auto type = RankedTensorType::get({1}, elementType);
    zero = tosa::ConstOp::create(builder, block.getParentOp()->getLoc(), type,
                                 cast<ElementsAttr>(builder.getZeroAttr(type)));
  }
  return zero;
}

Value ConcatPartitioner::getZero(OpBuilder &builder, Type elementType) {
  Value &zero = zeros[elementType];
  if (!zero) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&block);
    zero = arith::ConstantOp::create(builder, block.getParentOp()->getLoc(),
                                     builder.getZeroAttr(elementType));
  }
  return zero;
}

void ConcatPartitioner::rewriteUser(Operation *concat, Operation *user) {
  if (auto conv = dyn_cast<tosa::Conv2DOp>(user))
    return partitionConv(concat, conv);
  if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(user))
    return partitionConv(concat, conv);
  if (isConcat(user))
    return flattenInto(concat, user);
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(user))
    return pushThroughSlice(concat, slice);
  if (auto depthwise = dyn_cast<linalg::DepthwiseConv2DNhwcHwcmOp>(user))
    return pushThroughDepthwise(concat, depthwise);
  pushThrough(concat, user);
}

Value ConcatPartitioner::sliceInit(OpBuilder &builder, Value init, unsigned dim,
                                   int64_t offset, int64_t size) {
  auto type = cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = size;
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (init.getDefiningOp<tensor::EmptyOp>() ||
      (fill && fill.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>())) {
    Value empty = tensor::EmptyOp::create(builder, init.getLoc(), shape,
                                          type.getElementType());
    if (!fill)
      return empty;
    return linalg::FillOp::create(builder, fill.getLoc(),
                                  ValueRange{fill.getDpsInputs()[0]},
                                  ValueRange{empty})
        .getResult(0);
  }
  return sliceChannels(builder, init, dim, offset, size);
}

void ConcatPartitioner::pushThroughSlice(Operation *concat,
                                         tensor::ExtractSliceOp slice) {
  OpBuilder builder(slice);
  SmallVector<Value> results;
  for (Value part : concat->getOperands()) {
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    sizes.back() = builder.getIndexAttr(
        cast<RankedTensorType>(part.getType()).getShape().back());
    results.push_back(tensor::ExtractSliceOp::create(
        builder, slice.getLoc(), part, slice.getMixedOffsets(), sizes,
        slice.getMixedStrides()));
  }
  replaceByConcat(builder, slice, results, /*linalgForm=*/true);
}

void ConcatPartitioner::pushThroughDepthwise(
    Operation *concat, linalg::DepthwiseConv2DNhwcHwcmOp depthwise) {
  // NHWCM results, collapsed to channel-major NH W(C*M) per part: their
  // concat is the collapse of the whole result.
  tensor::CollapseShapeOp collapse = getDepthwiseCollapse(depthwise);
  OpBuilder builder(depthwise);
  SmallVector<Value> results;
  int64_t offset = 0;
  for (Value part : concat->getOperands()) {
    int64_t channels = cast<RankedTensorType>(part.getType()).getShape().back();
    // HWCM: the channels are dimension 2; NHWCM: dimension 3.
    Value weight = sliceChannels(builder, depthwise.getDpsInputs()[1], 2,
                                 offset, channels);
    Value init =
        sliceInit(builder, depthwise.getDpsInits()[0], 3, offset, channels);
    Operation *clone = builder.clone(*depthwise);
    clone->setOperand(0, part);
    clone->setOperand(1, weight);
    clone->setOperand(2, init);
    clone->getResult(0).setType(init.getType());
    results.push_back(tensor::CollapseShapeOp::create(
        builder, collapse.getLoc(), clone->getResult(0),
        collapse.getReassociationIndices()));
    offset += channels;
  }
  replaceByConcat(builder, collapse, results, /*linalgForm=*/true);
  erase(depthwise);
}

void ConcatPartitioner::partitionConv(Operation *concat,
                                      linalg::Conv2DNhwcFhwcOp conv) {
  // Chained destinations: the first part's products go into the
  // convolution's init (the broadcast bias), each next part's into the
  // previous partial result.
  OpBuilder builder(conv);
  Value sum = conv.getDpsInits()[0];
  Value weight = conv.getDpsInputs()[1];
  int64_t offset = 0;
  for (Value part : concat->getOperands()) {
    int64_t channels = cast<RankedTensorType>(part.getType()).getShape().back();
    // FHWC: the input channels are the last dimension of the weight.
    Value slice = sliceChannels(builder, weight, 3, offset, channels);
    offset += channels;
    sum = linalg::Conv2DNhwcFhwcOp::create(
              builder, conv.getLoc(), TypeRange{conv->getResult(0).getType()},
              ValueRange{part, slice}, ValueRange{sum}, conv.getStrides(),
              conv.getDilations())
              ->getResult(0);
  }
  conv->getResult(0).replaceAllUsesWith(sum);
  erase(conv);
}

void ConcatPartitioner::partitionConv(Operation *concat, tosa::Conv2DOp conv) {
  OpBuilder builder(conv);
  Type biasType = getElementTypeOrSelf(conv.getBias().getType());
  bool accumulate = canAccumulateInPlace(conv);
  ArrayRef<int64_t> pad = conv.getPad();
  Value sum;
  int64_t offset = 0;
  for (Value part : concat->getOperands()) {
    int64_t channels = cast<RankedTensorType>(part.getType()).getShape().back();
    // OHWI: the input channels are the last dimension of the weight.
    Value weight =
        sliceChannels(builder, conv.getWeight(), 3, offset, channels);
    offset += channels;
    if (sum && accumulate) {
      // Chained destinations: this part's products are added into the
      // previous partial result, in its buffer.
      Value input = part;
      if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
        auto type = cast<RankedTensorType>(part.getType());
        SmallVector<OpFoldResult> low = {
            builder.getIndexAttr(0), builder.getIndexAttr(pad[0]),
            builder.getIndexAttr(pad[2]), builder.getIndexAttr(0)};
        SmallVector<OpFoldResult> high = {
            builder.getIndexAttr(0), builder.getIndexAttr(pad[1]),
            builder.getIndexAttr(pad[3]), builder.getIndexAttr(0)};
        SmallVector<int64_t> shape(type.getShape());
        shape[1] += pad[0] + pad[1];
        shape[2] += pad[2] + pad[3];
        Value zero = getZero(builder, type.getElementType());
        input = tensor::PadOp::create(builder, conv.getLoc(), type.clone(shape),
                                      part, low, high, zero);
      }
      sum = linalg::Conv2DNhwcFhwcOp::create(
                builder, conv.getLoc(), TypeRange{conv.getType()},
                ValueRange{input, weight}, ValueRange{sum},
                builder.getI64TensorAttr(conv.getStride()),
                builder.getI64TensorAttr(conv.getDilation()))
                ->getResult(0);
      continue;
    }
    Operation *partial = builder.clone(*conv);
    partial->setOperand(0, part);
    partial->setOperand(1, weight);
    // The bias is added once, by the first partial convolution.
    if (sum)
      partial->setOperand(2, getZeroBias(builder, biasType));
    Value result = partial->getResult(0);
    sum = sum ? tosa::AddOp::create(builder, conv.getLoc(), conv.getType(), sum,
                                    result)
                    .getResult()
              : result;
  }
  conv.getResult().replaceAllUsesWith(sum);
  erase(conv);
}

void ConcatPartitioner::pushThrough(Operation *concat, Operation *user) {
  OpBuilder builder(user);
  auto concatType = cast<RankedTensorType>(concat->getResult(0).getType());
  int64_t channels = concatType.getShape().back();
  unsigned channelDim = concatType.getRank() - 1;
  auto resultType = cast<RankedTensorType>(user->getResult(0).getType());
  auto depthwise = dyn_cast<tosa::DepthwiseConv2DOp>(user);
  // Depthwise outputs are channel-major: channel c yields c*M .. c*M+M-1.
  int64_t multiplier = depthwise ? resultType.getShape().back() / channels : 1;
  SmallVector<Value> results;
  int64_t offset = 0;
  for (Value part : concat->getOperands()) {
    int64_t partChannels =
        cast<RankedTensorType>(part.getType()).getShape().back();
    Operation *clone = builder.clone(*user);
    // Operands of the clone go before it.
    OpBuilder operandBuilder(clone);
    for (OpOperand &operand : clone->getOpOperands()) {
      Value value = operand.get();
      unsigned index = operand.getOperandNumber();
      if (value == concat->getResult(0)) {
        operand.set(part);
      } else if (auto generic = dyn_cast<linalg::GenericOp>(clone)) {
        // Operands indexed by the channel loop are sliced on the dimension
        // it indexes; a tensor.empty init gets one of the part's shape.
        AffineMap map = generic.getMatchingIndexingMap(&operand);
        if (generic.isDpsInit(&operand) &&
            value.getDefiningOp<tensor::EmptyOp>()) {
          SmallVector<int64_t> shape(concatType.getShape());
          shape.back() = partChannels;
          operand.set(tensor::EmptyOp::create(operandBuilder, value.getLoc(),
                                              shape,
                                              concatType.getElementType()));
          continue;
        }
        for (auto [dim, expr] : llvm::enumerate(map.getResults()))
          if (expr.isFunctionOfDim(channelDim))
            operand.set(sliceChannels(operandBuilder, value, dim, offset,
                                      partChannels));
      } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(clone);
                 linalgOp && linalgOp.isDpsInit(&operand)) {
        operand.set(
            sliceInit(operandBuilder, value, channelDim, offset, partChannels));
      } else if (isa<linalg::DepthwiseConv2DNhwcHwcOp>(clone) && index == 1) {
        // HWC: the channels are dimension 2.
        operand.set(
            sliceChannels(operandBuilder, value, 2, offset, partChannels));
      } else if (depthwise && index == 1) {
        // HWCM: the channels are dimension 2.
        operand.set(
            sliceChannels(operandBuilder, value, 2, offset, partChannels));
      } else if (depthwise && index == 2) {
        if (cast<RankedTensorType>(value.getType()).getShape()[0] != 1)
          operand.set(sliceChannels(operandBuilder, value, 0,
                                    offset * multiplier,
                                    partChannels * multiplier));
      } else if (auto slice = dyn_cast<tosa::SliceOp>(clone);
                 slice && index == 2) {
        SmallVector<int64_t> size = *getConstShape(value);
        size.back() = partChannels;
        auto shapeType =
            tosa::shapeType::get(builder.getContext(), size.size());
        auto values = DenseIntElementsAttr::get(
            RankedTensorType::get({int64_t(size.size())},
                                  builder.getIndexType()),
            size);
        operand.set(tosa::ConstShapeOp::create(operandBuilder, value.getLoc(),
                                               shapeType, values));
      } else if (isElementwise(user)) {
        auto type = cast<RankedTensorType>(value.getType());
        if (type.getRank() == concatType.getRank() &&
            type.getShape().back() == channels && channels != 1)
          operand.set(sliceChannels(operandBuilder, value, channelDim, offset,
                                    partChannels));
      }
    }
    SmallVector<int64_t> shape(resultType.getShape());
    shape.back() = partChannels * multiplier;
    clone->getResult(0).setType(resultType.clone(shape));
    results.push_back(clone->getResult(0));
    offset += partChannels;
  }
  replaceByConcat(builder, user, results, isa<tensor::ConcatOp>(concat));
}

void ConcatPartitioner::flattenInto(Operation *concat, Operation *outer) {
  OpBuilder builder(outer);
  SmallVector<Value> parts;
  for (Value operand : outer->getOperands()) {
    if (operand == concat->getResult(0))
      llvm::append_range(parts, concat->getOperands());
    else
      parts.push_back(operand);
  }
  replaceByConcat(builder, outer, parts, isa<tensor::ConcatOp>(outer));
}

void ConcatPartitioner::replaceByConcat(OpBuilder &builder, Operation *op,
                                        ArrayRef<Value> parts,
                                        bool linalgForm) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  Operation *concat =
      linalgForm ? tensor::ConcatOp::create(builder, op->getLoc(),
                                            type.getRank() - 1, parts)
                       .getOperation()
                 : tosa::ConcatOp::create(builder, op->getLoc(), type, parts,
                                          uint32_t(type.getRank() - 1))
                       .getOperation();
  op->getResult(0).replaceAllUsesWith(concat->getResult(0));
  // A flattened input concat lives on in the new one.
  if (inputConcats.erase(op))
    inputConcats.insert(concat);
  erase(op);
  worklist.insert(concat);
}

/// How many rewrites the per-concat selection may schedule per function.
constexpr unsigned kMaxSelectionTrials = 16;

/// The share of the rewrite's effort each selection trial gets (by default
/// 0.02 of memory-schedule's: less leaves concats partitioned that do not
/// help on the linalg form of DARTS). A trial only
/// asks whether some order reaches the best peak so far, and the schedulers'
/// heuristics and first exact searches answer that on cell networks; a trial
/// they do not settle only keeps its concats partitioned.
constexpr double kTrialEffortShare = 0.2;

/// The effort of the first schedule of the input (memory-schedule's is 1).
/// It is enough where the input is easy; otherwise its lower bound often
/// shows already that the rewrite is below every order of the input, or its
/// peak that the rewrite is not below it, and the input is scheduled again
/// with the full effort only when neither holds.
constexpr double kQuickInputEffort = 0.05;

/// A rewritten copy of a function, owned (erased with this), its model and,
/// unless its lower bound ruled it out, its schedule.
struct ScheduledRewrite {
  ScheduledRewrite() = default;
  ScheduledRewrite(const ScheduledRewrite &) = delete;
  ScheduledRewrite &operator=(ScheduledRewrite &&other) {
    if (copy)
      copy->erase();
    copy = std::exchange(other.copy, nullptr);
    removed = std::move(other.removed);
    model = std::move(other.model);
    lowerBound = other.lowerBound;
    schedule = std::move(other.schedule);
    return *this;
  }
  ~ScheduledRewrite() {
    if (copy)
      copy->erase();
  }

  FunctionOpInterface copy;
  /// Locations of the input concats that no longer exist.
  SmallVector<Location> removed;
  std::optional<BlockMemoryModel> model;
  int64_t lowerBound = 0;
  std::optional<ScheduleResult> schedule;
};

struct PartitionConcatPass
    : public memopt::impl::MemOptPartitionConcatBase<PartitionConcatPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    std::optional<ScheduleOptions> parsed = parseSchedulePassOptions(
        getOperation(), "memopt-partition-concat", algorithm, timeLimit);
    if (!parsed)
      return signalPassFailure();
    ScheduleOptions options = *parsed;
    options.effort = effort;
    if (std::optional<std::string> problem = verifyScheduleOptions(options)) {
      getOperation()->emitError()
          << "memopt-partition-concat: " << *problem << ", got " << effort;
      return signalPassFailure();
    }
    options.model = makeModelOptions(inPlace);
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    if (failed(
            forEachFunction(getOperation(), [&](FunctionOpInterface function) {
              return partitionFunction(function, extraction, options);
            })))
      signalPassFailure();
  }

  /// Rewrites a copy of `source` (`function` with its chains normalized; the
  /// concats `seeds` selects, all when null) and schedules it unless its
  /// lower bound exceeds `cutoff`. Fails, with an error on `function`, when
  /// the rewrite is broken.
  LogicalResult rewriteAndSchedule(FunctionOpInterface function,
                                   FunctionOpInterface source,
                                   const llvm::BitVector *seeds, bool remark,
                                   int64_t cutoff,
                                   const ExtractionOptions &extraction,
                                   const ScheduleOptions &options,
                                   ScheduledRewrite &rewrite) {
    rewrite.copy = cast<FunctionOpInterface>(source->clone());
    Block &block = rewrite.copy.getFunctionBody().front();
    rewrite.removed = ConcatPartitioner(block, inPlace, seeds, remark).run();
    if (rewrite.removed.empty())
      return success();
    decomposeConcats(block);
    auto fail = [&](const Twine &problem) {
      function->emitError() << "memopt-partition-concat: " << problem
                            << "; the function is left unchanged";
      return failure();
    };
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(rewrite.copy, extraction);
    if (failed(model))
      return fail("the rewritten function cannot be modelled");
    rewrite.model = std::move(*model);
    rewrite.lowerBound =
        scheduleLowerBound(rewrite.model->graph, options.model);
    if (rewrite.lowerBound > cutoff)
      return success();
    rewrite.schedule = scheduleForMemory(rewrite.model->graph, options);
    if (std::optional<std::string> problem = checkSchedule(
            rewrite.model->graph, *rewrite.schedule, options.model))
      return fail("the " + rewrite.schedule->algorithm +
                  " scheduler produced an invalid order (" + *problem + ")");
    return success();
  }

  /// Drops from `best` the concats whose partitioning does not lower its
  /// scheduled peak, greedily and deterministically: groups of the kept
  /// candidates, halves of the block order first, are left unpartitioned
  /// when the peak stays at most the best one and split in two otherwise
  /// (breadth first, down to one concat), within kMaxSelectionTrials
  /// rewrites.
  LogicalResult
  dropUselessConcats(FunctionOpInterface function, FunctionOpInterface source,
                     ArrayRef<unsigned> candidates, llvm::BitVector &kept,
                     const ExtractionOptions &extraction,
                     const ScheduleOptions &options, ScheduledRewrite &best) {
    ScheduleOptions trialOptions = options;
    trialOptions.effort *= kTrialEffortShare;
    std::deque<ArrayRef<unsigned>> groups;
    auto split = [&](ArrayRef<unsigned> group) {
      size_t half = group.size() / 2;
      groups.push_back(group.take_front(half));
      groups.push_back(group.drop_front(half));
    };
    if (candidates.size() > 1)
      split(candidates);
    for (unsigned trials = 0; !groups.empty() && trials < kMaxSelectionTrials;
         ++trials) {
      ArrayRef<unsigned> group = groups.front();
      groups.pop_front();
      llvm::BitVector seeds = kept;
      for (unsigned index : group)
        seeds.reset(index);
      ScheduledRewrite trial;
      if (failed(rewriteAndSchedule(function, source, &seeds,
                                    /*remark=*/false, best.schedule->peakBytes,
                                    extraction, trialOptions, trial)))
        return failure();
      if (!trial.removed.empty() && trial.schedule &&
          trial.schedule->peakBytes <= best.schedule->peakBytes) {
        kept = std::move(seeds);
        best = std::move(trial);
      } else if (group.size() > 1) {
        split(group);
      }
    }
    return success();
  }

  LogicalResult partitionFunction(FunctionOpInterface function,
                                  const ExtractionOptions &extraction,
                                  const ScheduleOptions &options) {
    Region &body = function.getFunctionBody();
    if (!body.hasOneBlock() || llvm::none_of(body.front(), [](Operation &op) {
          return isa<tosa::ConcatOp, tensor::ConcatOp, tensor::InsertSliceOp>(
              op);
        }))
      return success();
    // Every rewrite starts from a copy whose insert_slice chains are
    // tensor.concats.
    auto normalized = cast<FunctionOpInterface>(function->clone());
    llvm::scope_exit eraseNormalized([&] { normalized->erase(); });
    Block &normalizedBlock = normalized.getFunctionBody().front();
    normalizeConcatChains(normalizedBlock);
    SmallVector<Operation *> inputConcats;
    for (Operation &op : normalizedBlock)
      if (isConcat(&op))
        inputConcats.push_back(&op);
    if (inputConcats.empty())
      return success();
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    // The input is scheduled quickly first; see kQuickInputEffort.
    ScheduleOptions inputOptions = options;
    inputOptions.effort = kQuickInputEffort;
    ScheduleResult before = scheduleForMemory(model->graph, inputOptions);
    double inputSeconds = before.seconds;

    // Rewrite copies, so that the input stays whole until a copy wins. First
    // every candidate; then, where that wins, without the ones that do not
    // help.
    ScheduledRewrite best;
    int64_t cutoff = onlyIfLower ? before.peakBytes - 1
                                 : std::numeric_limits<int64_t>::max();
    if (failed(rewriteAndSchedule(function, normalized, /*seeds=*/nullptr,
                                  /*remark=*/true, cutoff, extraction, options,
                                  best)))
      return failure();
    if (best.removed.empty())
      return success();
    size_t numCandidates = best.removed.size();
    // Unless the rewrite is below every order of the input, or not below
    // the quick order (a better one would only widen the gap), the input is
    // scheduled as memory-schedule would, to compare with its peak; the
    // search stops once it finds an order as low as the rewrite (which
    // memory-schedule would then reach too) or proves every order above it.
    if (best.schedule && before.status != ScheduleStatus::Optimal &&
        best.schedule->peakBytes >= before.lowerBoundBytes &&
        best.schedule->peakBytes < before.peakBytes) {
      inputOptions.effort = 1;
      inputOptions.decidePeakBytes = best.schedule->peakBytes;
      before = scheduleForMemory(model->graph, inputOptions);
      inputSeconds += before.seconds;
    }
    // No schedule of the rewrite can win when its lower bound does not:
    // spare the search (the peak is elsewhere, e.g. in a stem).
    if (!best.schedule) {
      emitRemark(function->getLoc())
          << "memopt-partition-concat: partitioning " << numCandidates
          << " concats would not lower the scheduled peak (" << before.peakBytes
          << " bytes; every order of the rewrite needs at least "
          << best.lowerBound << "); the function is left unchanged";
      return success();
    }
    if (onlyIfLower && best.schedule->peakBytes >= before.peakBytes) {
      InFlightDiagnostic refusal = emitRemark(function->getLoc());
      refusal << "memopt-partition-concat: partitioning " << numCandidates
              << " concats would not lower the scheduled peak (";
      // A quick order that the rewrite does not beat: memory-schedule may
      // find a lower one.
      if (before.status != ScheduleStatus::Optimal)
        refusal << "an order of the input reaches ";
      refusal << before.peakBytes << " bytes, " << best.schedule->peakBytes
              << " with the rewrite); the function is left unchanged";
      return success();
    }
    if (onlyIfLower) {
      SmallVector<unsigned> candidates;
      llvm::BitVector kept(inputConcats.size());
      for (auto [index, concat] : llvm::enumerate(inputConcats))
        if (!whyNotPartitionable(concat, inPlace)) {
          candidates.push_back(index);
          kept.set(index);
        }
      if (failed(dropUselessConcats(function, normalized, candidates, kept,
                                    extraction, options, best)))
        return failure();
      for (unsigned index : candidates)
        if (!kept.test(index))
          emitRemark(inputConcats[index]->getLoc())
              << "memopt-partition-concat: concat left as it is: "
                 "partitioning it does not lower the scheduled peak";
    }
    auto fail = [&](const Twine &problem) {
      function->emitError() << "memopt-partition-concat: " << problem
                            << "; the function is left unchanged";
      return failure();
    };
    // Only the kept rewrite is verified: the others are dropped unseen.
    if (std::optional<std::string> error = getVerifierError(best.copy))
      return fail("the rewritten function does not verify: " + *error);
    SmallVector<Location> removed = std::move(best.removed);
    ScheduleResult after = std::move(*best.schedule);
    FunctionOpInterface copy = best.copy;
    BlockMemoryModel &rewritten = *best.model;
    if (std::optional<std::string> problem = applyCheckedOrder(
            copy, rewritten, sinkWeightlessNodes(rewritten.graph, after.order),
            extraction.pureDialects))
      return fail("the scheduled rewrite would change the program (" +
                  *problem + ")");

    ReplacedOrder replaced =
        describeReplacedOrder(function, *model, options.model);
    bool annotated = hasOpAnnotations(body.front());
    body.takeBody(copy.getFunctionBody());
    recordReplacedOrder(function, replaced);
    clearOpAnnotations(function);
    FailureOr<BlockMemoryModel> kept =
        buildFunctionMemoryModel(function, extraction);
    if (failed(kept))
      return fail("the rewritten function cannot be modelled");
    if (annotated)
      annotateLifetimes(*kept);
    SummaryExtras extras = SummaryExtras::from(getSummary(function));
    extras.algorithm = "partition-concat+" + after.algorithm;
    extras.status = SolveStatus::feasible;
    extras.lowerBoundBytes.reset();
    extras.inputPeakBytes = before.inputPeakBytes;
    extras.scheduleTimeUs.reset();
    if (recordTimes)
      extras.scheduleTimeUs = int64_t((inputSeconds + after.seconds) * 1e6);
    extras.segments = after.segments;
    extras.optimalSegments = after.optimalSegments;
    extras.arenaBytes.reset();
    extras.arenaAlgorithm.reset();
    extras.arenaStatus.reset();
    extras.arenaTimeUs.reset();
    SummaryAttr summary = buildSummary(*kept, options.model, extras);
    if (summary.getPeakBytes() != after.peakBytes) {
      function->emitError()
          << "memopt-partition-concat: the rewritten body peaks at "
          << summary.getPeakBytes() << " bytes, not the scheduled "
          << after.peakBytes;
      return failure();
    }
    function->setAttr(attr_names::kSummary, summary);
    Builder builder(function->getContext());
    int64_t opsAdded =
        int64_t(kept->graph.numNodes()) - int64_t(model->graph.numNodes());
    function->setAttr(
        attr_names::kConcatPartition,
        builder.getDictionaryAttr({
            builder.getNamedAttr("partitioned",
                                 builder.getI64IntegerAttr(removed.size())),
            builder.getNamedAttr("peak_before",
                                 builder.getI64IntegerAttr(before.peakBytes)),
            builder.getNamedAttr("peak_after",
                                 builder.getI64IntegerAttr(after.peakBytes)),
            builder.getNamedAttr("ops_added",
                                 builder.getI64IntegerAttr(opsAdded)),
        }));
    for (Location location : removed)
      emitRemark(location) << "memopt-partition-concat: concat partitioned";
    InFlightDiagnostic summaryRemark = emitRemark(function->getLoc());
    summaryRemark << "memopt-partition-concat: partitioned " << removed.size()
                  << " concats; scheduled peak " << before.peakBytes;
    if (before.status != ScheduleStatus::Optimal)
      summaryRemark << " (every order of the input needs at least "
                    << before.lowerBoundBytes << ")";
    summaryRemark << " -> " << after.peakBytes << " bytes; " << opsAdded
                  << " ops added";
    numConcatsPartitioned += removed.size();
    bytesSaved += std::max<int64_t>(0, before.peakBytes - after.peakBytes);
    return success();
  }
};

} // namespace
