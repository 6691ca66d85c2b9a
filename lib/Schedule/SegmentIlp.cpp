//===- SegmentIlp.cpp - OLLA's ordering program for one segment -----------===//
//
// Variables, for time steps t in [0, T):
//   x[v,t]  binary, node v runs at step t (only inside v's ASAP/ALAP window);
//   L[e,t]  in [0,1], value e is live at step t without being created there:
//           values of the segment after their producer's step, and values
//           from before the segment until their last reader;
//   y[.,t]  in [0,1], in-place credit of a result written over a dying
//           operand of the same size;
//   peak    the objective.
// Dependences are strict (a reader runs at a later step than the producer),
// so the nodes of one step are independent. Memory at step t counts the
// results of every node of the step, every live value and the bytes live
// throughout the segment; it bounds every step of any order of the step's
// nodes, and equals the peak of the order when each step holds one node.
//
//===----------------------------------------------------------------------===//

#include "SegmentIlp.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include <glpk.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>

using namespace memopt;

namespace {
/// Programs with more columns than this are not built: GLPK's simplex
/// neither solves them in useful time nor stops on time.
constexpr size_t kMaxColumns = 50000;
/// Nodes of one time step are ordered exactly up to this many states.
constexpr size_t kMaxStepStates = 1 << 16;
/// Work units (see WorkMeter) charged per simplex iteration: GLPK stops after
/// as many iterations as the work left pays for, which keeps its answer
/// deterministic.
constexpr uint64_t kWorkPerIteration = 200;

/// A value whose liveness the program tracks with L[e,t] over [first, last].
struct LiveRange {
  unsigned value;
  /// Size divided by the common divisor of all sizes.
  int64_t units;
  /// Producing node (local), if the value is produced in the segment.
  std::optional<unsigned> producer;
  /// Live to the end of the segment whatever happens (escaping, or read
  /// after the segment).
  bool mustStayLive;
  unsigned first, last;
  /// GLPK column of L[e, first].
  int firstColumn;
  std::vector<unsigned> readers;
};

/// A result of a node that may be written over one of its operands.
struct InPlacePair {
  unsigned node;
  unsigned result;
  unsigned operand;
  int64_t units;
};

struct Row {
  std::vector<std::pair<int, double>> terms;
  int type;
  double low, high;
};

class OrderingProgram {
public:
  OrderingProgram(const SegmentModel &segment,
                  llvm::ArrayRef<unsigned> warmStart, unsigned timeSteps);

  unsigned timeSteps() const { return numSteps; }
  size_t estimatedColumns() const;
  /// Builds the program; returns the warm start as GLPK column values
  /// (index 0 unused).
  std::vector<double> build(glp_prob *problem);
  /// Step of each node in the solution stored in `problem`.
  std::vector<unsigned> solutionSteps(glp_prob *problem) const;
  int64_t unitBytes() const { return unit; }

private:
  int addColumn(int kind, double low, double high);
  int xColumn(unsigned node, unsigned step) const {
    return nodeColumn[node] + int(step - asap[node]);
  }
  bool inWindow(unsigned node, unsigned step) const {
    return step >= asap[node] && step <= alap[node];
  }
  /// Column of L[e,t], or 0 when e is not tracked at t.
  int liveColumn(unsigned value, unsigned step) const;
  void addRow(Row row) { rows.push_back(std::move(row)); }

  const SegmentModel &segment;
  const MemoryGraph &graph;
  unsigned size;
  unsigned numSteps;
  std::vector<unsigned> asap, alap, warmStep;
  int64_t unit = 1;
  std::vector<LiveRange> ranges;
  llvm::DenseMap<unsigned, unsigned> rangeOf;
  std::vector<InPlacePair> pairs;

  std::vector<int> columnKinds;
  std::vector<double> columnLow, columnHigh;
  std::vector<int> nodeColumn;
  int peakColumn = 0;
  std::vector<Row> rows;
};
} // namespace

