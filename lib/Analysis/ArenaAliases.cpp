//===- ArenaAliases.cpp - Aliases of a body's allocations -----------------===//
//
// A points-to analysis over the allocations of one block. Each memref value
// gets the set of allocations it may point into, plus one bit for "memory
// that is none of them". Views and casts point where their source does; an
// op whose result it does not allocate (a call, a select, an unknown op)
// may point into anything its operands do or elsewhere; a region branch op
// (scf.if, scf.for, scf.while, execute_region) returns, and passes to its
// block arguments, its operands and what its terminators forward; any other
// op with regions may return anything used inside it. Sets only grow, so
// iterating to a fixpoint covers loop-carried values.
//
//===----------------------------------------------------------------------===//

#include "memopt/Analysis/ArenaAliases.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace memopt;

/// Whether values of `type` are plain data that cannot hold an address
/// memopt would lose track of.
static bool isPlainData(Type type) {
  return type.isIntOrIndexOrFloat() ||
         isa<ComplexType, VectorType, NoneType>(type);
}

/// Whether every memref result of `op` views only its memref operands.
static bool viewsOnlyItsOperands(Operation *op) {
  if (!op->isRegistered() || op->getNumRegions() != 0 ||
      !llvm::any_of(op->getOperandTypes(), llvm::IsaPred<BaseMemRefType>))
    return false;
  return isa<ViewLikeOpInterface, CastOpInterface, memref::CollapseShapeOp,
             memref::ExpandShapeOp, memref::TransposeOp>(op);
}

/// Whether `op` writes memrefs into memory: it has an operand that is a
/// memref of something other than plain data.
static bool storesAddresses(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), [](Type type) {
    auto memref = dyn_cast<BaseMemRefType>(type);
    return memref && !isPlainData(memref.getElementType());
  });
}

/// Whether `op` frees memory other than as a `memref.dealloc`.
static bool freesOtherwise(Operation *op) {
  if (isa<memref::DeallocOp>(op))
    return false;
  return op->getName().getStringRef().contains("dealloc") ||
         (isa<MemoryEffectOpInterface>(op) &&
          hasEffect<MemoryEffects::Free>(op));
}

namespace {

class AliasAnalysis {
public:
  AliasAnalysis(Block &block, ArrayRef<Operation *> allocations)
      : block(block), numAllocations(allocations.size()),
        other(allocations.size()) {
    for (auto [index, allocation] : llvm::enumerate(allocations))
      allocationIndex[allocation] = index;
    unsigned step = 0;
    for (Operation &op : block)
      stepOf[&op] = step++;
  }

  ArenaAliases run();

private:
  llvm::BitVector emptySet() const {
    return llvm::BitVector(numAllocations + 1);
  }
  llvm::BitVector pointsTo(Value value) const;
  llvm::BitVector operandsPointTo(Operation *op) const;
  llvm::BitVector reach(Operation *op) const;
  llvm::BitVector flowsOut(Operation *op) const;
  bool join(Value value, const llvm::BitVector &bits);
  bool transfer(Operation *op);
  void classify(Operation *op, ArenaAliases &result) const;

  Block &block;
  unsigned numAllocations;
  /// The bit of memory that is none of the allocations.
  unsigned other;
  llvm::DenseMap<Operation *, unsigned> allocationIndex;
  llvm::DenseMap<Operation *, unsigned> stepOf;
  llvm::DenseMap<Value, llvm::BitVector> pointsToMap;
};

} // namespace

llvm::BitVector AliasAnalysis::pointsTo(Value value) const {
  auto it = pointsToMap.find(value);
  return it == pointsToMap.end() ? emptySet() : it->second;
}

llvm::BitVector AliasAnalysis::operandsPointTo(Operation *op) const {
  llvm::BitVector bits = emptySet();
  for (Value operand : op->getOperands())
    bits |= pointsTo(operand);
  return bits;
}

/// Everything `op` or an op nested in it uses.
llvm::BitVector AliasAnalysis::reach(Operation *op) const {
  llvm::BitVector bits = emptySet();
  op->walk([&](Operation *nested) { bits |= operandsPointTo(nested); });
  return bits;
}

/// What the results and block arguments of `op`, which has regions, may
/// point into. Region branch ops (scf.if, scf.for, scf.while, ...) pass on
/// only their operands and what their terminators forward; for other ops,
/// anything used inside may come out.
llvm::BitVector AliasAnalysis::flowsOut(Operation *op) const {
  if (!op->isRegistered()) {
    llvm::BitVector bits = reach(op);
    bits.set(other);
    return bits;
  }
  if (!isa<RegionBranchOpInterface>(op))
    return reach(op);
  llvm::BitVector bits = operandsPointTo(op);
  for (Region &region : op->getRegions())
    for (Block &nested : region) {
      if (nested.empty() || !nested.back().hasTrait<OpTrait::IsTerminator>())
        return reach(op);
      bits |= operandsPointTo(&nested.back());
    }
  return bits;
}

