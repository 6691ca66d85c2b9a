//===- BlockMemoryModel.h - Extract a MemoryGraph from a block --*- C++ -*-===//
//
// Part of memopt. Builds the IR-free memory model of one block and keeps the
// mapping from its nodes and values back to operations and SSA values, so
// that passes can apply what a solver decides.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_ANALYSIS_BLOCKMEMORYMODEL_H
#define MEMOPT_ANALYSIS_BLOCKMEMORYMODEL_H

#include "memopt/Model/MemoryGraph.h"

#include "mlir/IR/Block.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace memopt {

/// How to read operations into the memory model.
struct ExtractionOptions {
  /// Dialects of unregistered operations that may be treated as free of side
  /// effects (e.g. mhlo, stablehlo, onnx, ttir). Their ops named like
  /// `while`, `custom_call`, `rng` and every op of `check` stay barriers.
  llvm::SmallVector<std::string> pureDialects;
  /// Model values of dynamic or unranked type as 0 bytes instead of refusing
  /// the function; they are listed in BlockMemoryModel::unsizedValues. For
  /// passes that only plan the values they can size.
  bool allowUnsizedValues = false;
};

/// The memory graph of one block, with its mapping back to the IR.
struct BlockMemoryModel {
  mlir::Block *block = nullptr;
  MemoryGraph graph;
  /// The operation of each node; the terminator is not a node.
  llvm::SmallVector<mlir::Operation *> nodeOps;
  /// The op pinned at the end of the block: its terminator, or an
  /// unregistered last op that may be one. Null when the block has neither.
  mlir::Operation *terminator = nullptr;
  /// The SSA value of each graph value.
  llvm::SmallVector<mlir::Value> irValues;
  /// Graph value ids of each SSA value: the storage its bytes live in. A
  /// graph value is a buffer; several SSA values may share it (a view, a
  /// destination-style result written into its init), and a view or a cast
  /// of a memref maps to every buffer it may alias. `tensor.empty` maps to
  /// none. Data dependences do not follow this map: every SSA use orders its
  /// user after the value's defining op.
  llvm::DenseMap<mlir::Value, llvm::SmallVector<unsigned, 1>> valueIds;
  /// Unregistered dialects whose ops were treated as side-effect free.
  llvm::SmallVector<std::string> assumedPureDialects;
  /// Unregistered ops kept in order because their dialect is not listed as
  /// pure, counted per dialect (ops that stay barriers by name excluded).
  llvm::SmallVector<std::pair<std::string, unsigned>> barrierOpsByDialect;
  /// Values whose size is unknown (with ExtractionOptions::allowUnsizedValues).
  llvm::DenseSet<mlir::Value> unsizedValues;
  /// Number of nodes ordered by memory effects (barriers included).
  unsigned numEffectfulOps = 0;

  /// Destination-style results written into their init's buffer.
  llvm::DenseSet<mlir::Value> writtenIntoInit;

  /// The buffer `value` fills: the one it defines, or its init's buffer for a
  /// destination-style result written in place. None for views, aliases and
  /// values without storage.
  std::optional<unsigned> getOwnValueId(mlir::Value value) const;
};

/// Whether `op`, with everything its regions hold, may be treated as free of
/// side effects: registered ops by their effect interfaces, unregistered ops
/// when their dialect is in `pureDialects` and their name does not suggest
/// effects (while, custom_call, rng, print, infeed, outfeed, send, recv, and
/// every op of the `check` dialect).
bool isAssumedPure(mlir::Operation *op,
                   llvm::ArrayRef<std::string> pureDialects);

/// Builds the memory model of the body of `function`. Input it cannot handle
/// (several blocks, dynamic or unranked shapes, sizes that overflow) gets a
/// warning naming the op and the reason, and failure is returned.
mlir::FailureOr<BlockMemoryModel>
buildFunctionMemoryModel(mlir::FunctionOpInterface function,
                         const ExtractionOptions &options);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_BLOCKMEMORYMODEL_H