OrderingProgram::OrderingProgram(const SegmentModel &segment,
                                 llvm::ArrayRef<unsigned> warmStart,
                                 unsigned timeSteps)
    : segment(segment), graph(segment.getGraph()), size(segment.size()),
      asap(size, 0), alap(size, 0), warmStep(size, 0) {
  // Local ids are topological: longest paths in one sweep each way.
  std::vector<unsigned> height(size, 0);
  unsigned longestPath = 0;
  for (unsigned v = 0; v < size; ++v) {
    for (unsigned pred : segment.preds(v))
      asap[v] = std::max(asap[v], asap[pred] + 1);
    longestPath = std::max(longestPath, asap[v] + 1);
  }
  for (unsigned v = size; v-- > 0;)
    for (unsigned succ : segment.succs(v))
      height[v] = std::max(height[v], height[succ] + 1);
  numSteps = timeSteps
                 ? std::clamp(timeSteps, longestPath, size)
                 : std::min<unsigned>(std::ceil(1.01 * longestPath), size);
  for (unsigned v = 0; v < size; ++v)
    alap[v] = numSteps - 1 - height[v];
  // The warm start: one node per step when there are enough steps (the
  // program then values it at its peak); otherwise compacted, each node at
  // the earliest step that keeps the order and follows its dependences, but
  // no later than its ALAP step.
  unsigned previous = 0;
  for (unsigned position = 0; position < warmStart.size(); ++position) {
    unsigned v = warmStart[position];
    if (numSteps == size) {
      warmStep[v] = position;
      continue;
    }
    unsigned step = previous;
    for (unsigned pred : segment.preds(v))
      step = std::max(step, warmStep[pred] + 1);
    warmStep[v] = previous = std::min(step, alap[v]);
  }

  // Values whose liveness varies within the segment.
  const ModelOptions &options = segment.getOptions();
  auto addRange = [&](unsigned value, std::optional<unsigned> producer,
                      bool mustStayLive, std::vector<unsigned> readers) {
    unsigned first = producer ? asap[*producer] + 1 : 0;
    unsigned last = 0;
    for (unsigned reader : readers)
      last = std::max(last, alap[reader]);
    if (mustStayLive)
      last = numSteps - 1;
    if (first > last)
      return;
    rangeOf[value] = ranges.size();
    ranges.push_back({value, graph.value(value).size, producer, mustStayLive,
                      first, last, 0, std::move(readers)});
  };
  for (unsigned v = 0; v < size; ++v) {
    const MemoryGraph::Node &node = graph.node(segment.globalNode(v));
    for (unsigned result : node.results) {
      if (!graph.isActivation(result))
        continue;
      const MemoryGraph::Value &value = graph.value(result);
      std::vector<unsigned> readers;
      bool readAfter = false;
      for (unsigned user : value.users) {
        if (std::optional<unsigned> local = segment.localNode(user))
          readers.push_back(*local);
        else
          readAfter = true;
      }
      if (!readers.empty() || readAfter || value.escapes)
        addRange(result, v, readAfter || value.escapes, std::move(readers));
    }
  }
  for (unsigned v = 0; v < size; ++v) {
    for (unsigned operand : graph.node(segment.globalNode(v)).operands) {
      const MemoryGraph::Value &value = graph.value(operand);
      if (!graph.isActivation(operand) || value.escapes ||
          rangeOf.count(operand) ||
          (value.producer && segment.localNode(*value.producer)))
        continue;
      std::vector<unsigned> readers;
      bool readAfter = false;
      for (unsigned user : value.users) {
        if (std::optional<unsigned> local = segment.localNode(user))
          readers.push_back(*local);
        else if (!segment.runsBefore(user))
          readAfter = true;
      }
      // Values read after the segment are live throughout it.
      if (!readAfter)
        addRange(operand, std::nullopt, false, std::move(readers));
    }
  }
  if (options.inPlace) {
    for (unsigned v = 0; v < size; ++v) {
      const MemoryGraph::Node &node = graph.node(segment.globalNode(v));
      if (!node.inPlaceCapable)
        continue;
      for (unsigned result : node.results) {
        if (!graph.isActivation(result))
          continue;
        for (unsigned operand : node.operands) {
          const MemoryGraph::Value &value = graph.value(operand);
          auto range = rangeOf.find(operand);
          if (range == rangeOf.end() || ranges[range->second].mustStayLive ||
              value.size != graph.value(result).size)
            continue;
          pairs.push_back({v, result, operand, value.size});
        }
      }
    }
  }

  // Common divisor of every size in the program.
  int64_t divisor = std::gcd(segment.throughBytes(), segment.firstStepBytes());
  for (unsigned v = 0; v < size; ++v)
    divisor = std::gcd(divisor, segment.definedBytes(v));
  for (const LiveRange &range : ranges)
    divisor = std::gcd(divisor, range.units);
  unit = divisor > 0 ? divisor : 1;
  for (LiveRange &range : ranges)
    range.units /= unit;
  for (InPlacePair &pair : pairs)
    pair.units /= unit;
}