bool AliasAnalysis::join(Value value, const llvm::BitVector &bits) {
  auto [it, inserted] = pointsToMap.try_emplace(value, bits);
  if (inserted)
    return true;
  llvm::BitVector joined = it->second;
  joined |= bits;
  if (joined == it->second)
    return false;
  it->second = std::move(joined);
  return true;
}

bool AliasAnalysis::transfer(Operation *op) {
  if (allocationIndex.contains(op))
    return false;
  bool changed = false;
  if (op->getNumRegions() != 0) {
    auto isMemRef = [](Value value) {
      return isa<BaseMemRefType>(value.getType());
    };
    bool carriesMemRefs =
        llvm::any_of(op->getResults(), isMemRef) ||
        llvm::any_of(op->getRegions(), [&](Region &region) {
          return llvm::any_of(region, [&](Block &nested) {
            return llvm::any_of(nested.getArguments(), isMemRef);
          });
        });
    if (!carriesMemRefs)
      return false;
    llvm::BitVector bits = flowsOut(op);
    for (Value result : op->getResults())
      if (isa<BaseMemRefType>(result.getType()))
        changed |= join(result, bits);
    for (Region &region : op->getRegions())
      for (Block &nested : region)
        for (BlockArgument argument : nested.getArguments())
          if (isa<BaseMemRefType>(argument.getType()))
            changed |= join(argument, bits);
    return changed;
  }
  for (Value result : op->getResults()) {
    if (!isa<BaseMemRefType>(result.getType()))
      continue;
    llvm::BitVector bits = emptySet();
    if (viewsOnlyItsOperands(op)) {
      bits = operandsPointTo(op);
    } else if (op->isRegistered() &&
               hasEffect<MemoryEffects::Allocate>(op, result)) {
      bits.set(other);
    } else {
      bits = operandsPointTo(op);
      bits.set(other);
    }
    changed |= join(result, bits);
  }
  return changed;
}

void AliasAnalysis::classify(Operation *op, ArenaAliases &result) const {
  llvm::BitVector used = operandsPointTo(op);
  if (isa<memref::DeallocOp>(op)) {
    AliasedDealloc dealloc;
    dealloc.dealloc = op;
    dealloc.mayFreeOther = used.test(other);
    used.resize(numAllocations);
    dealloc.allocations = std::move(used);
    if (dealloc.allocations.any())
      result.deallocs.push_back(std::move(dealloc));
    return;
  }
  unsigned step = stepOf.lookup(block.findAncestorOpInBlock(*op));
  for (unsigned index : used.set_bits()) {
    if (index == other)
      continue;
    std::optional<std::pair<unsigned, unsigned>> &steps =
        result.uses[index].steps;
    if (!steps)
      steps = {step, step};
    steps->first = std::min(steps->first, step);
    steps->second = std::max(steps->second, step);
  }

  std::string name = "'" + op->getName().getStringRef().str() + "'";
  auto blockAll = [&](const llvm::BitVector &bits, const std::string &why) {
    for (unsigned index : bits.set_bits())
      if (index != other && !result.uses[index].blocker)
        result.uses[index].blocker = why;
  };
  if (op->getBlock() == &block && op->hasTrait<OpTrait::IsTerminator>())
    blockAll(used, "it escapes through the function's results");
  else if (!op->isRegistered())
    blockAll(reach(op), "the unregistered op " + name +
                            " uses it and may keep its address");
  else if (isa<memref::ExtractAlignedPointerAsIndexOp>(op))
    blockAll(used, "its address is taken as an integer by " + name);
  else if (storesAddresses(op))
    blockAll(used, "its address is stored into memory by " + name);
  else if (freesOtherwise(op))
    blockAll(used, "it is freed by " + name +
                       "; lower it to memref.dealloc first "
                       "(convert-bufferization-to-memref)");
  else if (llvm::any_of(op->getResultTypes(), [](Type type) {
             return !isa<BaseMemRefType>(type) && !isPlainData(type);
           }))
    blockAll(reach(op), "its address may be carried by a result of " + name);
}

ArenaAliases AliasAnalysis::run() {
  for (BlockArgument argument : block.getArguments())
    if (isa<BaseMemRefType>(argument.getType())) {
      llvm::BitVector bits = emptySet();
      bits.set(other);
      join(argument, bits);
    }
  for (auto [allocation, index] : allocationIndex) {
    llvm::BitVector bits = emptySet();
    bits.set(index);
    join(allocation->getResult(0), bits);
  }
  bool changed = true;
  while (changed) {
    changed = false;
    block.walk([&](Operation *op) { changed |= transfer(op); });
  }

  ArenaAliases result;
  result.uses.resize(numAllocations);
  block.walk([&](Operation *op) { classify(op, result); });
  return result;
}

ArenaAliases memopt::analyzeArenaAliases(Block &block,
                                         ArrayRef<Operation *> allocations) {
  return AliasAnalysis(block, allocations).run();
}
