//===- ByteSize.h - Sizes of MLIR types in bytes ----------------*- C++ -*-===//

#ifndef MEMOPT_DIALECT_BYTESIZE_H
#define MEMOPT_DIALECT_BYTESIZE_H

#include "mlir/IR/Types.h"

#include <cstdint>
#include <string>

namespace memopt {

/// The storage size of a type, or why it has none.
struct ByteSize {
  enum class Kind {
    /// `bytes` holds the size.
    Known,
    /// A shaped type with a dynamic dimension.
    Dynamic,
    /// An unranked tensor or memref.
    Unranked,
    /// The size does not fit in 63 bits.
    Overflow,
    /// A type that holds no data memopt tracks (tokens, shapes, functions).
    Unsized,
  };
  Kind kind = Kind::Unsized;
  int64_t bytes = 0;

  bool isKnown() const { return kind == Kind::Known; }
  /// Whether memopt must refuse a block holding a value of this type.
  bool isUnsupported() const {
    return kind == Kind::Dynamic || kind == Kind::Unranked ||
           kind == Kind::Overflow;
  }
  /// A phrase naming the problem, e.g. "has a dynamic shape".
  std::string describeProblem() const;
};

/// Size of a value of `type` in bytes: elements times element bytes for
/// ranked static tensors, memrefs and vectors; i1 takes one byte, index
/// eight, complex two parts; tuples sum their elements.
ByteSize getByteSize(mlir::Type type);

} // namespace memopt

#endif // MEMOPT_DIALECT_BYTESIZE_H
