//===- BlockMemoryModel.cpp - Extract a MemoryGraph from a block ----------===//

#include "memopt/Analysis/BlockMemoryModel.h"
#include "memopt/Dialect/ByteSize.h"
#include "memopt/Dialect/MemOptDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace memopt;

std::optional<unsigned>
BlockMemoryModel::getOwnValueId(Value value) const {
  auto it = valueIds.find(value);
  if (it == valueIds.end() || it->second.size() != 1)
    return std::nullopt;
  unsigned id = it->second.front();
  if (irValues[id] != value && !writtenIntoInit.contains(value))
    return std::nullopt;
  return id;
}

namespace {

/// Lower-case operation name without its dialect prefix.
std::string getLowerCaseOpName(Operation *op) {
  return op->getName().stripDialect().lower();
}

/// Frontend ops that may run in place of an operand: elementwise arithmetic,
/// activations and conversions of mhlo, stablehlo, onnx, ttir and tosa. Names
/// are compared in lower case without the dialect prefix.
bool isFrontendElementwise(Operation *op) {
  static const llvm::StringSet<> names = {
      "abs",       "add",        "and",        "atan2",    "cbrt",
      "ceil",      "clamp",      "compare",    "convert",  "cosine",
      "cos",       "div",        "divide",     "elu",      "equal",
      "erf",       "exp",        "exponential", "exponential_minus_one",
      "floor",     "gelu",       "greater",    "leakyrelu", "less",
      "log",       "log_plus_one", "logistic", "max",      "maximum",
      "min",       "minimum",    "mul",        "multiply", "neg",
      "negate",    "not",        "or",         "pow",      "power",
      "reciprocal", "relu",      "remainder",  "round_nearest_even",
      "rsqrt",      "select",     "sigmoid",  "sign",
      "sine",
      "sin",       "softplus",   "sqrt",       "sub",      "subtract",
      "tanh",      "typecast",   "where",      "xor"};
  return names.contains(getLowerCaseOpName(op));
}

/// Whether a result of `op` may be written into the buffer of an operand.
bool isInPlaceCapable(Operation *op) {
  if (!op->isRegistered())
    return isFrontendElementwise(op);
  if (op->hasTrait<OpTrait::Elementwise>() ||
      op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>())
    return true;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalgOp.hasPureTensorSemantics() && linalg::isElementwise(linalgOp);
  return false;
}

/// The tensor whose bytes the result of `op` reinterprets or selects, if `op`
/// is a view: reshapes, casts and slices bufferize to views of their source
/// (`memref.collapse_shape`, `memref.cast`, `memref.subview`, ...) and
/// allocate nothing. Frontend reshapes, squeezes, flattens and bitcasts are
/// recognised by name when they keep the byte size of their first operand.
std::optional<Value> getViewSource(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0 ||
      op->getNumOperands() == 0 || !isa<TensorType>(op->getResultTypes()[0]))
    return std::nullopt;
  // tosa.slice lowers to tensor.extract_slice (tosa-to-tensor), which
  // bufferizes to a memref.subview.
  if (isa<tosa::ReshapeOp, tosa::SliceOp, tensor::CollapseShapeOp,
          tensor::ExpandShapeOp, tensor::ReshapeOp, tensor::CastOp,
          tensor::BitcastOp, tensor::ExtractSliceOp>(op))
    return op->getOperand(0);
  if (op->isRegistered())
    return std::nullopt;
  static const llvm::StringSet<> names = {
      "reshape", "squeeze", "unsqueeze", "flatten", "bitcast",
      "bitcast_convert", "expand_dims"};
  if (!names.contains(getLowerCaseOpName(op)))
    return std::nullopt;
  Value source = op->getOperand(0);
  ByteSize sourceSize = getByteSize(source.getType());
  ByteSize resultSize = getByteSize(op->getResultTypes()[0]);
  if (!isa<TensorType>(source.getType()) || !sourceSize.isKnown() ||
      !resultSize.isKnown() || sourceSize.bytes != resultSize.bytes)
    return std::nullopt;
  return source;
}

