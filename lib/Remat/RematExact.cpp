//===- RematExact.cpp - Checkmate's MILP for rematerialization ------------===//
//
// Part of memopt. Stage t runs node t last, after the recomputations of the
// stage in id order. Binaries: R[t,i] (node i runs in stage t), S[t,i] (the
// output of i is held from stage t-1 into t), F[t,i,k] (the output of i is
// freed after node k runs in stage t). Minimises the added cost, the sum of
// the costs of R[t,i] with i < t.
//
//===----------------------------------------------------------------------===//

#include "memopt/Remat/Remat.h"

#include "llvm/ADT/STLExtras.h"

#include <glpk.h>

#include <chrono>
#include <cmath>
#include <numeric>

using namespace memopt;

namespace {
/// The program's columns and rows, kept apart from GLPK until loaded.
class RematProgram {
public:
  explicit RematProgram(const RematProblem &problem);

  /// Whether the accounting is exact: one activation result per node at most
  /// and no activation arguments. Otherwise it overestimates live bytes.
  bool exact() const { return exactAccounting; }
  /// Loads the columns and rows into `lp`.
  void load(glp_prob *lp) const;
  /// The execution sequence of an integer solution.
  std::vector<unsigned> sequence(glp_prob *lp) const;

private:
  /// Column index (1-based) or 0 when the variable is fixed at 0.
  unsigned &r(unsigned t, unsigned i) { return rColumn[t * n + i]; }
  unsigned &s(unsigned t, unsigned i) { return sColumn[t * n + i]; }
  unsigned r(unsigned t, unsigned i) const { return rColumn[t * n + i]; }
  unsigned s(unsigned t, unsigned i) const { return sColumn[t * n + i]; }
  unsigned addColumn(double cost, double low, double high) {
    columns.push_back({cost, low, high});
    return columns.size();
  }
  struct Row {
    std::vector<std::pair<unsigned, double>> terms;
    double high;
  };
  /// Adds sum(terms) <= high, dropping absent (0) columns.
  void addRow(std::initializer_list<std::pair<unsigned, double>> terms,
              double high);

