//===- BlockMemoryModel.cpp - Extract a MemoryGraph from a block ----------===//

#include "memopt/Analysis/BlockMemoryModel.h"
#include "memopt/Dialect/ByteSize.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace memopt;

std::optional<unsigned>
BlockMemoryModel::getOwnValueId(Value value) const {
  auto it = valueIds.find(value);
  if (it == valueIds.end() || it->second.size() != 1 ||
      irValues[it->second.front()] != value)
    return std::nullopt;
  return it->second.front();
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
      "reshape",   "rsqrt",      "select",     "sigmoid",  "sign",
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
  // Reshapes only reinterpret their operand's bytes.
  if (isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp,
          tensor::ReshapeOp>(op))
    return true;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalgOp.hasPureTensorSemantics() && linalg::isElementwise(linalgOp);
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
      : options(options), model(model) {}

  LogicalResult run(FunctionOpInterface function);

private:
  EffectKind classifyEffects(Operation *op);
  LogicalResult addResults(Operation *op, unsigned node);
  void addUses(Operation *op, unsigned node);
  void addOrdering(Operation *op, unsigned node);
  std::optional<unsigned> addSizedValue(Value value, std::optional<unsigned> node,
                                        bool resident, Operation *reportOn);

  const ExtractionOptions &options;
  BlockMemoryModel &model;
  llvm::StringSet<> pureDialectsUsed;
  std::optional<unsigned> lastWriter;
  SmallVector<unsigned> readersSinceWriter;
};

} // namespace

/// Whether an unregistered op, with everything its regions hold, may be
/// treated as free of side effects.
static bool isAssumedPure(Operation *op, ArrayRef<std::string> pureDialects) {
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
    if (!isAssumedPure(op, options.pureDialects))
      return EffectKind::Write;
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
  if (size.isUnsupported() && options.allowUnsizedValues) {
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
  unsigned id = model.graph.addValue(size.isKnown() ? size.bytes : 0, node,
                                     resident);
  model.irValues.push_back(value);
  model.valueIds[value].push_back(id);
  return id;
}

/// The buffers a destination-style op writes its tensor result into: the
/// buffers of the tied init operand when this op is its only user, so that
/// the init dies here in every order and bufferization reuses its storage.
static std::optional<SmallVector<unsigned, 1>>
getReusedInitBuffers(OpResult result, const BlockMemoryModel &model) {
  auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner());
  if (!dps || !isa<TensorType>(result.getType()))
    return std::nullopt;
  OpOperand *init = dps.getTiedOpOperand(result);
  if (!init || !init->get().hasOneUse())
    return std::nullopt;
  auto it = model.valueIds.find(init->get());
  if (it == model.valueIds.end() || it->second.empty() ||
      llvm::any_of(it->second, [&](unsigned id) {
        return model.graph.value(id).resident;
      }))
    return std::nullopt;
  return it->second;
}

LogicalResult Extractor::addResults(Operation *op, unsigned node) {
  bool resident = producesResidentValues(op);
  for (OpResult result : op->getResults()) {
    if (std::optional<SmallVector<unsigned, 1>> reused =
            getReusedInitBuffers(result, model)) {
      model.valueIds[result] = std::move(*reused);
      continue;
    }
    // A memref that the op does not allocate aliases its memref operands.
    if (isa<BaseMemRefType>(result.getType()) && !resident &&
        !hasEffect<MemoryEffects::Allocate>(op, result)) {
      SmallVector<unsigned, 1> aliased;
      for (Value operand : op->getOperands()) {
        if (!isa<BaseMemRefType>(operand.getType()))
          continue;
        auto it = model.valueIds.find(operand);
        if (it != model.valueIds.end())
          llvm::append_range(aliased, it->second);
      }
      if (!aliased.empty() ||
          llvm::any_of(op->getOperandTypes(), llvm::IsaPred<BaseMemRefType>)) {
        model.valueIds[result] = std::move(aliased);
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
  Block &block = body.front();
  model.block = &block;
  for (BlockArgument argument : block.getArguments())
    if (!addSizedValue(argument, std::nullopt, /*resident=*/true, function))
      return failure();

  Operation *terminator =
      !block.empty() && block.back().hasTrait<OpTrait::IsTerminator>()
          ? &block.back()
          : nullptr;
  for (Operation &op : block) {
    if (&op == terminator)
      break;
    unsigned node = model.graph.addNode(op.getName().getStringRef().str(),
                                        isInPlaceCapable(&op));
    model.nodeOps.push_back(&op);
    addUses(&op, node);
    if (failed(addResults(&op, node)))
      return failure();
    addOrdering(&op, node);
  }
  if (terminator) {
    for (Value value : terminator->getOperands()) {
      auto it = model.valueIds.find(value);
      if (it == model.valueIds.end())
        continue;
      for (unsigned id : it->second)
        model.graph.markEscaping(id);
    }
  }
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
