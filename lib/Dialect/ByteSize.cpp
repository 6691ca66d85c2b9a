//===- ByteSize.cpp - Sizes of MLIR types in bytes ------------------------===//

#include "memopt/Dialect/ByteSize.h"

#include "mlir/Dialect/Async/IR/AsyncTypes.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace memopt;

std::string ByteSize::describeProblem() const {
  switch (kind) {
  case Kind::Dynamic:
    return "has a dynamic shape";
  case Kind::Unranked:
    return "is unranked";
  case Kind::Scalable:
    return "is a scalable vector or holds one";
  case Kind::Overflow:
    return "has a size that overflows 64 bits";
  case Kind::Unknown: {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "holds '" << unknownType << "', whose size memopt does not know";
    return text;
  }
  case Kind::Known:
  case Kind::Unsized:
    break;
  }
  return "has no storage size";
}

static ByteSize known(int64_t bytes) {
  return ByteSize{ByteSize::Kind::Known, bytes, Type()};
}

static ByteSize problem(ByteSize::Kind kind) { return ByteSize{kind, 0, {}}; }

static ByteSize unknown(Type type) {
  return ByteSize{ByteSize::Kind::Unknown, 0, type};
}

/// Types that carry no data memopt tracks: `none`, functions, tokens of any
/// dialect (`!async.token`, `!stablehlo.token`, ...), shapes known at compile
/// time (`!tosa.shape<4>`) and transform or PDL handles.
static bool holdsNoData(Type type) {
  if (isa<NoneType, FunctionType, async::TokenType, async::GroupType>(type))
    return true;
  auto opaque = dyn_cast<OpaqueType>(type);
  if (isa<BuiltinDialect>(type.getDialect()) && !opaque)
    return false;
  StringRef dialect = opaque ? opaque.getDialectNamespace().getValue()
                             : type.getDialect().getNamespace();
  if (dialect == "transform" || dialect == "pdl")
    return true;
  // Dialect types have no common accessor for their name: read it printed,
  // without parameters.
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  StringRef name = StringRef(text).take_until([](char c) { return c == '<'; });
  return name.ends_with("token") || name.ends_with(".shape");
}

/// Size of a scalar: integers, floats, index and complex numbers.
static std::optional<int64_t> getScalarByteSize(Type type) {
  if (type.isIndex())
    return 8;
  if (auto complex = dyn_cast<ComplexType>(type)) {
    std::optional<int64_t> part = getScalarByteSize(complex.getElementType());
    if (!part)
      return std::nullopt;
    return 2 * *part;
  }
  if (type.isIntOrFloat())
    return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
  return std::nullopt;
}

/// Size of a ranked tensor, memref or vector: elements are scalars or, in
/// tensors and memrefs, vectors.
static ByteSize getShapedByteSize(ShapedType shaped) {
  if (!shaped.hasRank())
    return problem(ByteSize::Kind::Unranked);
  if (!shaped.hasStaticShape())
    return problem(ByteSize::Kind::Dynamic);
  if (auto vector = dyn_cast<VectorType>(shaped); vector && vector.isScalable())
    return problem(ByteSize::Kind::Scalable);
  Type elementType = shaped.getElementType();
  ByteSize element = known(0);
  if (std::optional<int64_t> scalar = getScalarByteSize(elementType))
    element = known(*scalar);
  else if (isa<VectorType>(elementType))
    element = getShapedByteSize(cast<ShapedType>(elementType));
  else
    // Memrefs of memrefs, tensors of dialect types: their layout in memory
    // depends on a lowering memopt does not know.
    return unknown(elementType);
  if (!element.isKnown())
    return element;
  int64_t bytes = element.bytes;
  // Half of the 64-bit range, so that sizes can be summed.
  for (int64_t dim : shaped.getShape())
    if (llvm::MulOverflow(bytes, dim, bytes) || bytes > (INT64_MAX >> 1))
      return problem(ByteSize::Kind::Overflow);
  return known(bytes);
}

ByteSize memopt::getByteSize(Type type) {
  if (std::optional<int64_t> scalar = getScalarByteSize(type))
    return known(*scalar);
  if (auto shaped = dyn_cast<ShapedType>(type))
    return getShapedByteSize(shaped);
  if (auto tuple = dyn_cast<TupleType>(type)) {
    int64_t total = 0;
    for (Type element : tuple.getTypes()) {
      ByteSize size = getByteSize(element);
      if (size.isUnsupported())
        return size;
      if (size.isKnown() && (llvm::AddOverflow(total, size.bytes, total) ||
                             total > (INT64_MAX >> 1)))
        return problem(ByteSize::Kind::Overflow);
    }
    return known(total);
  }
  if (auto value = dyn_cast<async::ValueType>(type))
    return getByteSize(value.getValueType());
  if (holdsNoData(type))
    return problem(ByteSize::Kind::Unsized);
  // The data layout gives an opaque struct no size rather than its own.
  if (auto structType = dyn_cast<LLVM::LLVMStructType>(type);
      structType && structType.isOpaque())
    return unknown(type);
  if (isa<DataLayoutTypeInterface>(type)) {
    llvm::TypeSize size = DataLayout().getTypeSize(type);
    if (size.isScalable())
      return problem(ByteSize::Kind::Scalable);
    if (size.getFixedValue() > uint64_t(INT64_MAX >> 1))
      return problem(ByteSize::Kind::Overflow);
    return known(size.getFixedValue());
  }
  return unknown(type);
}
