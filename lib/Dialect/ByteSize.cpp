//===- ByteSize.cpp - Sizes of MLIR types in bytes ------------------------===//

#include "memopt/Dialect/ByteSize.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace memopt;

std::string ByteSize::describeProblem() const {
  switch (kind) {
  case Kind::Dynamic:
    return "has a dynamic shape";
  case Kind::Unranked:
    return "is unranked";
  case Kind::Overflow:
    return "has a size that overflows 64 bits";
  case Kind::Known:
  case Kind::Unsized:
    break;
  }
  return "has no storage size";
}

static ByteSize known(int64_t bytes) {
  return ByteSize{ByteSize::Kind::Known, bytes};
}

static ByteSize problem(ByteSize::Kind kind) { return ByteSize{kind, 0}; }

/// Bytes of one scalar element, or an unsized result for other types.
static ByteSize getElementByteSize(Type type) {
  if (type.isIndex())
    return known(8);
  if (auto complex = dyn_cast<ComplexType>(type)) {
    ByteSize part = getElementByteSize(complex.getElementType());
    if (!part.isKnown())
      return part;
    return known(2 * part.bytes);
  }
  if (type.isIntOrFloat())
    return known(llvm::divideCeil(type.getIntOrFloatBitWidth(), 8));
  return problem(ByteSize::Kind::Unsized);
}

ByteSize memopt::getByteSize(Type type) {
  if (auto tuple = dyn_cast<TupleType>(type)) {
    int64_t total = 0;
    for (Type element : tuple.getTypes()) {
      ByteSize size = getByteSize(element);
      if (size.isUnsupported())
        return size;
      if (size.isKnown() && llvm::AddOverflow(total, size.bytes, total))
        return problem(ByteSize::Kind::Overflow);
    }
    return known(total);
  }
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return getElementByteSize(type);
  if (!shaped.hasRank())
    return problem(ByteSize::Kind::Unranked);
  if (!shaped.hasStaticShape())
    return problem(ByteSize::Kind::Dynamic);
  ByteSize element = getElementByteSize(shaped.getElementType());
  if (!element.isKnown())
    return element;
  int64_t bytes = element.bytes;
  for (int64_t dim : shaped.getShape())
    if (llvm::MulOverflow(bytes, dim, bytes) || bytes > (INT64_MAX >> 1))
      return problem(ByteSize::Kind::Overflow);
  return known(bytes);
}