  struct Column {
    double cost, low, high;
  };
  unsigned n;
  bool exactAccounting = true;
  std::vector<unsigned> rColumn, sColumn;
  std::vector<Column> columns;
  std::vector<Row> rows;
};

RematProgram::RematProgram(const RematProblem &problem)
    : n(problem.graph.numNodes()) {
  const MemoryGraph &graph = problem.graph;
  // Bytes of each node's activation results, scaled by their common divisor.
  std::vector<int64_t> bytes(n, 0);
  std::vector<bool> escapes(n, false);
  std::vector<std::vector<unsigned>> producers(n), users(n);
  int64_t argumentBytes = 0;
  for (unsigned v = 0; v < graph.numValues(); ++v) {
    const MemoryGraph::Value &value = graph.value(v);
    if (!graph.isActivation(v))
      continue;
    if (!value.producer) {
      argumentBytes += value.size;
      exactAccounting &= value.size == 0;
      continue;
    }
    unsigned producer = *value.producer;
    exactAccounting &= bytes[producer] == 0 || value.size == 0;
    bytes[producer] += value.size;
    escapes[producer] = escapes[producer] || value.escapes;
  }
  for (unsigned i = 0; i < n; ++i) {
    for (unsigned operand : graph.node(i).operands)
      if (std::optional<unsigned> producer = graph.value(operand).producer)
        producers[i].push_back(*producer);
    llvm::sort(producers[i]);
    producers[i].erase(llvm::unique(producers[i]), producers[i].end());
    for (unsigned producer : producers[i])
      users[producer].push_back(i);
  }
  int64_t unit = 0;
  for (int64_t size : bytes)
    unit = std::gcd(unit, size);
  unit = std::max<int64_t>(unit, 1);
  double budget = double((problem.budget - argumentBytes) / unit);

  rColumn.assign(n * n, 0);
  sColumn.assign(n * n, 0);
  for (unsigned t = 0; t < n; ++t) {
    for (unsigned i = 0; i < t; ++i) {
      if (problem.isRecomputable(i))
        r(t, i) = addColumn(double(problem.costs[i]), 0, 1);
      // Holding i into stage t helps only if a later run reads it.
      bool read = llvm::any_of(users[i], [&](unsigned j) {
        return j >= t || problem.isRecomputable(j);
      });
      if (escapes[i])
        s(t, i) = addColumn(0, 1, 1);
      else if (read)
        s(t, i) = addColumn(0, 0, 1);
    }
    r(t, t) = addColumn(0, 1, 1);
  }
  for (unsigned t = 0; t < n; ++t) {
    for (unsigned i = 0; i <= t; ++i) {
      if (!r(t, i))
        continue;
      // A run finds the outputs of its producers computed or held.
      for (unsigned j : producers[i])
        addRow({{r(t, i), 1}, {r(t, j), -1}, {s(t, j), -1}}, 0);
    }
    for (unsigned i = 0; t > 0 && i < t; ++i)
      if (s(t, i))
        addRow({{s(t, i), 1}, {r(t - 1, i), -1}, {s(t - 1, i), -1}}, 0);
  }
  // Frees, then the live bytes at each run of each stage.
  for (unsigned t = 0; t < n; ++t) {
    // freedAfter[k]: (column, bytes) of the outputs freed after node k runs.
    std::vector<std::vector<std::pair<unsigned, double>>> freedAfter(t + 1);
    for (unsigned i = 0; i <= t; ++i) {
      if (escapes[i] || bytes[i] == 0 || (!r(t, i) && !s(t, i)))
        continue;
      std::vector<unsigned> points = {i};
      for (unsigned j : users[i])
        if (j <= t && r(t, j))
          points.push_back(j);
      for (unsigned a = 0; a < points.size(); ++a) {
        unsigned k = points[a];
        unsigned column = addColumn(0, 0, 1);
        addRow({{column, 1}, {r(t, k), -1}}, 0);
        if (t + 1 < n && s(t + 1, i))
          addRow({{column, 1}, {s(t + 1, i), 1}}, 1);
        for (unsigned b = a + 1; b < points.size(); ++b)
          addRow({{column, 1}, {r(t, points[b]), 1}}, 1);
        freedAfter[k].push_back({column, double(bytes[i] / unit)});
      }
    }
    Row live{{}, budget};
    for (unsigned i = 0; i < t; ++i)
      if (s(t, i) && bytes[i])
        live.terms.push_back({s(t, i), double(bytes[i] / unit)});
    for (unsigned k = 0; k <= t; ++k) {
      if (k > 0)
        for (auto [column, size] : freedAfter[k - 1])
          live.terms.push_back({column, -size});
      if (!r(t, k))
        continue;
      if (bytes[k])
        live.terms.push_back({r(t, k), double(bytes[k] / unit)});
      rows.push_back(live);
    }
  }
}

void RematProgram::addRow(
    std::initializer_list<std::pair<unsigned, double>> terms, double high) {
  Row row{{}, high};
  for (auto term : terms)
    if (term.first)
      row.terms.push_back(term);
  rows.push_back(std::move(row));
}

void RematProgram::load(glp_prob *lp) const {
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_cols(lp, columns.size());
  for (unsigned c = 0; c < columns.size(); ++c) {
    glp_set_col_kind(lp, c + 1, GLP_BV);
    glp_set_col_bnds(lp, c + 1,
                     columns[c].low == columns[c].high ? GLP_FX : GLP_DB,
                     columns[c].low, columns[c].high);
    glp_set_obj_coef(lp, c + 1, columns[c].cost);
  }
  glp_add_rows(lp, rows.size());
  std::vector<int> indices;
  std::vector<double> values;
  for (unsigned r = 0; r < rows.size(); ++r) {
    indices.assign(1, 0);
    values.assign(1, 0);
    for (auto [column, coefficient] : rows[r].terms) {
      indices.push_back(column);
      values.push_back(coefficient);
    }
    glp_set_mat_row(lp, r + 1, indices.size() - 1, indices.data(),
                    values.data());
    glp_set_row_bnds(lp, r + 1, GLP_UP, 0, rows[r].high);
  }
}

std::vector<unsigned> RematProgram::sequence(glp_prob *lp) const {
  std::vector<unsigned> order;
  for (unsigned t = 0; t < n; ++t)
    for (unsigned i = 0; i <= t; ++i)
      if (r(t, i) && glp_mip_col_val(lp, r(t, i)) > 0.5)
        order.push_back(i);
  return order;
}

/// Stops branch and bound after a number of subproblems or a deadline.
struct Limits {
  unsigned maxSubproblems;
  std::chrono::steady_clock::time_point deadline;
};

void limitCallback(glp_tree *tree, void *data) {
  auto &limits = *static_cast<Limits *>(data);
  int total = 0;
  glp_ios_tree_size(tree, nullptr, nullptr, &total);
  if (unsigned(total) > limits.maxSubproblems ||
      std::chrono::steady_clock::now() > limits.deadline)
    glp_ios_terminate(tree);
}
} // namespace