size_t OrderingProgram::estimatedColumns() const {
  size_t columns = 1;
  for (unsigned v = 0; v < size; ++v)
    columns += alap[v] - asap[v] + 1;
  for (const LiveRange &range : ranges)
    columns += range.last - range.first + 1;
  for (const InPlacePair &pair : pairs)
    columns += alap[pair.node] - asap[pair.node] + 1;
  return columns;
}

int OrderingProgram::addColumn(int kind, double low, double high) {
  columnKinds.push_back(kind);
  columnLow.push_back(low);
  columnHigh.push_back(high);
  return columnKinds.size();
}

int OrderingProgram::liveColumn(unsigned value, unsigned step) const {
  auto it = rangeOf.find(value);
  if (it == rangeOf.end())
    return 0;
  const LiveRange &range = ranges[it->second];
  if (step < range.first || step > range.last)
    return 0;
  return range.firstColumn + int(step - range.first);
}

std::vector<double> OrderingProgram::build(glp_prob *problem) {
  // Columns.
  nodeColumn.resize(size);
  for (unsigned v = 0; v < size; ++v)
    for (unsigned t = asap[v]; t <= alap[v]; ++t) {
      int column = addColumn(GLP_BV, 0, 1);
      if (t == asap[v])
        nodeColumn[v] = column;
    }
  for (LiveRange &range : ranges)
    for (unsigned t = range.first; t <= range.last; ++t) {
      int column = addColumn(GLP_CV, 0, 1);
      if (t == range.first)
        range.firstColumn = column;
    }
  std::vector<int> pairColumn(pairs.size());
  for (unsigned p = 0; p < pairs.size(); ++p)
    for (unsigned t = asap[pairs[p].node]; t <= alap[pairs[p].node]; ++t) {
      int column = addColumn(GLP_CV, 0, 1);
      if (t == asap[pairs[p].node])
        pairColumn[p] = column;
    }
  peakColumn = addColumn(GLP_CV, 0, 0);

  // Each node runs once.
  for (unsigned v = 0; v < size; ++v) {
    Row row{{}, GLP_FX, 1, 1};
    for (unsigned t = asap[v]; t <= alap[v]; ++t)
      row.terms.push_back({xColumn(v, t), 1});
    addRow(std::move(row));
  }
  // Liveness: a value of the segment is live after its producer's step only
  // while it was live or created at the step before (and stays live when it
  // must); a value from before only stops being live. Readers need it live.
  for (const LiveRange &range : ranges) {
    for (unsigned t = range.first; t <= range.last; ++t) {
      Row row{{{range.firstColumn + int(t - range.first), 1}},
              range.mustStayLive ? GLP_FX : GLP_UP,
              0,
              0};
      if (t > range.first)
        row.terms.push_back({range.firstColumn + int(t - 1 - range.first), -1});
      if (range.producer && inWindow(*range.producer, t - 1))
        row.terms.push_back({xColumn(*range.producer, t - 1), -1});
      if (range.producer || t > range.first)
        addRow(std::move(row));
    }
    for (unsigned reader : range.readers)
      for (unsigned t = asap[reader]; t <= alap[reader]; ++t)
        addRow({{{xColumn(reader, t), 1}, {liveColumn(range.value, t), -1}},
                GLP_UP,
                0,
                0});
  }
  // Dependences that no tracked value enforces (ordering edges, resident
  // values): strictly later steps.
  for (unsigned w = 0; w < size; ++w) {
    for (unsigned u : segment.preds(w)) {
      bool enforced = llvm::any_of(
          graph.node(segment.globalNode(u)).results, [&](unsigned result) {
            auto range = rangeOf.find(result);
            return range != rangeOf.end() &&
                   llvm::is_contained(ranges[range->second].readers, w);
          });
      if (enforced)
        continue;
      for (unsigned t = asap[w]; t <= alap[w]; ++t) {
        Row row{{{xColumn(w, t), 1}}, GLP_UP, 0, 0};
        for (unsigned s = asap[u]; s < t && s <= alap[u]; ++s)
          row.terms.push_back({xColumn(u, s), -1});
        addRow(std::move(row));
      }
    }
  }
  // In-place credits: the node runs, the operand is not live at the next
  // step, and no other reader of the operand shares the step. Each result
  // and each operand takes part in one credit per step.
  for (unsigned p = 0; p < pairs.size(); ++p) {
    const InPlacePair &pair = pairs[p];
    const LiveRange &operand = ranges[rangeOf.find(pair.operand)->second];
    for (unsigned t = asap[pair.node]; t <= alap[pair.node]; ++t) {
      int credit = pairColumn[p] + int(t - asap[pair.node]);
      addRow({{{credit, 1}, {xColumn(pair.node, t), -1}}, GLP_UP, 0, 0});
      if (int next = liveColumn(pair.operand, t + 1))
        addRow({{{credit, 1}, {next, 1}}, GLP_UP, 0, 1});
      for (unsigned reader : operand.readers)
        if (reader != pair.node && inWindow(reader, t))
          addRow({{{credit, 1}, {xColumn(reader, t), 1}}, GLP_UP, 0, 1});
    }
  }
  for (unsigned p = 0; p < pairs.size(); ++p)
    for (unsigned q = p + 1; q < pairs.size(); ++q) {
      if (pairs[p].node != pairs[q].node ||
          (pairs[p].result != pairs[q].result &&
           pairs[p].operand != pairs[q].operand))
        continue;
      for (unsigned t = asap[pairs[p].node]; t <= alap[pairs[p].node]; ++t)
        addRow({{{pairColumn[p] + int(t - asap[pairs[p].node]), 1},
                 {pairColumn[q] + int(t - asap[pairs[q].node]), 1}},
                GLP_UP,
                0,
                1});
    }
  // Memory at each step is at most the peak.
  std::vector<Row> memoryRows(numSteps);
  for (unsigned t = 0; t < numSteps; ++t) {
    int64_t constant =
        segment.throughBytes() + (t == 0 ? segment.firstStepBytes() : 0);
    memoryRows[t] = {{{peakColumn, -1}}, GLP_UP, 0, -double(constant / unit)};
  }
  for (unsigned v = 0; v < size; ++v)
    if (int64_t units = segment.definedBytes(v) / unit)
      for (unsigned t = asap[v]; t <= alap[v]; ++t)
        memoryRows[t].terms.push_back({xColumn(v, t), double(units)});
  for (const LiveRange &range : ranges)
    for (unsigned t = range.first; t <= range.last; ++t)
      memoryRows[t].terms.push_back(
          {range.firstColumn + int(t - range.first), double(range.units)});
  for (unsigned p = 0; p < pairs.size(); ++p)
    for (unsigned t = asap[pairs[p].node]; t <= alap[pairs[p].node]; ++t)
      memoryRows[t].terms.push_back(
          {pairColumn[p] + int(t - asap[pairs[p].node]),
           -double(pairs[p].units)});
  for (Row &row : memoryRows)
    addRow(std::move(row));

  // Hand everything to GLPK.
  glp_set_obj_dir(problem, GLP_MIN);
  glp_add_cols(problem, columnKinds.size());
  for (unsigned c = 0; c < columnKinds.size(); ++c) {
    int column = c + 1;
    glp_set_col_kind(problem, column, columnKinds[c]);
    if (column == peakColumn)
      glp_set_col_bnds(problem, column, GLP_LO, 0, 0);
    else
      glp_set_col_bnds(problem, column, GLP_DB, columnLow[c], columnHigh[c]);
  }
  glp_set_obj_coef(problem, peakColumn, 1);
  glp_add_rows(problem, rows.size());
  std::vector<int> indices{0};
  std::vector<double> values{0};
  for (unsigned r = 0; r < rows.size(); ++r) {
    const Row &row = rows[r];
    indices.resize(1);
    values.resize(1);
    for (auto [column, coefficient] : row.terms) {
      indices.push_back(column);
      values.push_back(coefficient);
    }
    glp_set_mat_row(problem, r + 1, row.terms.size(), indices.data(),
                    values.data());
    glp_set_row_bnds(problem, r + 1, row.type, row.low, row.high);
  }

  // The warm start: the compacted order with the least liveness it needs.
  std::vector<double> warm(columnKinds.size() + 1, 0);
  for (unsigned v = 0; v < size; ++v)
    warm[xColumn(v, warmStep[v])] = 1;
  for (const LiveRange &range : ranges) {
    unsigned lastRead = 0;
    for (unsigned reader : range.readers)
      lastRead = std::max(lastRead, warmStep[reader]);
    for (unsigned t = range.first; t <= range.last; ++t) {
      bool created = !range.producer || warmStep[*range.producer] < t;
      bool needed = range.mustStayLive || t <= lastRead;
      warm[range.firstColumn + int(t - range.first)] = created && needed;
    }
  }
  std::vector<std::pair<unsigned, unsigned>> used; // (node, value) per step
  for (unsigned p = 0; p < pairs.size(); ++p) {
    const InPlacePair &pair = pairs[p];
    unsigned t = warmStep[pair.node];
    const LiveRange &operand = ranges[rangeOf.find(pair.operand)->second];
    bool dies = !liveColumn(pair.operand, t + 1) ||
                warm[liveColumn(pair.operand, t + 1)] == 0;
    for (unsigned reader : operand.readers)
      dies = dies && (reader == pair.node || warmStep[reader] != t);
    bool free = llvm::none_of(used, [&](std::pair<unsigned, unsigned> entry) {
      return entry.first == pair.node &&
             (entry.second == pair.result || entry.second == pair.operand);
    });
    if (!dies || !free)
      continue;
    warm[pairColumn[p] + int(t - asap[pair.node])] = 1;
    used.push_back({pair.node, pair.result});
    used.push_back({pair.node, pair.operand});
  }
  double peak = 0;
  for (unsigned t = 0; t < numSteps; ++t) {
    const Row &row = rows[rows.size() - numSteps + t];
    double bytes = -row.high;
    for (auto [column, coefficient] : row.terms)
      if (column != peakColumn)
        bytes += coefficient * warm[column];
    peak = std::max(peak, bytes);
  }
  warm[peakColumn] = peak;
  return warm;
}