/// The values whose buffers the result of `op` holds, if `op` only groups
/// values or picks one out of a group: frontend (mhlo, stablehlo) `tuple` and
/// `get_tuple_element`. Tuples hold references to their elements, which XLA
/// and IREE never copy. An element picked from a tuple built here is that
/// element; from any other tuple, it may be any of the tuple's.
std::optional<SmallVector<Value>> getTupleSources(Operation *op) {
  if (op->isRegistered() || op->getNumResults() != 1 ||
      op->getNumRegions() != 0)
    return std::nullopt;
  std::string name = getLowerCaseOpName(op);
  if (name == "tuple" && isa<TupleType>(op->getResult(0).getType()))
    return SmallVector<Value>(op->getOperands());
  if (name != "get_tuple_element" || op->getNumOperands() != 1 ||
      !isa<TupleType>(op->getOperand(0).getType()))
    return std::nullopt;
  Operation *tuple = op->getOperand(0).getDefiningOp();
  auto index = op->getAttrOfType<IntegerAttr>("index");
  if (tuple && !tuple->isRegistered() && getLowerCaseOpName(tuple) == "tuple" &&
      index && index.getValue().ult(tuple->getNumOperands()))
    return SmallVector<Value>{tuple->getOperand(index.getInt())};
  return SmallVector<Value>{op->getOperand(0)};
}

/// Constant bounds of index values and of dimensions of shaped values:
/// ValueBoundsOpInterface, completed where its linear constraints cannot
/// express a bound. They say `max(a, b) >= a` but not `max(a, b) <=
/// max(ub(a), ub(b))`, so a band of `affine.max(affine.min(...), 0)` rows (the
/// clamps of tiled boundary bands) has no upper bound, nor has an `scf.if`
/// result whose branches yield values ValueBounds cannot order (a padded band
/// or a band of padding). Here the upper bound of each `affine.max` and
/// `scf.if` result and the lower bound of each `affine.min` and `scf.if`
/// result met in the constraints is added as a constant, computed the same
/// way from its expressions or yielded values.
class ClampedBounds : public ValueBoundsConstraintSet {
public:
  using Cache =
      llvm::DenseMap<std::tuple<Value, int64_t, int>, std::optional<int64_t>>;

  /// The constant bound (closed, for an upper bound) of `value`, of its
  /// dimension `dim` if it is shaped, or none.
  static std::optional<int64_t> ofValue(presburger::BoundType type, Value value,
                                        std::optional<int64_t> dim,
                                        Cache &cache) {
    auto key = std::make_tuple(value, dim.value_or(kIndexValue),
                               int(type == presburger::BoundType::UB));
    if (auto it = cache.find(key); it != cache.end())
      return it->second;
    // A query in progress has no bound: cycles (loop-carried sizes) end.
    cache[key] = std::nullopt;
    std::optional<int64_t> bound =
        dim ? ofVariable(type, Variable(value, *dim), cache)
            : ofVariable(type, Variable(value), cache);
    cache[key] = bound;
    return bound;
  }

private:
  /// As upstream, the constraints stop growing once the first column (the
  /// queried variable) has a constant bound.
  ClampedBounds(MLIRContext *context, presburger::BoundType type)
      : ValueBoundsConstraintSet(
            context, [type](Value, std::optional<int64_t>,
                            ValueBoundsConstraintSet &set) {
              return static_cast<ClampedBounds &>(set).isBounded(type);
            }) {}

  bool isBounded(presburger::BoundType type) {
    return cstr.getConstantBound64(type, 0).has_value();
  }

  static std::optional<int64_t> ofVariable(presburger::BoundType type,
                                           const Variable &variable,
                                           Cache &cache) {
    ClampedBounds set(variable.getContext(), type);
    int64_t pos =
        set.populateConstraints(variable.getMap(), variable.getOperands());
    if (std::optional<int64_t> bound = set.cstr.getConstantBound64(type, pos))
      return bound;
    bool clamped = false;
    // Columns added while clamping are clamped too.
    for (size_t next = 0; next < set.positionToValueDim.size(); ++next) {
      if (!set.positionToValueDim[next])
        continue;
      auto [column, columnDim] = *set.positionToValueDim[next];
      Operation *def = column.getDefiningOp();
      std::optional<int64_t> dim;
      if (columnDim != kIndexValue)
        dim = columnDim;
      // tensor.generate has no ValueBounds model: its sizes are its extents.
      if (auto generate = dyn_cast_or_null<tensor::GenerateOp>(def)) {
        RankedTensorType type = generate.getType();
        if (dim && type.isDynamicDim(*dim)) {
          Value extent =
              generate.getDynamicExtents()[type.getDynamicDimIndex(*dim)];
          set.bound(column)[*dim] == set.getExpr(extent);
          set.processWorklist();
          clamped = true;
        }
        continue;
      }
      if (!def ||
          !isa<affine::AffineMaxOp, affine::AffineMinOp, scf::IfOp>(def))
        continue;
      if (!isa<affine::AffineMinOp>(def))
        if (std::optional<int64_t> upper =
                ofDefinition(presburger::BoundType::UB, column, dim, cache)) {
          set.bound(column)[columnDim] <= *upper;
          clamped = true;
        }
      if (!isa<affine::AffineMaxOp>(def))
        if (std::optional<int64_t> lower =
                ofDefinition(presburger::BoundType::LB, column, dim, cache)) {
          set.bound(column)[columnDim] >= *lower;
          clamped = true;
        }
    }
    if (!clamped)
      return std::nullopt;
    return set.cstr.getConstantBound64(type, pos);
  }