RematResult memopt::solveRematExact(const RematProblem &problem,
                                    const RematOptions &options) {
  RematResult best = solveRematLocalSearch(problem, options);
  unsigned n = problem.graph.numNodes();
  if (best.status == RematStatus::Infeasible ||
      best.status == RematStatus::Optimal || n > options.maxBoundNodes)
    return best;

  auto start = std::chrono::steady_clock::now();
  Limits limits{options.maxExactSubproblems,
                start + std::chrono::milliseconds(
                            int64_t(options.timeLimitSeconds * 1000))};
  auto millisecondsLeft = [&]() {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        limits.deadline - std::chrono::steady_clock::now());
    return int(std::clamp<int64_t>(left.count(), 1, 1 << 30));
  };
  RematProgram program(problem);
  int previousOutput = glp_term_out(GLP_OFF);
  glp_prob *lp = glp_create_prob();
  program.load(lp);
  glp_smcp simplex;
  glp_init_smcp(&simplex);
  simplex.msg_lev = GLP_MSG_OFF;
  simplex.presolve = GLP_ON;
  simplex.tm_lim = millisecondsLeft();
  int code = glp_simplex(lp, &simplex);
  bool relaxed = code == 0 && glp_get_status(lp) == GLP_OPT;
  // A bound from the program holds only when its accounting is exact. An
  // infeasible program proves nothing beyond the stage model, so the status
  // stays NotFound then.
  if (program.exact() && relaxed)
    best.costLowerBound = int64_t(std::ceil(glp_get_obj_val(lp) - 1e-6));

  if (relaxed && n <= options.maxExactNodes) {
    glp_iocp integer;
    glp_init_iocp(&integer);
    integer.msg_lev = GLP_MSG_OFF;
    integer.cb_func = limitCallback;
    integer.cb_info = &limits;
    integer.tm_lim = millisecondsLeft();
    int intCode = glp_intopt(lp, &integer);
    int status = glp_mip_status(lp);
    if (status == GLP_OPT || status == GLP_FEAS) {
      RematSchedule schedule{program.sequence(lp)};
      RematCheck check = checkRematSchedule(problem, schedule);
      bool better = check.valid &&
                    (!best.check.valid ||
                     check.addedCost < best.check.addedCost);
      if (better) {
        best.schedule = std::move(schedule);
        best.check = std::move(check);
        best.status = RematStatus::Feasible;
        best.algorithm = "exact";
      }
      if (intCode == 0 && status == GLP_OPT && program.exact())
        best.costLowerBound =
            int64_t(std::ceil(glp_mip_obj_val(lp) - 1e-6));
    }
  }
  glp_delete_prob(lp);
  glp_term_out(previousOutput);
  if (best.check.valid && best.costLowerBound &&
      best.check.addedCost <= *best.costLowerBound)
    best.status = RematStatus::Optimal;
  return best;
}

RematResult memopt::solveRemat(const RematProblem &problem,
                               const RematOptions &options) {
  if (problem.graph.numNodes() <= options.maxExactNodes)
    return solveRematExact(problem, options);
  return solveRematLocalSearch(problem, options);
}
