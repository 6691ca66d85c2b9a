//===- Remat.cpp - Recompute values to meet an activation budget ----------===//
//
// Thin pass over the IR-free remat solvers: extract each function body's
// memory graph, solve on the current order and (with reorder) on the memory
// scheduler's order, check the schedules independently, apply the better
// order (checked like --memory-schedule's) and clone the recomputed ops, then
// verify the function and re-extract its model to confirm the peak; any
// failure restores the body.
//
//===----------------------------------------------------------------------===//

#include "memopt/Remat/Remat.h"
#include "PassUtils.h"
#include "memopt/Analysis/CostModel.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Analysis/OrderCheck.h"
#include "memopt/Schedule/Scheduler.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Transforms/RegionUtils.h"

#include <chrono>
#include <cmath>

namespace memopt {
#define GEN_PASS_DEF_MEMOPTREMAT
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// Whether a clone of `op` placed later computes the same values from the
/// copies the remat schedule provides: side-effect free (unregistered ops
/// only from `pureDialects`), with results, and with regions (a
/// `linalg.generic` body) that read nothing defined outside `op`, so that
/// rewiring its operands rewires everything it reads. A destination-style
/// op's inits must be `tensor.empty`s: a clone writing into a real init would
/// give the init a second reader and cost the original its in-place result,
/// which the remat problem does not model. Nor may a later op write into
/// its result in place (a convolution into its broadcast bias): the model's
/// buffer then holds that op's result, which a clone of `op` does not
/// recompute.
bool isRecomputable(Operation *op, const BlockMemoryModel &model,
                    const llvm::DenseSet<unsigned> &writtenInPlace,
                    ArrayRef<std::string> pureDialects) {
  if (op->getNumResults() == 0 || !isAssumedPure(op, pureDialects))
    return false;
  for (Value result : op->getResults())
    if (auto it = model.valueIds.find(result); it != model.valueIds.end())
      if (llvm::any_of(it->second,
                       [&](unsigned id) { return writtenInPlace.count(id); }))
        return false;
  if (auto destinationStyle = dyn_cast<DestinationStyleOpInterface>(op))
    for (OpOperand &init : destinationStyle.getDpsInitsMutable())
      if (!init.get().getDefiningOp<tensor::EmptyOp>())
        return false;
  bool readsFromAbove = false;
  visitUsedValuesDefinedAbove(op->getRegions(),
                              [&](OpOperand *) { readsFromAbove = true; });
  return !readsFromAbove;
}
/// What applying a schedule changed, to undo it.
struct Rewrite {
  SmallVector<std::pair<OpOperand *, Value>> operands;
  SmallVector<Operation *> clones;