  /// The bound of an `affine.max` (upper) or `affine.min` (lower) from those
  /// of its expressions, or of an `scf.if` result from the values its
  /// branches yield.
  static std::optional<int64_t> ofDefinition(presburger::BoundType type,
                                             Value value,
                                             std::optional<int64_t> dim,
                                             Cache &cache) {
    // Cached apart from the bounds of `value` itself, which use these.
    auto key = std::make_tuple(value, dim.value_or(kIndexValue),
                               int(type == presburger::BoundType::UB) + 2);
    if (auto it = cache.find(key); it != cache.end())
      return it->second;
    cache[key] = std::nullopt;
    std::optional<int64_t> bound = combineDefinition(type, value, dim, cache);
    cache[key] = bound;
    return bound;
  }

  static std::optional<int64_t> combineDefinition(presburger::BoundType type,
                                                  Value value,
                                                  std::optional<int64_t> dim,
                                                  Cache &cache) {
    bool upper = type == presburger::BoundType::UB;
    std::optional<int64_t> result;
    auto combine = [&](std::optional<int64_t> bound) {
      if (bound)
        result = !result ? *bound
                         : (upper ? std::max(*result, *bound)
                                  : std::min(*result, *bound));
      return bound.has_value();
    };
    Operation *def = value.getDefiningOp();
    if (auto ifOp = dyn_cast<scf::IfOp>(def)) {
      if (ifOp.getElseRegion().empty())
        return std::nullopt;
      unsigned number = cast<OpResult>(value).getResultNumber();
      for (Value yielded : {ifOp.thenYield().getOperand(number),
                            ifOp.elseYield().getOperand(number)})
        if (!combine(ofValue(type, yielded, dim, cache)))
          return std::nullopt;
      return result;
    }
    AffineMap map = isa<affine::AffineMaxOp>(def)
                        ? cast<affine::AffineMaxOp>(def).getMap()
                        : cast<affine::AffineMinOp>(def).getMap();
    for (unsigned i = 0; i < map.getNumResults(); ++i)
      if (!combine(ofVariable(
              type, Variable(map.getSubMap({i}), def->getOperands()), cache)))
        return std::nullopt;
    return result;
  }
};

/// Bytes of a tensor or memref of dynamic shape at most: each dynamic
/// dimension at its constant upper bound (ClampedBounds), as in the bands of
/// a tiled loop. None when a dimension has no such bound.
std::optional<int64_t> getBoundedByteSize(Value value,
                                          ClampedBounds::Cache &cache) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasRank() || !isa<TensorType, BaseMemRefType>(type))
    return std::nullopt;
  ByteSize element = getByteSize(type.getElementType());
  if (!element.isKnown())
    return std::nullopt;
  int64_t bytes = element.bytes;
  for (int64_t dim = 0; dim < type.getRank(); ++dim) {
    int64_t extent = type.getDimSize(dim);
    if (ShapedType::isDynamic(extent)) {
      std::optional<int64_t> bound =
          ClampedBounds::ofValue(presburger::BoundType::UB, value, dim, cache);
      if (!bound)
        return std::nullopt;
      extent = std::max<int64_t>(*bound, 0);
    }
    if (llvm::MulOverflow(bytes, extent, bytes))
      return std::nullopt;
  }
  return bytes;
}

