//===- MemOptDialect.h - The memopt dialect ---------------------*- C++ -*-===//

#ifndef MEMOPT_DIALECT_MEMOPTDIALECT_H
#define MEMOPT_DIALECT_MEMOPTDIALECT_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "memopt/Dialect/MemOptDialect.h.inc"
#include "memopt/Dialect/MemOptEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "memopt/Dialect/MemOptAttrs.h.inc"

namespace memopt {

/// Names of the discardable attributes memopt attaches to operations.
namespace attr_names {
inline constexpr llvm::StringLiteral kLifetimes = "memopt.lifetimes";
inline constexpr llvm::StringLiteral kSizes = "memopt.sizes";
inline constexpr llvm::StringLiteral kResident = "memopt.resident";
inline constexpr llvm::StringLiteral kBuffers = "memopt.buffers";
inline constexpr llvm::StringLiteral kSummary = "memopt.summary";
inline constexpr llvm::StringLiteral kArenaSize = "memopt.arena_size";
/// On a function: #memopt.timeline attributes of the orders its body had
/// before the current one, oldest first.
inline constexpr llvm::StringLiteral kTimelines = "memopt.timelines";
/// User-given compute cost of one run of an op (memopt-remat).
inline constexpr llvm::StringLiteral kCost = "memopt.cost";
/// On a function: the #memopt.remat record of what memopt-remat did.
inline constexpr llvm::StringLiteral kRemat = "memopt.remat";
/// On an op cloned by memopt-remat: the index of the original in its block.
inline constexpr llvm::StringLiteral kRecomputedFrom = "memopt.recomputed_from";
/// On a function rewritten by memopt-partition-concat: a dictionary of what
/// the rewrite did (`partitioned`, `peak_before`, `peak_after`, `ops_added`).
inline constexpr llvm::StringLiteral kConcatPartition =
    "memopt.concat_partition";
/// On a function: the caller allocates the buffers of its results (as after
/// `buffer-results-to-out-params{hoist-static-allocs}`), so a result that
/// an op of the body defines takes no part in its activation peak.
inline constexpr llvm::StringLiteral kCallerAllocatedResults =
    "memopt.caller_allocated_results";
} // namespace attr_names

} // namespace memopt

#endif // MEMOPT_DIALECT_MEMOPTDIALECT_H
