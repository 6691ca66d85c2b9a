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
    /// A scalable vector, whose size is only known at run time.
    Scalable,
    /// The size does not fit in 63 bits.
    Overflow,
    /// The type holds `unknownType`, whose size memopt does not know.
    Unknown,
    /// A type that holds no data memopt tracks: tokens, `none`, functions,
    /// compile-time shapes, transform handles.
    Unsized,
  };
  Kind kind = Kind::Unsized;
  int64_t bytes = 0;
  /// The innermost type of unknown size (Kind::Unknown only).
  mlir::Type unknownType;

  bool isKnown() const { return kind == Kind::Known; }
  /// Whether memopt must refuse a block holding a value of this type.
  bool isUnsupported() const {
    return kind != Kind::Known && kind != Kind::Unsized;
  }
  /// A phrase naming the problem, e.g. "has a dynamic shape".
  std::string describeProblem() const;
};

/// Size of a value of `type` in bytes: elements times element bytes for
/// ranked static tensors, memrefs and vectors, whose elements may be vectors;
/// i1 takes one byte, index eight, complex two parts; tuples sum their
/// elements; `!async.value<T>` takes the size of `T`; types with a data
/// layout (the LLVM dialect's) take their default data-layout size. Every
/// other type is of unknown size, except the unsized ones of ByteSize::Kind.
ByteSize getByteSize(mlir::Type type);

} // namespace memopt

#endif // MEMOPT_DIALECT_BYTESIZE_H
