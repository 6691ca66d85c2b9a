//===- ArenaAliases.h - Aliases of a body's allocations ---------*- C++ -*-===//
//
// Part of memopt. Follows every value that may point into the allocations of
// one block, through views, casts, calls, region results and unknown ops, to
// find where each allocation is used, whether its address can leave what the
// block controls, and which deallocations may free it. memopt-arena plans
// with it: a buffer may share bytes only with buffers whose uses, through
// any alias, never meet its own.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_ANALYSIS_ARENAALIASES_H
#define MEMOPT_ANALYSIS_ARENAALIASES_H

#include "mlir/IR/Block.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>
#include <utility>

namespace memopt {

/// What the uses of one allocation, through any alias, require.
struct AllocationUses {
  /// Why the allocation cannot move: its address escapes the block (returned,
  /// stored, converted to an integer or pointer, given to an unregistered op)
  /// or something other than `memref.dealloc` frees it.
  std::optional<std::string> blocker;
  /// The first and last steps (positions of ops in the block) that use it or
  /// an alias, counting the whole op for a use inside its regions. Nothing
  /// when it is never used. `memref.dealloc`s do not count.
  std::optional<std::pair<unsigned, unsigned>> steps;
};

/// A `memref.dealloc` of a value that may alias an allocation.
struct AliasedDealloc {
  mlir::Operation *dealloc = nullptr;
  /// The allocations (indices into the analysed list) it may free.
  llvm::BitVector allocations;
  /// Whether it may free memory other than those allocations.
  bool mayFreeOther = false;
};

/// The aliases of `allocations` (ops in `block` with one memref result) in
/// `block`: the body of a function, whose arguments may point anywhere.
struct ArenaAliases {
  /// Per allocation, in the order given.
  llvm::SmallVector<AllocationUses> uses;
  llvm::SmallVector<AliasedDealloc> deallocs;
};

ArenaAliases analyzeArenaAliases(mlir::Block &block,
                                 llvm::ArrayRef<mlir::Operation *> allocations);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_ARENAALIASES_H
