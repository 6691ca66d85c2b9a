//===- Arena.cpp - One arena plus views for bufferized IR -----------------===//
//
// Plans the static allocations of each function body into one i8 arena:
// the allocations it can plan are found, their deallocations (through any
// alias) removed, their lifetimes packed by the IR-free packer, the
// placement checked, and each allocation replaced by a memref.view at its
// offset. A lifetime runs from the first to the last step that uses the
// allocation or an alias: until its first use its contents are undefined, so
// its bytes may still hold another buffer.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/ArenaAliases.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Dialect/ByteSize.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace memopt {
#define GEN_PASS_DEF_MEMOPTARENA
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// Why `alloc` cannot live in the arena, or nothing when it can as far as
/// its own form and place go.
std::optional<std::string> whyNotPlannable(memref::AllocOp alloc,
                                           Block &body) {
  MemRefType type = alloc.getType();
  ByteSize size = getByteSize(type);
  if (alloc->getBlock() != &body) {
    // Loops and branches allocate per execution; say how much stays out.
    std::string reason =
        "it is allocated inside '" +
        body.findAncestorOpInBlock(*alloc)->getName().getStringRef().str() +
        "' (a loop or a branch)";
    if (size.isKnown())
      reason += "; its " + std::to_string(size.bytes) +
                " bytes per execution stay outside the arena";
    return reason;
  }
  if (!type.hasStaticShape())
    return std::string("it has dynamic sizes");
  if (!type.getLayout().isIdentity())
    return std::string("it has a non-identity layout");
  if (type.getMemorySpace())
    return std::string("it is in a non-default memory space");
  if (!size.isKnown())
    return "its type " + size.describeProblem();
  return std::nullopt;
}

/// An allocation the arena takes over.
struct PlannedAllocation {
  memref::AllocOp alloc;
  /// Index of its buffer in the packing problem.
  unsigned buffer;
};

