//===- Arena.cpp - One arena plus views for bufferized IR -----------------===//
//
// Plans the static allocations of each function body into one i8 arena:
// the allocations it can plan are found, their deallocations removed, their
// lifetimes (through aliases) packed by the IR-free packer, the placement
// checked, and each allocation replaced by a memref.view at its offset.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/BufferPlan.h"
#include "memopt/Dialect/ByteSize.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"

namespace memopt {
#define GEN_PASS_DEF_MEMOPTARENA
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// Why `alloc` cannot live in the arena, or nothing when it can as far as
/// its own form goes.
std::optional<std::string> whyNotPlannable(memref::AllocOp alloc,
                                           Block &body) {
  if (alloc->getBlock() != &body)
    return std::string("it is allocated inside a region (a loop or a branch)");
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape())
    return std::string("it has dynamic sizes");
  if (!type.getLayout().isIdentity())
    return std::string("it has a non-identity layout");
  if (type.getMemorySpace())
    return std::string("it is in a non-default memory space");
  ByteSize size = getByteSize(type);
  if (!size.isKnown())
    return "its type " + size.describeProblem();
  return std::nullopt;
}

struct MemOptArenaPass
    : public memopt::impl::MemOptArenaBase<MemOptArenaPass> {
  using Base::Base;

  void runOnOperation() final {
    std::optional<PackingOptions> packing = parsePackingPassOptions(
        getOperation(), "memopt-arena", algorithm, alignment, timeLimit);
    if (!packing)
      return signalPassFailure();
    if (arenaMode != "alloc" && arenaMode != "arg") {
      getOperation().emitError() << "memopt-arena: unknown arena-mode '"
                                 << arenaMode << "'; expected alloc or arg";
      return signalPassFailure();
    }
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    extraction.allowUnsizedValues = true;
    for (FunctionOpInterface function : getDefinedFunctions(getOperation()))
      if (failed(planFunction(function, extraction, *packing)))
        return signalPassFailure();
  }

  /// The allocations of `function` to plan; remarks on the others.
  SmallVector<memref::AllocOp>
  selectAllocations(FunctionOpInterface function,
                    const BlockMemoryModel &model) {
    SmallVector<memref::AllocOp> planned;
    function->walk([&](memref::AllocOp alloc) {
      std::optional<std::string> reason =
          whyNotPlannable(alloc, *model.block);
      if (!reason) {
        unsigned id = *model.getOwnValueId(alloc.getResult());
        if (model.graph.value(id).escapes)
          reason = "it escapes through the function's results";
      }
      if (!reason) {
        for (Operation *user : alloc->getUsers())
          if (!isa<memref::DeallocOp>(user) &&
              user->getName().getStringRef().contains("dealloc"))
            reason = "it is freed by '" +
                     user->getName().getStringRef().str() +
                     "'; lower it to memref.dealloc first "
                     "(convert-bufferization-to-memref)";
      }
      if (reason) {
        alloc->emitRemark() << "memopt-arena: allocation left in place: "
                            << *reason;
        return;
      }
      planned.push_back(alloc);
    });
    return planned;
  }

  LogicalResult planFunction(FunctionOpInterface function,
                             const ExtractionOptions &extraction,
                             const PackingOptions &packing) {
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    SmallVector<memref::AllocOp> allocs = selectAllocations(function, *model);
    if (allocs.empty())
      return success();
    bool takesArgument = arenaMode == "arg";
    if (takesArgument && !canTakeArenaArgument(function))
      return success();

    // The arena is freed as a whole: the allocations' own deallocations go,
    // and with them the steps that kept the buffers live to the end.
    llvm::SetVector<Operation *> deallocs;
    for (memref::AllocOp alloc : allocs)
      for (Operation *user : alloc->getUsers())
        if (isa<memref::DeallocOp>(user))
          deallocs.insert(user);
    for (Operation *dealloc : deallocs)
      dealloc->erase();
    model = buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return failure();

    llvm::DenseMap<unsigned, memref::AllocOp> allocOfValue;
    for (memref::AllocOp alloc : allocs)
      allocOfValue[*model->getOwnValueId(alloc.getResult())] = alloc;
    const MemoryGraph &graph = model->graph;
    BufferPlan plan = buildBufferPlan(
        graph, inputOrder(graph), ModelOptions(), alignment,
        [&](unsigned id) { return allocOfValue.contains(id); });
    int64_t arenaAlignment = alignment;
    for (auto [id, alloc] : allocOfValue) {
      int buffer = plan.bufferOfValue[id];
      if (buffer < 0)
        continue;
      int64_t own = alloc.getAlignment().value_or(1);
      plan.problem.buffers[buffer].alignment = std::max<int64_t>(alignment, own);
      arenaAlignment = std::max(arenaAlignment, own);
    }
    PackingResult result = packBuffers(plan.problem, packing);
    if (std::optional<std::string> problem =
            checkPacking(plan.problem, result)) {
      function->emitError() << "memopt-arena: the " << result.algorithm
                            << " packer produced an invalid placement ("
                            << *problem << ")";
      return failure();
    }

    // What a scheduler recorded described the IR before bufferization.
    SummaryExtras extras;
    recordArena(extras, result, recordTimes);
    SummaryAttr summary = buildSummary(*model, ModelOptions(), extras);
    rewriteAllocations(function, *model, allocOfValue, plan, result,
                       arenaAlignment, takesArgument);
    function->setAttr(attr_names::kSummary, summary);
    return success();
  }

  /// Whether the arena can become a new argument of `function`: nothing in
  /// the module calls it, so changing its signature breaks no call.
  bool canTakeArenaArgument(FunctionOpInterface function) {
    if (!isa<func::FuncOp>(function)) {
      function->emitRemark() << "memopt-arena: arena-mode=arg needs a "
                                "func.func; the function is left unchanged";
      return false;
    }
    if (!SymbolTable::symbolKnownUseEmpty(function, getOperation())) {
      function->emitRemark()
          << "memopt-arena: arena-mode=arg changes the signature of a "
             "function that is called in this module; the function is left "
             "unchanged";
      return false;
    }
    return true;
  }

  void rewriteAllocations(
      FunctionOpInterface function, const BlockMemoryModel &model,
      const llvm::DenseMap<unsigned, memref::AllocOp> &allocOfValue,
      const BufferPlan &plan, const PackingResult &result,
      int64_t arenaAlignment, bool takesArgument) {
    Block &body = *model.block;
    Location loc = function.getLoc();
    OpBuilder builder(function->getContext());
    auto arenaType = MemRefType::get({result.arenaBytes}, builder.getI8Type());
    Value arena;
    if (takesArgument) {
      unsigned index = function.getNumArguments();
      (void)function.insertArgument(index, arenaType, DictionaryAttr(), loc);
      arena = body.getArgument(index);
      function->setAttr(attr_names::kArenaSize,
                        builder.getI64IntegerAttr(result.arenaBytes));
      addSizeQueryFunction(cast<func::FuncOp>(function), result.arenaBytes);
    } else {
      builder.setInsertionPointToStart(&body);
      arena = memref::AllocOp::create(builder, loc, arenaType,
                                      builder.getI64IntegerAttr(arenaAlignment));
      if (body.back().hasTrait<OpTrait::IsTerminator>())
        builder.setInsertionPoint(&body.back());
      else
        builder.setInsertionPointToEnd(&body);
      memref::DeallocOp::create(builder, loc, arena);
    }
    // Replace allocations in a fixed order so the output is deterministic.
    SmallVector<std::pair<unsigned, memref::AllocOp>> ordered(
        allocOfValue.begin(), allocOfValue.end());
    llvm::sort(ordered, [](auto &a, auto &b) { return a.first < b.first; });
    for (auto [id, alloc] : ordered) {
      int buffer = plan.bufferOfValue[id];
      builder.setInsertionPoint(alloc);
      Value offset = arith::ConstantIndexOp::create(
          builder, alloc.getLoc(), buffer < 0 ? 0 : result.offsets[buffer]);
      Value view = memref::ViewOp::create(builder, alloc.getLoc(),
                                          alloc.getType(), arena, offset,
                                          ValueRange());
      alloc.getResult().replaceAllUsesWith(view);
      alloc->erase();
    }
  }

  /// Adds `func.func @<name>_arena_size() -> index` returning `bytes`.
  void addSizeQueryFunction(func::FuncOp function, int64_t bytes) {
    OpBuilder builder(function);
    builder.setInsertionPointAfter(function);
    Location loc = function.getLoc();
    auto query = func::FuncOp::create(
        builder, loc, (function.getName() + "_arena_size").str(),
        builder.getFunctionType({}, {builder.getIndexType()}));
    query.setVisibility(function.getVisibility());
    Block *entry = query.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    Value size = arith::ConstantIndexOp::create(builder, loc, bytes);
    func::ReturnOp::create(builder, loc, size);
    // Keep the name unique if the symbol table already has one like it.
    SymbolTable(SymbolTable::getNearestSymbolTable(function)).insert(query);
  }
};

} // namespace