/// Whether an op nested in the regions of `op` allocates a memref.
bool allocatesInRegions(Operation *op) {
  for (Region &region : op->getRegions()) {
    WalkResult result = region.walk([](Operation *nested) {
      for (Value value : nested->getResults())
        if (isa<BaseMemRefType>(value.getType()) &&
            hasEffect<MemoryEffects::Allocate>(nested, value))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return true;
  }
  return false;
}

/// Whether the results of `op` are resident: constants and global reads.
bool producesResidentValues(Operation *op) {
  if (op->getNumResults() == 0 || op->getNumRegions() != 0)
    return false;
  if (op->hasTrait<OpTrait::ConstantLike>())
    return true;
  std::string name = getLowerCaseOpName(op);
  return name == "constant" || name == "const" || name == "get_global" ||
         StringRef(name).starts_with("global_load");
}

/// Unregistered ops that keep their order even in a dialect listed as pure.
bool hasSideEffectsByName(Operation *op) {
  if (op->getName().getDialectNamespace() == "check")
    return true;
  std::string name = getLowerCaseOpName(op);
  return StringRef(name).contains("while") ||
         StringRef(name).contains("custom_call") ||
         StringRef(name).contains("rng") ||
         StringRef(name).contains("print") ||
         StringRef(name).contains("infeed") ||
         StringRef(name).contains("outfeed") ||
         StringRef(name).contains("send") ||
         StringRef(name).contains("recv");
}

/// How an operation's memory effects constrain its order.
enum class EffectKind { None, Read, Write };

class Extractor {
public:
  Extractor(const ExtractionOptions &options, BlockMemoryModel &model)
      : options(options), model(model), nested(false), boundCache(ownCache) {}
  /// An extractor of a block nested in `parent`'s, inside a region op (see
  /// measureRegionPeak), sharing its bounds.
  Extractor(const Extractor &parent, BlockMemoryModel &model)
      : options(parent.options), model(model), nested(true),
        boundCache(parent.boundCache) {}

  LogicalResult run(FunctionOpInterface function);
  LogicalResult runNested(Block &block);

private:
  LogicalResult extractBlock(Block &block);
  LogicalResult addRegionScratch(Operation *op, unsigned node);
  FailureOr<int64_t> measureRegionPeak(Block &block, bool withYielded);
  EffectKind classifyEffects(Operation *op);
  LogicalResult addResults(Operation *op, unsigned node);
  void addUses(Operation *op, unsigned node);
  void addOrdering(Operation *op, unsigned node);
  std::optional<unsigned> addSizedValue(Value value, std::optional<unsigned> node,
                                        bool resident, Operation *reportOn);

  std::optional<SmallVector<unsigned, 1>> getReusedInitBuffers(OpResult result);
  bool othersRunBefore(OpOperand &init);
  std::optional<SmallVector<unsigned, 1>>
  getCarriedMemrefBuffers(OpResult result);

  const ExtractionOptions &options;
  BlockMemoryModel &model;
  /// Reading a region's block: only tensors and memrefs hold bytes, sizes
  /// memopt cannot know count 0, and block arguments are carried buffers.
  bool nested;
  /// Buffers of the block's arguments in a nested block (iter_args): counted
  /// by the enclosing op, and written in place by destination-style ops.
  llvm::DenseSet<unsigned> carriedBuffers;
  /// The node of each operation of the block.
  llvm::DenseMap<Operation *, unsigned> nodeOfOp;
  /// The SSA value whose contents each buffer holds now: its defining value,
  /// then each destination-style result written into it.
  llvm::DenseMap<unsigned, Value> holderOfBuffer;
  /// Buffers read through a view: writing into them would change the view.
  llvm::DenseSet<unsigned> viewedBuffers;
  /// Constant bounds of the dynamic sizes met in nested blocks, shared by
  /// the extractors of a function's nested blocks: the IR does not change
  /// while they run.
  ClampedBounds::Cache ownCache;
  ClampedBounds::Cache &boundCache;
  /// Sum of all value sizes so far; every partial sum of sizes then fits.
  int64_t totalBytes = 0;
  /// Whether the function's caller allocates its results' buffers
  /// (memopt.caller_allocated_results).
  bool callerAllocatesResults = false;
  llvm::StringSet<> pureDialectsUsed;
  llvm::StringMap<unsigned> barrierOpsByDialect;
  std::optional<unsigned> lastWriter;
  SmallVector<unsigned> readersSinceWriter;
};

} // namespace

bool memopt::isAssumedPure(Operation *op, ArrayRef<std::string> pureDialects) {
  WalkResult result = op->walk([&](Operation *nested) {
    bool pure =
        nested->isRegistered()
            ? isMemoryEffectFree(nested)
            : !hasSideEffectsByName(nested) &&
                  llvm::is_contained(pureDialects,
                                     nested->getName().getDialectNamespace());
    return pure ? WalkResult::advance() : WalkResult::interrupt();
  });
  return !result.wasInterrupted();
}

EffectKind Extractor::classifyEffects(Operation *op) {
  if (!op->isRegistered()) {
    if (!isAssumedPure(op, options.pureDialects)) {
      // Count the barriers that listing their dialect as pure would free.
      StringRef dialect = op->getName().getDialectNamespace();
      if (!llvm::is_contained(options.pureDialects, dialect) &&
          !hasSideEffectsByName(op))
        ++barrierOpsByDialect[dialect];
      return EffectKind::Write;
    }
    pureDialectsUsed.insert(op->getName().getDialectNamespace());
    return EffectKind::None;
  }
  if (isMemoryEffectFree(op))
    return EffectKind::None;
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  if (!effects)
    return EffectKind::Write;
  EffectKind kind = EffectKind::None;
  for (const MemoryEffects::EffectInstance &effect : *effects) {
    // Allocating a result orders nothing: its users already depend on it.
    if (isa<MemoryEffects::Allocate>(effect.getEffect()) && effect.getValue() &&
        effect.getValue().getDefiningOp() == op)
      continue;
    if (isa<MemoryEffects::Read>(effect.getEffect())) {
      kind = std::max(kind, EffectKind::Read);
      continue;
    }
    return EffectKind::Write;
  }
  return kind;
}

std::optional<unsigned> Extractor::addSizedValue(Value value,
                                                 std::optional<unsigned> node,
                                                 bool resident,
                                                 Operation *reportOn) {
  ByteSize size = getByteSize(value.getType());
  if (nested && !isa<TensorType, BaseMemRefType>(value.getType())) {
    // Scalars and vectors inside a region live in registers.
    size = ByteSize();
  } else if (nested && size.isUnsupported()) {
    std::optional<int64_t> bound = getBoundedByteSize(value, boundCache);
    size = ByteSize();
    if (bound) {
      size.kind = ByteSize::Kind::Known;
      size.bytes = *bound;
    }
  } else if (size.isUnsupported() && options.allowUnsizedValues) {
    model.unsizedValues.insert(value);
  } else if (size.isUnsupported()) {
    InFlightDiagnostic diag = reportOn->emitWarning();
    if (auto result = dyn_cast<OpResult>(value))
      diag << "memopt cannot model result #" << result.getResultNumber();
    else
      diag << "memopt cannot model argument #"
           << cast<BlockArgument>(value).getArgNumber();
    diag << " of type " << value.getType() << ": it " << size.describeProblem()
         << "; the function is left unchanged";
    return std::nullopt;
  }
  int64_t bytes = size.isKnown() ? size.bytes : 0;
  // Below 2^62, every sum of sizes, offsets and alignment padding fits.
  if (llvm::AddOverflow(totalBytes, bytes, totalBytes) ||
      totalBytes > (int64_t(1) << 62)) {
    reportOn->emitWarning()
        << "memopt cannot model this function: the sizes of its values add "
           "up to more than 2^62 bytes; the function is left unchanged";
    return std::nullopt;
  }
  unsigned id = model.graph.addValue(bytes, node, resident);
  model.irValues.push_back(value);
  model.valueIds[value].push_back(id);
  holderOfBuffer[id] = value;
  return id;
}

/// The buffer a destination-style op or a loop writes its tensor result
/// into: the buffer of the tied init (a loop's iter_arg init) when this op is
/// the init's last reader in every order (othersRunBefore) and the init holds
/// that buffer alone (no view reads it), so that the init dies here in every
/// order and bufferization writes in place. The result is then a new SSA
/// value in the same storage; its users still depend on this op. A
/// loop-carried value thus holds one buffer
/// for the whole loop. Inside a loop body, writes into the carried buffer or
/// a slice of it (tiled loops insert each tile into their iter_arg) stay in
/// that buffer, which the loop op counts.
std::optional<SmallVector<unsigned, 1>>
Extractor::getReusedInitBuffers(OpResult result) {
  if (!isa<TensorType>(result.getType()))
    return std::nullopt;
  OpOperand *init = nullptr;
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner()))
    init = dps.getTiedOpOperand(result);
  else if (auto loop = dyn_cast<LoopLikeOpInterface>(result.getOwner());
           loop && loop.getLoopResults())
    init = loop.getTiedLoopInit(result);
  if (!init)
    return std::nullopt;
  auto it = model.valueIds.find(init->get());
  if (it == model.valueIds.end() || it->second.size() != 1)
    return std::nullopt;
  unsigned buffer = it->second.front();
  if (carriedBuffers.contains(buffer))
    return it->second;
  if (!othersRunBefore(*init) || model.graph.value(buffer).resident ||
      viewedBuffers.contains(buffer) ||
      holderOfBuffer.lookup(buffer) != init->get())
    return std::nullopt;
  return it->second;
}

