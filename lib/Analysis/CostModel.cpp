//===- CostModel.cpp - Compute cost of an operation -----------------------===//

#include "memopt/Analysis/CostModel.h"
#include "memopt/Dialect/MemOptDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using namespace memopt;

namespace {
/// `a * b`, at most kMaxComputeCost.
int64_t multiply(int64_t a, int64_t b) {
  bool overflow = false;
  uint64_t product = llvm::SaturatingMultiply<uint64_t>(a, b, &overflow);
  return overflow || product > uint64_t(kMaxComputeCost) ? kMaxComputeCost
                                                         : int64_t(product);
}

/// The statically shaped type of `value`, or null.
ShapedType getStaticType(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  return type && type.hasStaticShape() ? type : ShapedType();
}

int64_t numElements(Value value) {
  ShapedType type = getStaticType(value);
  return type ? type.getNumElements() : 0;
}

int64_t numResultElements(Operation *op) {
  int64_t total = 0;
  for (Value result : op->getResults())
    total = std::min(total + numElements(result), kMaxComputeCost);
  return total;
}

/// The printed form of attribute `name` of `op`: the structured attributes of
/// unregistered dialects (`#mhlo.conv<...>`) are opaque and only printable.
std::string printAttribute(Operation *op, StringRef name) {
  std::string text;
  if (Attribute attr = op->getAttr(name)) {
    llvm::raw_string_ostream os(text);
    os << attr;
  }
  return text;
}

/// The integers of a comma-separated list.
SmallVector<int64_t> parseIntegers(StringRef list) {
  SmallVector<int64_t> numbers;
  SmallVector<StringRef> parts;
  list.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int64_t number;
    if (!part.trim().getAsInteger(10, number))
      numbers.push_back(number);
  }
  return numbers;
}

/// The kernel dimension holding the output features of a stablehlo/mhlo
/// convolution, from `dimension_numbers` in its compact
/// (`[b, 0, 1, f]x[0, 1, i, o]->[b, 0, 1, f]`) or long
/// (`kernel_output_feature_dimension = 3`) form.
std::optional<unsigned> getHloKernelOutputDim(Operation *op) {
  std::string numbers = printAttribute(op, "dimension_numbers");
  SmallVector<StringRef> matches;
  if (llvm::Regex("kernel_output_feature_dimension = ([0-9]+)")
          .match(numbers, &matches))
    return unsigned(parseIntegers(matches[1]).front());
  if (!llvm::Regex("\\]x\\[([^]]*)\\]").match(numbers, &matches))
    return std::nullopt;
  SmallVector<StringRef> dims;
  matches[1].split(dims, ',');
  for (auto [index, dim] : llvm::enumerate(dims))
    if (dim.trim() == "o")
      return unsigned(index);
  return std::nullopt;
}

/// The product of the lhs dimensions a stablehlo/mhlo dot_general contracts.
std::optional<int64_t> getDotGeneralContraction(Operation *op,
                                                ShapedType lhs) {
  SmallVector<StringRef> matches;
  if (!llvm::Regex("lhs_contracting_dimensions = \\[([0-9, ]*)\\]")
           .match(printAttribute(op, "dot_dimension_numbers"), &matches))
    return std::nullopt;
  int64_t size = 1;
  for (int64_t dim : parseIntegers(matches[1])) {
    if (dim < 0 || dim >= lhs.getRank())
      return std::nullopt;
    size = multiply(size, lhs.getDimSize(dim));
  }
  return size;
}

/// Whether an integer attribute `name` of `op` is set and non-zero.
bool hasFlag(Operation *op, StringRef name) {
  if (auto flag = op->getAttrOfType<IntegerAttr>(name))
    return !flag.getValue().isZero();
  if (auto flag = op->getAttrOfType<BoolAttr>(name))
    return flag.getValue();
  return false;
}