std::vector<unsigned> OrderingProgram::solutionSteps(glp_prob *problem) const {
  std::vector<unsigned> steps(size, 0);
  for (unsigned v = 0; v < size; ++v) {
    double best = -1;
    for (unsigned t = asap[v]; t <= alap[v]; ++t) {
      double value = glp_mip_col_val(problem, xColumn(v, t));
      if (value > best) {
        best = value;
        steps[v] = t;
      }
    }
  }
  return steps;
}

namespace {
/// What the branch-and-bound callback needs and learns.
struct CallbackState {
  const std::vector<double> *warmStart;
  bool warmStartGiven = false;
  double stopAt;
  /// Simplex iterations after which the search stops.
  int iterationLimit;
  bool stoppedByIterations = false;
  double bestBound = -1;
};

void branchAndBoundCallback(glp_tree *tree, void *data) {
  auto &state = *static_cast<CallbackState *>(data);
  if (glp_get_it_cnt(glp_ios_get_prob(tree)) >= state.iterationLimit) {
    state.stoppedByIterations = true;
    glp_ios_terminate(tree);
  }
  switch (glp_ios_reason(tree)) {
  case GLP_IHEUR:
    if (!state.warmStartGiven) {
      state.warmStartGiven = true;
      glp_ios_heur_sol(tree, state.warmStart->data());
    }
    break;
  case GLP_IBINGO:
    if (glp_mip_obj_val(glp_ios_get_prob(tree)) <= state.stopAt + 1e-6)
      glp_ios_terminate(tree);
    break;
  default:
    break;
  }
  // The optimum is at least the best bound of the open subproblems, unless
  // it is the incumbent itself.
  if (int node = glp_ios_best_node(tree)) {
    double bound = glp_ios_node_bound(tree, node);
    glp_prob *problem = glp_ios_get_prob(tree);
    if (glp_mip_status(problem) == GLP_FEAS)
      bound = std::min(bound, glp_mip_obj_val(problem));
    state.bestBound = bound;
  }
}

/// Orders nodes that may run in any order, least live bytes after each step
/// first.
std::vector<unsigned> greedyOrder(const SegmentModel &part) {
  std::vector<bool> scheduled(part.size(), false);
  std::vector<unsigned> order;
  int64_t live = part.liveBytesOnEntry();
  auto isScheduled = [&](unsigned local) { return bool(scheduled[local]); };
  while (order.size() < part.size()) {
    std::optional<std::tuple<int64_t, int64_t, unsigned>> best;
    for (unsigned v = 0; v < part.size(); ++v) {
      if (scheduled[v] || !llvm::all_of(part.preds(v), isScheduled))
        continue;
      SegmentModel::Step step = part.step(v, live, order.empty(), isScheduled);
      auto key = std::make_tuple(step.liveAfter, step.bytes, v);
      if (!best || key < *best)
        best = key;
    }
    unsigned v = std::get<2>(*best);
    live = std::get<0>(*best);
    scheduled[v] = true;
    order.push_back(v);
  }
  return order;
}
} // namespace

