//===- Remat.h - Rematerialization on a fixed order -------------*- C++ -*-===//
//
// Part of memopt. The IR-free rematerialization problem (docs/Remat.md): a
// MemoryGraph in its input order, a compute cost per node and a budget in
// bytes. A solution is an execution sequence in which a node may run more than
// once; it must keep the live bytes within the budget at every step while
// adding as little compute as possible. It knows nothing of MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_REMAT_REMAT_H
#define MEMOPT_REMAT_REMAT_H

#include "memopt/Model/MemoryGraph.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memopt {

/// A rematerialization problem. The first execution of every node follows the
/// input order `0..numNodes()-1`; only nodes marked recomputable may run again.
struct RematProblem {
  MemoryGraph graph;
  /// Compute cost of one execution of each node (non-negative).
  std::vector<int64_t> costs;
  /// Whether each node may run more than once; empty means every node may.
  std::vector<bool> recomputable;
  /// Largest live activation bytes allowed at any step.
  int64_t budget = 0;

  bool isRecomputable(unsigned node) const {
    return recomputable.empty() || recomputable[node];
  }
  /// Sum of the costs of all nodes, each run once.
  int64_t baseCost() const;
};

/// A rematerialization solution: node ids in execution order. Retention is
/// implied and minimal: the copy of a value made by an execution is held from
/// that step through its last read before the next execution of its producer
/// (inclusive); the last copy of an escaping value is held to the last step;
/// a copy nobody reads is live at its own step only. Arguments (values without
/// producer) are live from step 0 through their last read, as in the memory
/// model.
struct RematSchedule {
  std::vector<unsigned> sequence;
};

/// `problem` with its nodes renumbered so that `order`, a valid schedule of its
/// graph, becomes the input order: node k of the result is node `order[k]` of
/// `problem`. Value ids are kept. A solution of the result runs node
/// `order[s]` of `problem` where it runs node `s`.
RematProblem reorderRematProblem(const RematProblem &problem,
                                 llvm::ArrayRef<unsigned> order);

/// What the independent checker finds.
struct RematCheck {
  /// The sequence is well formed: every node runs, first executions follow the
  /// input order, only recomputable nodes repeat, and every execution finds
  /// its operands computed and its ordering predecessors run.
  bool wellFormed = false;
  /// Well formed and the peak is within the budget.
  bool valid = false;
  /// First violation, when not valid.
  std::string reason;
  /// Live activation bytes per step of the sequence.
  std::vector<int64_t> liveBytes;
  int64_t peakBytes = 0;
  unsigned peakStep = 0;
  /// Sum of the costs of all executions beyond each node's first.
  int64_t addedCost = 0;
};

/// Simulates `schedule` on `problem` from scratch. Shares no code with the
/// solvers, so every solver result is re-checked by it.
RematCheck checkRematSchedule(const RematProblem &problem,
                              const RematSchedule &schedule);

/// The least budget any schedule can meet: the largest single-node working set
/// (activation operands plus results) and the bytes of all escaping values,
/// which are live together at the last step. A budget below it is infeasible.
int64_t rematBudgetFloor(const RematProblem &problem);

enum class RematStatus {
  /// A valid schedule whose added cost is proven least.
  Optimal,
  /// A valid schedule, not proven least.
  Feasible,
  /// The budget is below rematBudgetFloor: no schedule exists.
  Infeasible,
  /// No schedule within the budget was found, none proven impossible.
  NotFound,
};

llvm::StringRef stringifyRematStatus(RematStatus status);

/// Effort limits. The deterministic ones bound the work; the time limit is only
/// a safety net.
struct RematOptions {
  /// Greedy: recomputations inserted at most.
  unsigned maxGreedySteps = 100000;
  /// Greedy: candidates simulated per step, best estimated first.
  unsigned candidatesPerStep = 16;
  /// Exact: largest graph given to the MILP (stages x nodes grows as n^2).
  unsigned maxExactNodes = 40;
  /// Exact: branch-and-bound subproblems explored at most.
  unsigned maxExactSubproblems = 20000;
  /// Exact and its LP relaxation: graphs up to this size get a lower bound.
  unsigned maxBoundNodes = 120;
  /// Local search: steps simulated at most (deterministic effort; about a
  /// second per million on the benchmarks' graphs here).
  uint64_t maxLocalSearchWork = 4000000;
  /// Local search: ruin-and-recreate rounds at most.
  unsigned maxLocalSearchRounds = 2000;
  /// Local search: seed of its random choices.
  uint64_t localSearchSeed = 1;
  /// Safety net on the exact solver, in seconds.
  double timeLimitSeconds = 60;
};

/// The outcome of a solver, re-checked with checkRematSchedule.
struct RematResult {
  RematStatus status = RematStatus::NotFound;
  /// The solver that found `schedule`: "greedy", "local-search" or "exact".
  std::string algorithm = "greedy";
  /// The schedule within the budget, or with the lowest peak reached.
  RematSchedule schedule;
  /// The checker's verdict on `schedule`.
  RematCheck check;
  /// rematBudgetFloor of the problem.
  int64_t budgetFloor = 0;
  /// A proven lower bound on the added cost of any valid schedule, when known.
  std::optional<int64_t> costLowerBound;
};

/// XLA-flavoured greedy: at the first peak step above the budget, recomputes
/// the value live across it (and not read there) that removes the most bytes
/// per unit of cost, right before its next read, and repeats until within the
/// budget or no candidate lowers the total excess; then drops recomputations
/// the budget no longer needs, costliest first.
RematResult solveRematGreedy(const RematProblem &problem,
                             const RematOptions &options = {});

/// The greedy, then a large-neighbourhood search: drops the recomputations
/// in a random window of the best schedule and re-inserts recomputations
/// with the greedy's moves ranked with noise, keeping what adds no more cost.
/// Deterministic: bounded by steps simulated, with a fixed seed.
RematResult solveRematLocalSearch(const RematProblem &problem,
                                  const RematOptions &options = {});

/// Checkmate's MILP over stages (stage t runs node t last, after any
/// recomputations in id order), minimising the added cost, solved with GLPK.
/// Its memory accounting is exact for graphs without activation arguments and
/// with one result per node (else conservative). Also gives the LP relaxation
/// bound. Falls back to the local search's schedule when the MILP finds
/// nothing better.
RematResult solveRematExact(const RematProblem &problem,
                            const RematOptions &options = {});

/// Exact for small graphs, the local search otherwise.
RematResult solveRemat(const RematProblem &problem,
                       const RematOptions &options = {});

} // namespace memopt

#endif // MEMOPT_REMAT_REMAT_H