/// Whether every other reader of `init` runs before its owner in every
/// order: it feeds the owner through SSA uses (the boundary rows a band
/// copies back into its carry, read before). The owner is then its last
/// reader, as if it were the only one, and bufferization writes in place.
bool Extractor::othersRunBefore(OpOperand &init) {
  Operation *owner = init.getOwner();
  auto ownerNode = nodeOfOp.find(owner);
  if (ownerNode == nodeOfOp.end())
    return false;
  llvm::DenseSet<unsigned> ancestors;
  bool collected = false;
  for (OpOperand &use : init.get().getUses()) {
    if (&use == &init)
      continue;
    Operation *user = model.block->findAncestorOpInBlock(*use.getOwner());
    auto userNode = user ? nodeOfOp.find(user) : nodeOfOp.end();
    if (user == owner || userNode == nodeOfOp.end())
      return false;
    if (!collected) {
      SmallVector<unsigned> stack = {ownerNode->second};
      while (!stack.empty())
        for (unsigned pred : model.graph.node(stack.pop_back_val()).preds)
          if (ancestors.insert(pred).second)
            stack.push_back(pred);
      collected = true;
    }
    if (!ancestors.contains(userNode->second))
      return false;
  }
  return true;
}

/// The buffers of the init of a loop's memref result when every iteration
/// yields the iter_arg itself: the result is the init.
std::optional<SmallVector<unsigned, 1>>
Extractor::getCarriedMemrefBuffers(OpResult result) {
  auto loop = dyn_cast<LoopLikeOpInterface>(result.getOwner());
  if (!loop || !loop.getLoopResults() ||
      !isa<BaseMemRefType>(result.getType()))
    return std::nullopt;
  BlockArgument iterArg = loop.getTiedLoopRegionIterArg(result);
  OpOperand *yielded = iterArg ? loop.getTiedLoopYieldedValue(iterArg) : nullptr;
  OpOperand *init = loop.getTiedLoopInit(result);
  if (!yielded || !init || yielded->get() != iterArg)
    return std::nullopt;
  auto it = model.valueIds.find(init->get());
  if (it == model.valueIds.end())
    return std::nullopt;
  return it->second;
}

