//===- memopt-remat-bench.cpp - Remat solvers on Checkmate/Moccasin graphs ===//
//
// Part of memopt. Reads node-link JSON graphs (see RematGraphImport.h), sets
// the budget to ceil(ratio x peak of the given order) as Moccasin does, runs a
// remat solver and prints what the independent checker measured. With
// --reorder it also solves on the memory scheduler's order of the graph and
// keeps the better result, as `--memopt-remat` does.
//
//===----------------------------------------------------------------------===//

#include "memopt/Remat/Remat.h"
#include "memopt/Schedule/RematGraphImport.h"
#include "memopt/Schedule/Scheduler.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

using namespace memopt;

static llvm::cl::list<std::string> files(llvm::cl::Positional,
                                         llvm::cl::desc("<graph.json>..."),
                                         llvm::cl::OneOrMore);
static llvm::cl::opt<double>
    budgetRatio("budget-ratio",
                llvm::cl::desc("Budget as a fraction of the given order's peak"),
                llvm::cl::init(0.9));
static llvm::cl::opt<std::string>
    algorithm("algorithm", llvm::cl::desc("greedy, search, exact or auto"),
              llvm::cl::init("auto"));
static llvm::cl::opt<bool>
    reorder("reorder",
            llvm::cl::desc("Also solve on the memory scheduler's order and "
                           "keep the better result"));
static llvm::cl::opt<bool> json("json",
                                llvm::cl::desc("One JSON object per graph"));
static llvm::cl::opt<unsigned>
    maxExactNodes("max-exact-nodes",
                  llvm::cl::desc("Largest graph given to the MILP"),
                  llvm::cl::init(RematOptions().maxExactNodes));
static llvm::cl::opt<unsigned> maxBoundNodes(
    "max-bound-nodes",
    llvm::cl::desc("Largest graph given the LP relaxation bound"),
    llvm::cl::init(RematOptions().maxBoundNodes));
static llvm::cl::opt<unsigned> maxSubproblems(
    "max-subproblems", llvm::cl::desc("Branch-and-bound subproblems at most"),
    llvm::cl::init(RematOptions().maxExactSubproblems));
static llvm::cl::opt<uint64_t> searchWork(
    "search-work", llvm::cl::desc("Local search: steps simulated at most"),
    llvm::cl::init(RematOptions().maxLocalSearchWork));
static llvm::cl::opt<double>
    timeLimit("time-limit", llvm::cl::desc("Safety net per graph, seconds"),
              llvm::cl::init(RematOptions().timeLimitSeconds));

int main(int argc, char **argv) {
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "memopt rematerialization benchmark\n");
  if (algorithm != "greedy" && algorithm != "exact" && algorithm != "search" &&
      algorithm != "auto") {
    llvm::errs() << "error: --algorithm must be greedy, search, exact or "
                    "auto\n";
    return 1;
  }
  RematOptions options;
  options.maxExactNodes = maxExactNodes;
  options.maxBoundNodes = maxBoundNodes;
  options.maxExactSubproblems = maxSubproblems;
  options.timeLimitSeconds = timeLimit;
  options.maxLocalSearchWork = searchWork;
  if (!json)
    llvm::outs() << llvm::format(
        "%-34s %5s %14s %14s %14s %12s %12s %8s %-10s %12s %8s\n", "graph",
        "nodes", "peak", "order peak", "budget", "base cost", "added cost",
        "TDI %", "status", "cost bound", "seconds");
  int exitCode = 0;
  for (const std::string &file : files) {
    llvm::Expected<RematGraph> loaded = loadRematGraph(file);
    if (!loaded) {
      llvm::errs() << "error: " << llvm::toString(loaded.takeError()) << "\n";
      exitCode = 1;
      continue;
    }
    RematProblem problem;
    problem.graph = std::move(loaded->graph);
    problem.costs = std::move(loaded->computeCosts);
    int64_t peak =
        computeProfile(problem.graph, inputOrder(problem.graph)).peakBytes;
    problem.budget = int64_t(std::ceil(budgetRatio * double(peak)));

    auto start = std::chrono::steady_clock::now();
    auto solve = [&](const RematProblem &problem) {
      RematResult result =
          algorithm == "greedy"   ? solveRematGreedy(problem, options)
          : algorithm == "exact"  ? solveRematExact(problem, options)
          : algorithm == "search" ? solveRematLocalSearch(problem, options)
                                  : solveRemat(problem, options);
      // Re-check what the solver returned, independently of its own claim.
      RematCheck check = checkRematSchedule(problem, result.schedule);
      if (check.valid != result.check.valid ||
          check.addedCost != result.check.addedCost) {
        llvm::errs() << "error: " << file << ": the checker disagrees with "
                     << "the solver: " << check.reason << "\n";
        exitCode = 1;
      }
      return result;
    };
    RematResult result = solve(problem);
    // The peak of the order the kept result starts from.
    int64_t orderPeak = peak;
    std::string scheduler = "input";
    if (reorder && result.status != RematStatus::Infeasible &&
        (!result.check.valid || result.check.addedCost > 0)) {
      ScheduleResult scheduled = scheduleForMemory(problem.graph, {});
      if (std::optional<std::string> invalid =
              checkSchedule(problem.graph, scheduled, ModelOptions())) {
        llvm::errs() << "error: " << file << ": invalid schedule: " << *invalid
                     << "\n";
        exitCode = 1;
      } else if (scheduled.peakBytes < peak) {
        RematResult reordered =
            solve(reorderRematProblem(problem, scheduled.order));
        const RematCheck &a = reordered.check, &b = result.check;
        if (a.valid != b.valid ? a.valid
            : a.valid && a.addedCost != b.addedCost
                ? a.addedCost < b.addedCost
                : a.peakBytes < b.peakBytes) {
          result = std::move(reordered);
          orderPeak = scheduled.peakBytes;
          scheduler = scheduled.algorithm;
        }
      }
    }
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    const RematCheck &check = result.check;
    int64_t base = problem.baseCost();
    double tdi = base ? 100.0 * double(check.addedCost) / double(base) : 0;
    std::string name = llvm::sys::path::stem(file).str();
    llvm::StringRef status = stringifyRematStatus(result.status);
    if (json) {
      llvm::json::Object object{
          {"graph", name},
          {"nodes", int64_t(problem.graph.numNodes())},
          {"ratio", budgetRatio.getValue()},
          {"peak", peak},
          {"order_peak", orderPeak},
          {"order", scheduler},
          {"algorithm", result.algorithm},
          {"budget", problem.budget},
          {"floor", result.budgetFloor},
          {"reached_peak", check.peakBytes},
          {"base_cost", base},
          {"added_cost", check.addedCost},
          {"tdi_percent", tdi},
          {"status", status},
          {"seconds", seconds}};
      if (result.costLowerBound)
        object["cost_lower_bound"] = *result.costLowerBound;
      llvm::outs() << llvm::json::Value(std::move(object)) << "\n";
    } else {
      std::string bound =
          result.costLowerBound ? std::to_string(*result.costLowerBound) : "-";
      llvm::outs() << llvm::format(
          "%-34s %5u %14lld %14lld %14lld %12lld %12lld %8.3f %-10s %12s "
          "%8.2f\n",
          name.substr(0, 34).c_str(), problem.graph.numNodes(), (long long)peak,
          (long long)orderPeak, (long long)problem.budget, (long long)base,
          (long long)check.addedCost, tdi, status.str().c_str(), bound.c_str(),
          seconds);
    }
  }
  return exitCode;
}