struct MemOptArenaPass
    : public memopt::impl::MemOptArenaBase<MemOptArenaPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    std::optional<PackingOptions> packing = parsePackingPassOptions(
        getOperation(), "memopt-arena", algorithm, alignment, timeLimit);
    if (!packing)
      return signalPassFailure();
    if (arenaMode != "alloc" && arenaMode != "arg") {
      getOperation()->emitError() << "memopt-arena: unknown arena-mode '"
                                  << arenaMode << "'; expected alloc or arg";
      return signalPassFailure();
    }
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    extraction.allowUnsizedValues = true;
    if (arenaMode == "alloc") {
      if (failed(forEachFunction(
              getOperation(), [&](FunctionOpInterface function) {
                return planFunction(function, extraction, *packing, nullptr);
              })))
        signalPassFailure();
      return;
    }
    // arena-mode=arg changes signatures and adds size queries: module work,
    // done one function at a time.
    if (isa<FunctionOpInterface>(getOperation())) {
      getOperation()->emitError()
          << "memopt-arena: arena-mode=arg adds a function to the module; "
             "run it on the module, not nested in a function pipeline";
      return signalPassFailure();
    }
    SymbolTableCollection symbolTables;
    for (FunctionOpInterface function : getDefinedFunctions(getOperation()))
      if (failed(planFunction(function, extraction, *packing, &symbolTables)))
        return signalPassFailure();
  }

  /// The allocations of `body` whose own form allows planning; remarks on
  /// the others.
  SmallVector<memref::AllocOp> findCandidates(FunctionOpInterface function,
                                              Block &body) {
    SmallVector<memref::AllocOp> candidates;
    function->walk([&](memref::AllocOp alloc) {
      if (std::optional<std::string> reason = whyNotPlannable(alloc, body)) {
        alloc->emitRemark() << "memopt-arena: allocation left in place: "
                            << *reason;
        return;
      }
      candidates.push_back(alloc);
    });
    return candidates;
  }

  /// Which candidates to plan: those no use of an alias blocks and whose
  /// deallocations free nothing else; remarks on the others.
  llvm::BitVector selectAllocations(ArrayRef<memref::AllocOp> candidates,
                                    const ArenaAliases &aliases) {
    SmallVector<std::optional<std::string>> reasons;
    llvm::BitVector planned(candidates.size());
    for (auto [index, uses] : llvm::enumerate(aliases.uses)) {
      reasons.push_back(uses.blocker);
      if (!uses.blocker)
        planned.set(index);
    }
    // A dealloc that may free a planned buffer or other memory can neither
    // stay (it would free the arena) nor go (it would leak the other).
    bool changed = true;
    while (changed) {
      changed = false;
      for (const AliasedDealloc &dealloc : aliases.deallocs) {
        llvm::BitVector outside = dealloc.allocations;
        outside.reset(planned);
        if (!dealloc.mayFreeOther && outside.none())
          continue;
        llvm::BitVector inside = dealloc.allocations;
        inside &= planned;
        for (unsigned index : inside.set_bits()) {
          planned.reset(index);
          reasons[index] = "the '" +
                           dealloc.dealloc->getName().getStringRef().str() +
                           "' that may free it may free another buffer";
          changed = true;
        }
      }
    }
    for (auto [index, alloc] : llvm::enumerate(candidates))
      if (!planned.test(index))
        alloc->emitRemark() << "memopt-arena: allocation left in place: "
                            << *reasons[index];
    return planned;
  }

  /// Plans the allocations of `function`; `symbolTables` (arena-mode=arg
  /// only) holds the module's, where size queries go.
  LogicalResult planFunction(FunctionOpInterface function,
                             const ExtractionOptions &extraction,
                             const PackingOptions &packing,
                             SymbolTableCollection *symbolTables) {
    // The model refuses (with a warning) bodies the arena cannot plan
    // either, and gives the summary.
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    Block &body = *model->block;
    SmallVector<memref::AllocOp> candidates = findCandidates(function, body);
    if (candidates.empty())
      return success();
    SmallVector<Operation *> candidateOps(candidates.begin(),
                                          candidates.end());
    ArenaAliases aliases = analyzeArenaAliases(body, candidateOps);
    llvm::BitVector selected = selectAllocations(candidates, aliases);
    if (selected.none())
      return success();
    bool takesArgument = arenaMode == "arg";
    if (takesArgument && !canTakeArenaArgument(function))
      return success();

    llvm::DenseMap<Operation *, unsigned> stepOf;
    for (auto [step, op] : llvm::enumerate(body))
      stepOf[&op] = step;
    PackingProblem problem;
    SmallVector<PlannedAllocation> planned;
    int64_t arenaAlignment = alignment;
    for (unsigned index : selected.set_bits()) {
      memref::AllocOp alloc = candidates[index];
      // An allocation never used still gets bytes at its own step, so that
      // its view stays inside the arena.
      unsigned allocStep = stepOf.lookup(alloc);
      auto [first, last] = aliases.uses[index].steps.value_or(
          std::make_pair(allocStep, allocStep));
      int64_t own = alloc.getAlignment().value_or(1);
      arenaAlignment = std::max(arenaAlignment, own);
      PackingBuffer buffer;
      buffer.begin = first;
      buffer.end = last + 1;
      buffer.size = getByteSize(alloc.getType()).bytes;
      buffer.alignment = std::max<int64_t>(alignment, own);
      buffer.id = std::to_string(index);
      planned.push_back({alloc, unsigned(problem.buffers.size())});
      problem.buffers.push_back(std::move(buffer));
    }
    PackingResult result = packBuffers(problem, packing);
    if (std::optional<std::string> problemFound =
            checkPacking(problem, result)) {
      function->emitError() << "memopt-arena: the " << result.algorithm
                            << " packer produced an invalid placement ("
                            << *problemFound << ")";
      return failure();
    }

    // The arena is freed as a whole: the deallocations of planned buffers,
    // through any alias, go. Selection left only those that free nothing
    // else.
    for (const AliasedDealloc &dealloc : aliases.deallocs)
      if (dealloc.allocations.anyCommon(selected))
        dealloc.dealloc->erase();
    // What a scheduler recorded described the IR before bufferization; the
    // summary describes the rewritten body, so later passes find it current.
    rewriteAllocations(function, body, planned, result, arenaAlignment,
                       takesArgument, symbolTables);
    FailureOr<BlockMemoryModel> summaryModel =
        buildFunctionMemoryModel(function, extraction);
    if (succeeded(summaryModel)) {
      SummaryExtras extras;
      recordArena(extras, result, recordTimes);
      function->setAttr(attr_names::kSummary,
                        buildSummary(*summaryModel, ModelOptions(), extras));
    }
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

  void rewriteAllocations(FunctionOpInterface function, Block &body,
                          ArrayRef<PlannedAllocation> planned,
                          const PackingResult &result, int64_t arenaAlignment,
                          bool takesArgument,
                          SymbolTableCollection *symbolTables) {
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
      addSizeQueryFunction(cast<func::FuncOp>(function), result.arenaBytes,
                           *symbolTables);
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
    for (const PlannedAllocation &allocation : planned) {
      memref::AllocOp alloc = allocation.alloc;
      builder.setInsertionPoint(alloc);
      Value offset = arith::ConstantIndexOp::create(
          builder, alloc.getLoc(), result.offsets[allocation.buffer]);
      Value view = memref::ViewOp::create(builder, alloc.getLoc(),
                                          alloc.getType(), arena, offset,
                                          ValueRange());
      alloc.getResult().replaceAllUsesWith(view);
      alloc->erase();
    }
  }

  /// Adds `func.func @<name>_arena_size() -> index` returning `bytes`, with
  /// a suffix (and a remark saying so) if the name is taken.
  void addSizeQueryFunction(func::FuncOp function, int64_t bytes,
                            SymbolTableCollection &symbolTables) {
    OpBuilder builder(function->getContext());
    Location loc = function.getLoc();
    std::string name = (function.getName() + "_arena_size").str();
    auto query = func::FuncOp::create(
        builder, loc, name,
        builder.getFunctionType({}, {builder.getIndexType()}));
    query.setVisibility(function.getVisibility());
    Block *entry = query.addEntryBlock();
    builder.setInsertionPointToStart(entry);
    Value size = arith::ConstantIndexOp::create(builder, loc, bytes);
    func::ReturnOp::create(builder, loc, size);
    SymbolTable &symbols = symbolTables.getSymbolTable(
        SymbolTable::getNearestSymbolTable(function));
    StringAttr inserted =
        symbols.insert(query, std::next(function->getIterator()));
    if (inserted.getValue() != name)
      function->emitRemark() << "memopt-arena: @" << name
                             << " is taken; the arena size query is @"
                             << inserted.getValue();
  }
};

} // namespace