/// FLOPs of a convolution of tosa, stablehlo/mhlo, onnx or ttir, or nothing
/// when `op` is none or its shapes are unknown.
std::optional<int64_t> getConvolutionCost(Operation *op, StringRef dialect,
                                          StringRef name) {
  if (!name.contains("conv") || op->getNumOperands() < 2 ||
      op->getNumResults() < 1)
    return std::nullopt;
  ShapedType input = getStaticType(op->getOperand(0));
  ShapedType filter = getStaticType(op->getOperand(1));
  ShapedType output = getStaticType(op->getResult(0));
  if (!input || !filter || !output || filter.getRank() == 0 ||
      output.getRank() == 0)
    return std::nullopt;
  int64_t filterElements = filter.getNumElements();
  auto flops = [&](int64_t elements, int64_t channels) -> int64_t {
    if (channels <= 0)
      return 0;
    return multiply(2, multiply(elements, filterElements / channels));
  };
  if (name.contains("transpose")) {
    // Every input element meets the filter's elements of its channel:
    // tosa [OC, KH, KW, IC]; onnx [C, M/g, kH, kW]; ttir [I, O/g, KH, KW].
    int64_t inputChannels = dialect == "tosa" ? filter.getShape().back()
                                              : filter.getDimSize(0);
    return flops(input.getNumElements(), inputChannels);
  }
  int64_t outputChannels = filter.getDimSize(0);
  if (name == "depthwise_conv2d")
    // tosa [KH, KW, C, M] makes C x M output channels.
    outputChannels = output.getShape().back();
  if (dialect == "stablehlo" || dialect == "mhlo") {
    std::optional<unsigned> dim = getHloKernelOutputDim(op);
    if (!dim || *dim >= filter.getRank())
      return std::nullopt;
    outputChannels = filter.getDimSize(*dim);
  }
  return flops(output.getNumElements(), outputChannels);
}

/// FLOPs of a matrix product, or nothing when `op` is none or its shapes are
/// unknown.
std::optional<int64_t> getMatmulCost(Operation *op, StringRef name) {
  static const llvm::StringSet<> names = {
      "matmul", "batch_matmul", "batchmatmul", "dot", "dot_general",
      "fully_connected", "linear", "gemm"};
  if (!names.contains(name) || op->getNumOperands() < 2 ||
      op->getNumResults() < 1)
    return std::nullopt;
  ShapedType lhs = getStaticType(op->getOperand(0));
  ShapedType output = getStaticType(op->getResult(0));
  if (!lhs || !output || lhs.getRank() == 0)
    return std::nullopt;
  int64_t contracted = lhs.getShape().back();
  if (name == "dot_general") {
    std::optional<int64_t> size = getDotGeneralContraction(op, lhs);
    if (!size)
      return std::nullopt;
    contracted = *size;
  } else if (lhs.getRank() >= 2 &&
             (hasFlag(op, "transA") || hasFlag(op, "transpose_a"))) {
    // onnx Gemm and ttir matmul/linear may read the lhs transposed.
    contracted = lhs.getDimSize(lhs.getRank() - 2);
  }
  return multiply(2, multiply(output.getNumElements(), contracted));
}

/// The iteration space of a linalg op, doubled for a multiply-add per
/// iteration; nothing when its loop ranges are not static.
std::optional<int64_t> getLinalgCost(linalg::LinalgOp op) {
  int64_t iterations = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return std::nullopt;
    iterations = multiply(iterations, range);
  }
  bool pooling = op->getName().getStringRef().contains("pooling");
  if (!pooling && (linalg::isaContractionOpInterface(op) ||
                   linalg::isaConvolutionOpInterface(op)))
    return multiply(2, iterations);
  return iterations;
}

bool isReduction(StringRef dialect, StringRef name) {
  static const llvm::StringSet<> ttirReductions = {"sum", "mean", "max",
                                                   "min", "prod", "argmax"};
  return name.contains("reduce") || name.contains("pool") ||
         name.starts_with("argm") ||
         (dialect == "ttir" && ttirReductions.contains(name));
}

bool isFree(StringRef name) {
  static const llvm::StringSet<> names = {
      "constant", "const", "empty", "reshape", "expand_shape",
      "collapse_shape", "squeeze", "unsqueeze", "bitcast", "identity"};
  return names.contains(name);
}
} // namespace

int64_t memopt::estimateComputeCost(Operation *op) {
  if (isa<ViewLikeOpInterface>(op) || op->hasTrait<OpTrait::ConstantLike>())
    return 0;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    if (std::optional<int64_t> cost = getLinalgCost(linalgOp))
      return *cost;
  StringRef dialect = op->getName().getDialectNamespace();
  std::string name = op->getName().stripDialect().lower();
  if (isFree(name))
    return 0;
  if (std::optional<int64_t> cost = getConvolutionCost(op, dialect, name))
    return *cost;
  if (std::optional<int64_t> cost = getMatmulCost(op, name))
    return *cost;
  if (isReduction(dialect, name) && op->getNumOperands() > 0)
    return numElements(op->getOperand(0));
  return numResultElements(op);
}

int64_t memopt::getComputeCost(Operation *op) {
  if (auto cost = op->getAttrOfType<IntegerAttr>(attr_names::kCost)) {
    const APInt &value = cost.getValue();
    if (value.isNegative())
      return 0;
    return value.getActiveBits() >= 63
               ? kMaxComputeCost
               : std::min(int64_t(value.getZExtValue()), kMaxComputeCost);
  }
  return estimateComputeCost(op);
}
