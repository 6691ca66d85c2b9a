//===- OrderCheck.h - Check a reordered block against its IR ----*- C++ -*-===//
//
// Part of memopt. An independent check of a reordering, read off the IR
// itself rather than off memopt's memory model: every passes that moves
// operations (scheduling, and later rematerialization and rewrites) runs it
// before keeping its result.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_ANALYSIS_ORDERCHECK_H
#define MEMOPT_ANALYSIS_ORDERCHECK_H

#include "mlir/IR/Block.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace memopt {

/// Checks that the operations of `block` are a reordering of `inputOrder`
/// that keeps the input's meaning: each op comes after the ops of the block
/// that define the values it uses (in its regions too), ops with memory
/// effects keep their relative order unless both only read, and the last op
/// stays last if it may be a terminator. Effects are read from the ops'
/// interfaces; unregistered ops are treated as writing unless their dialect
/// is in `pureDialects` (the same assumption the user gave the pass).
/// Returns a description of the first violation.
std::optional<std::string>
checkReordering(mlir::Block &block, llvm::ArrayRef<mlir::Operation *> inputOrder,
                llvm::ArrayRef<std::string> pureDialects);

/// Moves the operations of `block` back into `inputOrder`.
void restoreOrder(mlir::Block &block,
                  llvm::ArrayRef<mlir::Operation *> inputOrder);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_ORDERCHECK_H