  void undo() {
    for (auto &[operand, value] : llvm::reverse(operands))
      operand->set(value);
    for (Operation *clone : llvm::reverse(clones))
      clone->erase();
  }
};

/// Clones the recomputations of `sequence` into the block of `model`, each
/// right after what runs before it, and points every later read at the
/// newest copy.
Rewrite applySchedule(const BlockMemoryModel &model,
                      ArrayRef<unsigned> sequence) {
  Rewrite rewrite;
  DenseMap<Value, Value> current;
  auto rewire = [&](Operation *op) {
    op->walk([&](Operation *nested) {
      for (OpOperand &operand : nested->getOpOperands()) {
        auto it = current.find(operand.get());
        if (it == current.end())
          continue;
        rewrite.operands.push_back({&operand, operand.get()});
        operand.set(it->second);
      }
    });
  };
  std::vector<bool> ran(model.nodeOps.size(), false);
  OpBuilder builder(model.block, model.block->begin());
  for (unsigned node : sequence) {
    Operation *original = model.nodeOps[node];
    Operation *op = original;
    if (ran[node]) {
      op = builder.clone(*original);
      op->setAttr(attr_names::kRecomputedFrom, builder.getI64IntegerAttr(node));
      // The clone must read the copies current where it runs, not the
      // original's operands.
      for (OpOperand &operand : op->getOpOperands())
        if (auto it = current.find(operand.get()); it != current.end())
          operand.set(it->second);
      rewrite.clones.push_back(op);
      for (auto [from, to] :
           llvm::zip(original->getResults(), op->getResults()))
        current[from] = to;
    } else {
      rewire(op);
    }
    ran[node] = true;
    builder.setInsertionPointAfter(op);
  }
  if (model.terminator)
    rewire(model.terminator);
  return rewrite;
}

/// Why the function is wrong after the rewrite, if it is.
std::optional<std::string> verifyFunction(FunctionOpInterface function) {
  if (std::optional<std::string> error = getVerifierError(function))
    return "the rewritten function does not verify: " + *error;
  return std::nullopt;
}

/// A remat solution on one first-run order of a function body.
struct Candidate {
  RematResult result;
  /// The first-run order as node ids of the extracted model; empty for the
  /// given order.
  std::vector<unsigned> order;
  /// What produced `order`.
  std::string scheduler;
  int64_t orderPeak = 0;
};

/// Whether `a` is better than `b`: within the budget, then less added cost,
/// then a lower peak.
bool isBetter(const Candidate &a, const Candidate &b) {
  const RematCheck &x = a.result.check, &y = b.result.check;
  if (x.valid != y.valid)
    return x.valid;
  if (x.valid && x.addedCost != y.addedCost)
    return x.addedCost < y.addedCost;
  return x.peakBytes < y.peakBytes;
}

struct RematPass : public memopt::impl::MemOptRematBase<RematPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    if (algorithm != "greedy" && algorithm != "search" &&
        algorithm != "exact" && algorithm != "auto") {
      getOperation()->emitError()
          << "memopt-remat: unknown algorithm '" << algorithm
          << "'; expected greedy, search, exact or auto";
      return signalPassFailure();
    }
    if ((budget > 0) == (budgetRatio > 0) || budget < 0 || budgetRatio < 0 ||
        budgetRatio > 1) {
      getOperation()->emitError()
          << "memopt-remat: give exactly one of budget (bytes, positive) and "
             "budget-ratio (0 < ratio <= 1)";
      return signalPassFailure();
    }
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    if (failed(
            forEachFunction(getOperation(), [&](FunctionOpInterface function) {
              return rematFunction(function, extraction);
            })))
      signalPassFailure();
  }

  RematResult solve(const RematProblem &problem) {
    if (algorithm == "greedy")
      return solveRematGreedy(problem);
    if (algorithm == "search")
      return solveRematLocalSearch(problem);
    if (algorithm == "exact")
      return solveRematExact(problem);
    return solveRemat(problem);
  }

  LogicalResult rematFunction(FunctionOpInterface function,
                              const ExtractionOptions &extraction) {
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    RematProblem problem;
    problem.graph = model->graph;
    // Buffers that a destination-style op writes its result into.
    llvm::DenseSet<unsigned> writtenInPlace;
    for (Value value : model->writtenIntoInit)
      if (std::optional<unsigned> id = model->getOwnValueId(value))
        writtenInPlace.insert(*id);
    for (Operation *op : model->nodeOps) {
      problem.costs.push_back(getComputeCost(op));
      problem.recomputable.push_back(
          isRecomputable(op, *model, writtenInPlace, extraction.pureDialects));
    }
    int64_t inputPeak =
        computeProfile(problem.graph, inputOrder(problem.graph)).peakBytes;
    problem.budget = budget > 0 ? int64_t(budget)
                                : int64_t(std::ceil(budgetRatio * inputPeak));

    auto start = std::chrono::steady_clock::now();
    Candidate best{solve(problem), {}, "", inputPeak};
    // The given order needs no recomputation: the pass has nothing to do.
    bool improvable = !best.result.check.valid || best.result.check.addedCost;
    if (reorder && improvable &&
        best.result.status != RematStatus::Infeasible) {
      ScheduleResult scheduled = scheduleForMemory(model->graph, {});
      if (std::optional<std::string> problemFound =
              checkSchedule(model->graph, scheduled, ModelOptions())) {
        function->emitError()
            << "memopt-remat: the " << scheduled.algorithm
            << " scheduler produced an invalid order (" << *problemFound
            << "); the function is left unchanged";
        return failure();
      }
      std::vector<unsigned> order =
          sinkWeightlessNodes(model->graph, scheduled.order);
      if (order != inputOrder(model->graph)) {
        Candidate reordered{solve(reorderRematProblem(problem, order)), order,
                            scheduled.algorithm, scheduled.peakBytes};
        if (isBetter(reordered, best))
          best = std::move(reordered);
      }
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    const RematResult &result = best.result;
    if (!result.check.valid) {
      InFlightDiagnostic diagnostic = function->emitError();
      diagnostic << "memopt-remat: cannot meet the budget of " << problem.budget
                 << " bytes: ";
      if (result.status == RematStatus::Infeasible)
        diagnostic << (largestWorkingSet(problem.graph) >= result.budgetFloor
                           ? "one op needs "
                           : "the returned values need ")
                   << result.budgetFloor << " bytes (proven floor)";
      else
        diagnostic << "the best peak reached is "
                   << std::min(result.check.peakBytes, best.orderPeak)
                   << " bytes; the proven floor is " << result.budgetFloor
                   << " bytes";
      diagnostic << "; the function is left unchanged";
      return failure();
    }

    Block &block = *model->block;
    SmallVector<Operation *> givenOrder(llvm::make_pointer_range(block));
    SummaryExtras extras = SummaryExtras::from(
        getCurrentSummary(function, *model, ModelOptions()));
    // The timeline of the given order, recorded once the rewrite is kept.
    ReplacedOrder replaced =
        describeReplacedOrder(function, *model, ModelOptions());
    if (!best.order.empty()) {
      if (std::optional<std::string> problemFound = applyCheckedOrder(
              function, *model, best.order, extraction.pureDialects)) {
        function->emitError()
            << "memopt-remat: the " << best.scheduler
            << " order would change the program (" << *problemFound
            << "); the function is left unchanged";
        return failure();
      }
      // Node k of the rebuilt model is node order[k] of the old one, as in
      // the reordered problem that was solved.
      model = buildFunctionMemoryModel(function, extraction);
      int64_t peak =
          succeeded(model)
              ? computeProfile(model->graph, inputOrder(model->graph)).peakBytes
              : -1;
      if (peak != best.orderPeak) {
        restoreOrder(block, givenOrder);
        function->emitError()
            << "memopt-remat: the reordered body peaks at " << peak
            << " bytes, not the scheduled " << best.orderPeak
            << "; the function is left unchanged";
        return failure();
      }
      extras.algorithm = best.scheduler;
      extras.inputPeakBytes = inputPeak;
    }

    Rewrite rewrite = applySchedule(*model, result.schedule.sequence);
    std::optional<std::string> problemFound = verifyFunction(function);
    FailureOr<BlockMemoryModel> after = failure();
    int64_t peak = -1;
    if (!problemFound) {
      after = buildFunctionMemoryModel(function, extraction);
      if (succeeded(after))
        peak = computeProfile(after->graph, inputOrder(after->graph)).peakBytes;
      if (peak < 0 || peak > problem.budget)
        problemFound = "the rewritten function peaks at " +
                       std::to_string(peak) + " bytes, not within the budget";
    }
    if (problemFound) {
      rewrite.undo();
      if (!best.order.empty())
        restoreOrder(block, givenOrder);
      function->emitError() << "memopt-remat: " << *problemFound
                            << "; the function is left unchanged";
      return failure();
    }
    recordReplacedOrder(function, replaced);
    numRecomputations += rewrite.clones.size();

    // The scheduler's bound and status speak of orders without
    // recomputation; the summary recomputes its own for the new body.
    extras.status.reset();
    extras.lowerBoundBytes.reset();
    if (!rewrite.clones.empty())
      extras.algorithm = "remat";
    // An arena planned before the clones or the new order no longer applies.
    if (!rewrite.clones.empty() || !best.order.empty()) {
      extras.arenaBytes.reset();
      extras.arenaAlgorithm.reset();
      extras.arenaStatus.reset();
      extras.arenaTimeUs.reset();
    }
    bool annotated = hasOpAnnotations(*after->block);
    clearOpAnnotations(function);
    if (annotated)
      annotateLifetimes(*after);
    function->setAttr(attr_names::kSummary,
                      buildSummary(*after, ModelOptions(), extras));

    std::optional<int64_t> solveTimeUs;
    if (recordTimes)
      solveTimeUs = int64_t(seconds * 1e6);
    std::optional<int64_t> reorderedPeak;
    if (!best.order.empty())
      reorderedPeak = best.orderPeak;
    function->setAttr(attr_names::kRemat,
                      RematAttr::get(function->getContext(), problem.budget,
                                     inputPeak, reorderedPeak, peak,
                                     problem.baseCost(), result.check.addedCost,
                                     rewrite.clones.size(), result.algorithm,
                                     result.status == RematStatus::Optimal
                                         ? SolveStatus::optimal
                                         : SolveStatus::feasible,
                                     result.costLowerBound, solveTimeUs));
    return success();
  }
};
} // namespace
