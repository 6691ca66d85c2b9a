//===- Remat.cpp - Recompute values to meet an activation budget ----------===//
//
// Thin pass over the IR-free remat solvers: extract each function body's
// memory graph, solve on the current order, check the schedule
// independently, clone the recomputed ops, then verify the function and
// re-extract its model to confirm the peak; any failure restores the body.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Remat/Remat.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include <cmath>

namespace memopt {
#define GEN_PASS_DEF_MEMOPTREMAT
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {
int64_t numElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return shaped && shaped.hasStaticShape() ? shaped.getNumElements() : 0;
}

/// The compute cost of one run of `op`: the `memopt.cost` attribute if any;
/// zero for views; FLOPs (2 x output elements x reduction size) for
/// convolutions and matrix products; result elements otherwise.
int64_t computeCost(Operation *op) {
  if (auto cost = op->getAttrOfType<IntegerAttr>(attr_names::kCost))
    return std::max<int64_t>(cost.getInt(), 0);
  if (isa<ViewLikeOpInterface>(op) || op->getNumResults() == 0)
    return 0;
  int64_t output = 0;
  for (Type type : op->getResultTypes())
    output += numElements(type);
  StringRef name = op->getName().stripDialect();
  auto outputType = dyn_cast<ShapedType>(op->getResult(0).getType());
  if (op->getNumOperands() >= 2 && outputType && outputType.hasStaticShape() &&
      outputType.getRank() > 0) {
    auto lhs = dyn_cast<ShapedType>(op->getOperand(0).getType());
    // Filters are laid out so that their elements divided by the output
    // channels are the reduction size (tosa and linalg layouts alike).
    if (name.contains("conv") && outputType.getShape().back() > 0)
      return 2 * output * numElements(op->getOperand(1).getType()) /
             outputType.getShape().back();
    if (name.contains("matmul") && lhs && lhs.hasStaticShape() &&
        lhs.getRank() > 0)
      return 2 * output * lhs.getShape().back();
  }
  return output;
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

struct RematPass : public memopt::impl::MemOptRematBase<RematPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    if (algorithm != "greedy" && algorithm != "exact" && algorithm != "auto") {
      getOperation()->emitError()
          << "memopt-remat: unknown algorithm '" << algorithm
          << "'; expected greedy, exact or auto";
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

  LogicalResult rematFunction(FunctionOpInterface function,
                              const ExtractionOptions &extraction) {
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    RematProblem problem;
    problem.graph = model->graph;
    for (Operation *op : model->nodeOps) {
      problem.costs.push_back(computeCost(op));
      problem.recomputable.push_back(op->getNumRegions() == 0 &&
                                     op->getNumResults() > 0 &&
                                     isAssumedPure(op, extraction.pureDialects));
    }
    int64_t inputPeak =
        computeProfile(problem.graph, inputOrder(problem.graph)).peakBytes;
    problem.budget = budget > 0 ? int64_t(budget)
                                : int64_t(std::ceil(budgetRatio * inputPeak));

    RematResult result = algorithm == "greedy" ? solveRematGreedy(problem)
                         : algorithm == "exact" ? solveRematExact(problem)
                                                : solveRemat(problem);
    RematCheck check = checkRematSchedule(problem, result.schedule);
    if (!check.valid) {
      InFlightDiagnostic diagnostic = function->emitError();
      diagnostic << "memopt-remat: cannot meet the budget of "
                 << problem.budget << " bytes: ";
      if (result.status == RematStatus::Infeasible)
        diagnostic << "one op needs " << result.budgetFloor
                   << " bytes (proven floor)";
      else
        diagnostic << "the best peak reached is "
                   << std::min(check.peakBytes, inputPeak)
                   << " bytes; the proven floor is " << result.budgetFloor
                   << " bytes";
      diagnostic << "; the function is left unchanged";
      return failure();
    }
    if (check.addedCost == 0 && result.schedule.sequence.size() ==
                                    model->nodeOps.size())
      return success();

    ReplacedOrder replaced =
        describeReplacedOrder(function, *model, ModelOptions());
    Rewrite rewrite = applySchedule(*model, result.schedule.sequence);
    std::optional<std::string> problemFound = verifyFunction(function);
    FailureOr<BlockMemoryModel> after = failure();
    if (!problemFound) {
      after = buildFunctionMemoryModel(function, extraction);
      int64_t peak =
          succeeded(after)
              ? computeProfile(after->graph, inputOrder(after->graph)).peakBytes
              : -1;
      if (peak < 0 || peak > problem.budget)
        problemFound = "the rewritten function peaks at " +
                       std::to_string(peak) + " bytes, not within the budget";
    }
    if (problemFound) {
      rewrite.undo();
      function->emitError() << "memopt-remat: " << *problemFound
                            << "; the function is left unchanged";
      return failure();
    }
    recordReplacedOrder(function, replaced);
    numRecomputations += rewrite.clones.size();
    SummaryExtras extras = SummaryExtras::from(getSummary(function));
    extras.algorithm = "remat-" + algorithm;
    extras.status = result.status == RematStatus::Optimal
                        ? SolveStatus::optimal
                        : SolveStatus::feasible;
    // An arena planned before the clones no longer applies.
    extras.arenaBytes.reset();
    extras.arenaAlgorithm.reset();
    extras.arenaStatus.reset();
    extras.arenaTimeUs.reset();
    bool annotated = hasOpAnnotations(*after->block);
    clearOpAnnotations(function);
    if (annotated)
      annotateLifetimes(*after);
    function->setAttr(attr_names::kSummary,
                      buildSummary(*after, ModelOptions(), extras));
    return success();
  }
};
} // namespace
