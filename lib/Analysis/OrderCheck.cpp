//===- OrderCheck.cpp - Check a reordered block against its IR ------------===//

#include "memopt/Analysis/OrderCheck.h"
#include "memopt/Analysis/BlockMemoryModel.h"

#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace memopt;

namespace {

enum class Access { None, Read, Write };

/// How `op` touches memory, from its effect interfaces alone.
Access getAccess(Operation *op, ArrayRef<std::string> pureDialects) {
  if (!op->isRegistered())
    return isAssumedPure(op, pureDialects) ? Access::None : Access::Write;
  if (isMemoryEffectFree(op))
    return Access::None;
  std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
      getEffectsRecursively(op);
  if (!effects)
    return Access::Write;
  Access access = Access::None;
  for (const MemoryEffects::EffectInstance &effect : *effects) {
    if (isa<MemoryEffects::Allocate>(effect.getEffect()) && effect.getValue() &&
        effect.getValue().getDefiningOp() == op)
      continue;
    if (!isa<MemoryEffects::Read>(effect.getEffect()))
      return Access::Write;
    access = Access::Read;
  }
  return access;
}

std::string describe(Operation *op, unsigned position) {
  return "'" + op->getName().getStringRef().str() + "' at position " +
         std::to_string(position);
}

} // namespace

std::optional<std::string>
memopt::checkReordering(Block &block, ArrayRef<Operation *> inputOrder,
                        ArrayRef<std::string> pureDialects) {
  llvm::DenseMap<Operation *, unsigned> position;
  for (Operation &op : block)
    position[&op] = position.size();
  if (position.size() != inputOrder.size())
    return "the block has " + std::to_string(position.size()) +
           " operations, the input had " + std::to_string(inputOrder.size());
  for (Operation *op : inputOrder)
    if (!position.contains(op))
      return "an operation of the input left the block";

  if (!block.empty() && !inputOrder.empty() &&
      inputOrder.back()->mightHaveTrait<OpTrait::IsTerminator>() &&
      &block.back() != inputOrder.back())
    return describe(inputOrder.back(), position[inputOrder.back()]) +
           " may be a terminator but is no longer last";

  for (Operation &op : block) {
    llvm::SetVector<Value> used(op.getOperands().begin(),
                                op.getOperands().end());
    getUsedValuesDefinedAbove(op.getRegions(), used);
    for (Value value : used) {
      Operation *definingOp = value.getDefiningOp();
      if (!definingOp || definingOp->getBlock() != &block)
        continue;
      if (position[definingOp] >= position[&op])
        return describe(&op, position[&op]) + " uses a value defined by " +
               describe(definingOp, position[definingOp]);
    }
  }

  // Walk the effectful ops in input order: each read must follow the last
  // write before it, each write every access before it. Checking adjacent
  // groups this way implies every pairwise constraint.
  Operation *lastWrite = nullptr;
  Operation *latestReadSinceWrite = nullptr;
  for (Operation *op : inputOrder) {
    Access access = getAccess(op, pureDialects);
    if (access == Access::None)
      continue;
    if (lastWrite && position[lastWrite] > position[op])
      return describe(op, position[op]) + " moved above " +
             describe(lastWrite, position[lastWrite]) +
             ", which writes memory it may access";
    if (access == Access::Read) {
      if (!latestReadSinceWrite ||
          position[op] > position[latestReadSinceWrite])
        latestReadSinceWrite = op;
      continue;
    }
    if (latestReadSinceWrite &&
        position[latestReadSinceWrite] > position[op])
      return describe(op, position[op]) + " writes memory and moved above " +
             describe(latestReadSinceWrite, position[latestReadSinceWrite]);
    lastWrite = op;
    latestReadSinceWrite = nullptr;
  }
  return std::nullopt;
}

void memopt::restoreOrder(Block &block, ArrayRef<Operation *> inputOrder) {
  for (Operation *op : inputOrder)
    op->moveBefore(&block, block.end());
}
