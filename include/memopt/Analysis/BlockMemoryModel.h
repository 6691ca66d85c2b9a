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
  /// The SSA value of each graph value.
  llvm::SmallVector<mlir::Value> irValues;
  /// Graph value ids of each SSA value. A value aliasing memory (a view or a
  /// cast of a memref) maps to the ids of the buffers it may alias.
  llvm::DenseMap<mlir::Value, llvm::SmallVector<unsigned, 1>> valueIds;
  /// Unregistered dialects whose ops were treated as side-effect free.
  llvm::SmallVector<std::string> assumedPureDialects;
  /// Values whose size is unknown (with ExtractionOptions::allowUnsizedValues).
  llvm::DenseSet<mlir::Value> unsizedValues;
  /// Number of nodes ordered by memory effects (barriers included).
  unsigned numEffectfulOps = 0;

  /// The graph value defined by `value`, if it defines its own buffer.
  std::optional<unsigned> getOwnValueId(mlir::Value value) const;
};

/// Builds the memory model of the body of `function`. Input it cannot handle
/// (several blocks, dynamic or unranked shapes, sizes that overflow) gets a
/// warning naming the op and the reason, and failure is returned.
mlir::FailureOr<BlockMemoryModel>
buildFunctionMemoryModel(mlir::FunctionOpInterface function,
                         const ExtractionOptions &options);

} // namespace memopt

#endif // MEMOPT_ANALYSIS_BLOCKMEMORYMODEL_H