/// The peak of the activation bytes `block` holds while it runs, in its
/// order: values defined inside it, with their own scratch. What the block
/// captures is counted by the op that owns it; what it yields too, unless
/// `withYielded`: then a yielded value it defines is live from its producer
/// to the end of the block, and the peak is returned less their bytes (the
/// op counts them as its results).
FailureOr<int64_t> Extractor::measureRegionPeak(Block &block,
                                                bool withYielded) {
  BlockMemoryModel inner;
  Extractor extractor(*this, inner);
  if (failed(extractor.runNested(block)))
    return failure();
  const MemoryGraph &graph = inner.graph;
  if (graph.numNodes() == 0)
    return int64_t(0);
  std::vector<unsigned> order = inputOrder(graph);
  std::vector<Lifetime> lifetimes = computeLifetimes(graph, order);
  std::vector<int64_t> delta(order.size() + 1, 0);
  int64_t yielded = 0;
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    if (value.resident || (value.escapes && !withYielded))
      continue;
    if (value.escapes)
      yielded += value.size;
    unsigned end = value.escapes ? order.size() - 1 : lifetimes[id].end;
    delta[lifetimes[id].start] += value.size;
    delta[end + 1] -= value.size;
  }
  int64_t live = 0, peak = 0;
  for (unsigned step = 0; step < order.size(); ++step) {
    live += delta[step];
    peak = std::max(peak, live);
  }
  return peak - yielded;
}

/// Charges `node` with the largest peak of any block of its regions (only
/// one region's block runs at a time), recursively, as a scratch value.
/// The results of an op that is not a loop (`scf.if`) are the values its
/// branches yield, allocated in the branch that runs, where they live
/// together with what the branch still holds but not with what it held
/// before: a branch is charged its peak counting what it yields, less the
/// bytes of that (the op's results), not its peak on top of them.
LogicalResult Extractor::addRegionScratch(Operation *op, unsigned node) {
  bool yieldsResults = op->getNumResults() > 0 && !isa<LoopLikeOpInterface>(op);
  int64_t scratch = 0;
  for (Region &region : op->getRegions())
    for (Block &block : region) {
      FailureOr<int64_t> peak = measureRegionPeak(block, yieldsResults);
      if (failed(peak))
        return failure();
      scratch = std::max(scratch, *peak);
    }
  if (scratch == 0)
    return success();
  if (llvm::AddOverflow(totalBytes, scratch, totalBytes) ||
      totalBytes > (int64_t(1) << 62)) {
    op->emitWarning()
        << "memopt cannot model this function: the sizes of its values add "
           "up to more than 2^62 bytes; the function is left unchanged";
    return failure();
  }
  model.graph.addScratch(node, scratch);
  // Keeps irValues parallel to the graph's values; scratch has no SSA value.
  model.irValues.push_back(Value());
  return success();
}