IlpOutcome memopt::solveSegmentIlp(const SegmentModel &segment,
                                   llvm::ArrayRef<unsigned> warmStart,
                                   unsigned timeSteps, WorkLimit work,
                                   int64_t stopAtPeak, size_t maxStates) {
  IlpOutcome outcome;
  OrderingProgram program(segment, warmStart, timeSteps);
  outcome.timeSteps = program.timeSteps();
  if (program.estimatedColumns() > kMaxColumns)
    return outcome;
  // The iteration limit decides; the wall clock is a safety net. GLPK reads
  // its clock between iterations and nodes only; a margin keeps it within
  // the deadline.
  int iterationLimit =
      int(std::min<uint64_t>(work.left() / kWorkPerIteration, INT_MAX));
  SteadyClock::time_point deadline = work.getMeter().getDeadline();
  auto millisecondsLeft = [&]() {
    if (deadline == SteadyClock::time_point::max())
      return INT_MAX;
    std::chrono::duration<double> left = deadline - SteadyClock::now();
    return int(std::clamp(left.count() * 900.0, 0.0, 1e9));
  };

  int previousTerminalOutput = glp_term_out(GLP_OFF);
  glp_prob *problem = glp_create_prob();
  std::vector<double> warm = program.build(problem);
  int64_t unit = program.unitBytes();

  glp_smcp simplex;
  glp_init_smcp(&simplex);
  simplex.msg_lev = GLP_MSG_OFF;
  simplex.presolve = GLP_OFF;
  simplex.meth = GLP_DUALP;
  simplex.tm_lim = millisecondsLeft();
  simplex.it_lim = iterationLimit;
  bool relaxationSolved = simplex.tm_lim > 0 && simplex.it_lim > 0 &&
                          glp_simplex(problem, &simplex) == 0 &&
                          glp_get_status(problem) == GLP_OPT;
  CallbackState state{&warm, false, double(stopAtPeak) / double(unit),
                      iterationLimit};
  int status = GLP_UNDEF;
  if (relaxationSolved && millisecondsLeft() > 0 &&
      glp_get_it_cnt(problem) < iterationLimit) {
    glp_iocp integer;
    glp_init_iocp(&integer);
    integer.msg_lev = GLP_MSG_OFF;
    integer.presolve = GLP_OFF;
    integer.cb_func = branchAndBoundCallback;
    integer.cb_info = &state;
    integer.tm_lim = millisecondsLeft();
    int code = glp_intopt(problem, &integer);
    status = glp_mip_status(problem);
    outcome.timedOut = code == GLP_ETMLIM || state.stoppedByIterations;
    outcome.solvedToOptimality =
        code == 0 && status == GLP_OPT && !state.stoppedByIterations;
    if (code == GLP_ETMLIM)
      work.getMeter().checkDeadline();
  } else {
    outcome.timedOut = true;
  }
  work.add(uint64_t(glp_get_it_cnt(problem)) * kWorkPerIteration);
  if (program.timeSteps() == segment.size()) {
    // Every order of the segment is a solution, so the program's bounds are
    // bounds on the segment's peak.
    double bound =
        outcome.solvedToOptimality ? glp_mip_obj_val(problem) : state.bestBound;
    if (bound > 0)
      outcome.lowerBound = int64_t(std::ceil(bound - 1e-6)) * unit;
  }
  std::vector<unsigned> steps;
  if (status == GLP_OPT || status == GLP_FEAS)
    steps = program.solutionSteps(problem);
  glp_delete_prob(problem);
  glp_term_out(previousTerminalOutput);
  if (steps.empty())
    return outcome;

  // Order each step's nodes given everything that ran before them.
  std::vector<std::vector<unsigned>> byStep(program.timeSteps());
  for (unsigned v = 0; v < segment.size(); ++v)
    byStep[steps[v]].push_back(v);
  std::vector<unsigned> order;
  int64_t live = segment.liveBytesOnEntry();
  for (unsigned t = 0; t < byStep.size(); ++t) {
    if (byStep[t].empty())
      continue;
    std::vector<unsigned> nodes;
    for (unsigned v : byStep[t])
      nodes.push_back(segment.globalNode(v));
    SegmentModel part(
        segment.getGraph(), segment.getOptions(), nodes,
        [&segment, &steps, t](unsigned node) {
          if (segment.runsBefore(node))
            return true;
          std::optional<unsigned> local = segment.localNode(node);
          return local && steps[*local] < t;
        },
        live);
    ExactSearch search(part);
    SearchResult found = search.findOptimal(
        INT64_MAX, 0, {work, std::min(maxStates, kMaxStepStates)});
    std::vector<unsigned> partOrder = found.outcome == SearchOutcome::Found
                                          ? std::move(found.order)
                                          : greedyOrder(part);
    for (unsigned local : partOrder)
      order.push_back(*segment.localNode(part.globalNode(local)));
    live = part.liveBytesOnExit();
  }
  outcome.order = std::move(order);
  return outcome;
}