LogicalResult Extractor::addResults(Operation *op, unsigned node) {
  bool resident = producesResidentValues(op);
  // `tensor.empty` only gives a shape: the op that writes into it allocates.
  // Bufferization allocates it where it stands when something reads it (a
  // pooling window, a slice), which then counts as its own buffer.
  if (isa<tensor::EmptyOp>(op) &&
      llvm::all_of(op->getResult(0).getUses(), [](OpOperand &use) {
        Operation *user = use.getOwner();
        if (auto dps = dyn_cast<DestinationStyleOpInterface>(user))
          return dps.isDpsInit(&use);
        auto loop = dyn_cast<LoopLikeOpInterface>(user);
        return loop && loop.getLoopResults() &&
               llvm::is_contained(loop.getInitsMutable(), use);
      })) {
    model.valueIds[op->getResult(0)] = {};
    return success();
  }
  if (std::optional<Value> source = getViewSource(op)) {
    SmallVector<unsigned, 1> aliased = model.valueIds.lookup(*source);
    viewedBuffers.insert(aliased.begin(), aliased.end());
    model.valueIds[op->getResult(0)] = std::move(aliased);
    return success();
  }
  if (std::optional<SmallVector<Value>> sources = getTupleSources(op)) {
    SmallVector<unsigned, 1> aliased;
    for (Value source : *sources)
      llvm::append_range(aliased, model.valueIds.lookup(source));
    llvm::sort(aliased);
    aliased.erase(llvm::unique(aliased), aliased.end());
    viewedBuffers.insert(aliased.begin(), aliased.end());
    model.valueIds[op->getResult(0)] = std::move(aliased);
    return success();
  }
  for (OpResult result : op->getResults()) {
    if (std::optional<SmallVector<unsigned, 1>> reused =
            getReusedInitBuffers(result)) {
      holderOfBuffer[reused->front()] = result;
      model.writtenIntoInit.insert(result);
      model.valueIds[result] = std::move(*reused);
      continue;
    }
    // A loop that yields its iter_arg unchanged (a bufferized tiled loop
    // writing its bands into it) returns its init's buffer.
    if (std::optional<SmallVector<unsigned, 1>> carried =
            getCarriedMemrefBuffers(result)) {
      viewedBuffers.insert(carried->begin(), carried->end());
      model.valueIds[result] = std::move(*carried);
      continue;
    }
    // A memref that the op does not allocate aliases its memref operands.
    // Regions may yield any memref they capture, so those count too.
    if (isa<BaseMemRefType>(result.getType()) && !resident &&
        !hasEffect<MemoryEffects::Allocate>(op, result)) {
      llvm::SetVector<Value> reachable(op->getOperands().begin(),
                                       op->getOperands().end());
      getUsedValuesDefinedAbove(op->getRegions(), reachable);
      SmallVector<unsigned, 1> aliased;
      bool readsMemrefs = false;
      for (Value value : reachable) {
        if (!isa<BaseMemRefType>(value.getType()))
          continue;
        readsMemrefs = true;
        auto it = model.valueIds.find(value);
        if (it != model.valueIds.end())
          llvm::append_range(aliased, it->second);
      }
      // A region may also yield a buffer it allocates: then the result is
      // new bytes as well as an alias of what the op reads.
      if (readsMemrefs && !allocatesInRegions(op)) {
        viewedBuffers.insert(aliased.begin(), aliased.end());
        model.valueIds[result] = std::move(aliased);
        continue;
      }
      if (readsMemrefs) {
        std::optional<unsigned> own =
            addSizedValue(result, node, resident, op);
        if (!own)
          return failure();
        viewedBuffers.insert(aliased.begin(), aliased.end());
        model.valueIds[result].append(aliased.begin(), aliased.end());
        continue;
      }
    }
    if (!addSizedValue(result, node, resident, op))
      return failure();
  }
  return success();
}

void Extractor::addUses(Operation *op, unsigned node) {
  llvm::SetVector<Value> used(op->getOperands().begin(),
                              op->getOperands().end());
  getUsedValuesDefinedAbove(op->getRegions(), used);
  for (Value value : used) {
    // Data dependences follow the SSA values, whatever storage they share.
    if (Operation *definingOp = value.getDefiningOp()) {
      auto producer = nodeOfOp.find(definingOp);
      if (producer != nodeOfOp.end())
        model.graph.addOrderingEdge(producer->second, node);
    }
    auto it = model.valueIds.find(value);
    if (it == model.valueIds.end())
      continue;
    for (unsigned id : it->second)
      model.graph.addUse(id, node);
  }
}

void Extractor::addOrdering(Operation *op, unsigned node) {
  EffectKind kind = classifyEffects(op);
  if (kind == EffectKind::None)
    return;
  ++model.numEffectfulOps;
  if (lastWriter)
    model.graph.addOrderingEdge(*lastWriter, node);
  if (kind == EffectKind::Read) {
    readersSinceWriter.push_back(node);
    return;
  }
  for (unsigned reader : readersSinceWriter)
    model.graph.addOrderingEdge(reader, node);
  readersSinceWriter.clear();
  lastWriter = node;
}

LogicalResult Extractor::run(FunctionOpInterface function) {
  Region &body = function.getFunctionBody();
  if (body.empty())
    return failure();
  if (!body.hasOneBlock()) {
    function->emitWarning()
        << "memopt models single-block function bodies; this one has "
        << llvm::range_size(body) << " blocks and is left unchanged";
    return failure();
  }
  if (auto regionKinds =
          dyn_cast<RegionKindInterface>(function.getOperation());
      regionKinds &&
      regionKinds.getRegionKind(body.getRegionNumber()) == RegionKind::Graph) {
    function->emitWarning()
        << "memopt models SSA-ordered function bodies; this one is a graph "
           "region, whose operations have no order, and is left unchanged";
    return failure();
  }
  Block &block = body.front();
  for (BlockArgument argument : block.getArguments())
    if (!addSizedValue(argument, std::nullopt, /*resident=*/true, function))
      return failure();
  callerAllocatesResults =
      function->hasAttr(attr_names::kCallerAllocatedResults);
  return extractBlock(block);
}

LogicalResult Extractor::runNested(Block &block) {
  Operation *owner = block.getParentOp();
  for (BlockArgument argument : block.getArguments()) {
    std::optional<unsigned> id =
        addSizedValue(argument, std::nullopt, /*resident=*/true, owner);
    if (!id)
      return failure();
    carriedBuffers.insert(*id);
  }
  return extractBlock(block);
}

LogicalResult Extractor::extractBlock(Block &block) {
  model.block = &block;
  // The last op stays last unless it is known not to be a terminator: an
  // unregistered op may be one.
  if (!block.empty() &&
      block.back().mightHaveTrait<OpTrait::IsTerminator>())
    model.terminator = &block.back();
  for (Operation &op : block) {
    if (&op == model.terminator)
      break;
    unsigned node = model.graph.addNode(op.getName().getStringRef().str(),
                                        isInPlaceCapable(&op));
    model.nodeOps.push_back(&op);
    nodeOfOp[&op] = node;
    addUses(&op, node);
    if (failed(addResults(&op, node)) || failed(addRegionScratch(&op, node)))
      return failure();
    addOrdering(&op, node);
  }
  if (model.terminator) {
    llvm::SetVector<Value> escaping(model.terminator->getOperands().begin(),
                                    model.terminator->getOperands().end());
    getUsedValuesDefinedAbove(model.terminator->getRegions(), escaping);
    for (Value value : escaping) {
      auto it = model.valueIds.find(value);
      if (it == model.valueIds.end())
        continue;
      // A result that defines its own buffer is written into the caller's;
      // a view still needs the buffer it views.
      bool callerAllocated =
          callerAllocatesResults && !nested &&
          llvm::is_contained(model.terminator->getOperands(), value) &&
          it->second.size() == 1 && model.irValues[it->second[0]] == value &&
          isa<OpResult>(value);
      for (unsigned id : it->second) {
        if (callerAllocated)
          model.graph.markResident(id);
        else
          model.graph.markEscaping(id);
      }
    }
  }
  for (const auto &entry : barrierOpsByDialect)
    model.barrierOpsByDialect.push_back(
        {entry.getKey().str(), entry.getValue()});
  llvm::sort(model.barrierOpsByDialect);
  for (const auto &entry : pureDialectsUsed)
    model.assumedPureDialects.push_back(entry.getKey().str());
  llvm::sort(model.assumedPureDialects);
  return success();
}

FailureOr<BlockMemoryModel>
memopt::buildFunctionMemoryModel(FunctionOpInterface function,
                                 const ExtractionOptions &options) {
  BlockMemoryModel model;
  Extractor extractor(options, model);
  if (failed(extractor.run(function)))
    return failure();
  return model;
}
