//===- Scheduler.cpp - Operation order that minimises peak memory ---------===//

#include "memopt/Schedule/Scheduler.h"

#include "ExactSearch.h"
#include "ScheduleSimulator.h"
#include "SegmentIlp.h"
#include "SegmentModel.h"
#include "WindowSearch.h"
#include "memopt/Schedule/Heuristics.h"
#include "memopt/Schedule/Segments.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <memory>

using namespace memopt;

std::optional<ScheduleAlgorithm>
memopt::parseScheduleAlgorithm(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ScheduleAlgorithm>>(name)
      .Case("input", ScheduleAlgorithm::InputOrder)
      .Case("rpo", ScheduleAlgorithm::ReversePostOrder)
      .Case("list", ScheduleAlgorithm::ListFreedMinusDefined)
      .Case("dfs", ScheduleAlgorithm::PostOrderBySubtree)
      .Case("lpmf", ScheduleAlgorithm::LeastPeakFirst)
      .Case("heuristics", ScheduleAlgorithm::BestHeuristic)
      .Case("dp", ScheduleAlgorithm::DynamicProgramming)
      .Case("ilp", ScheduleAlgorithm::IntegerProgram)
      .Case("auto", ScheduleAlgorithm::Auto)
      .Default(std::nullopt);
}

llvm::StringRef
memopt::stringifyScheduleAlgorithm(ScheduleAlgorithm algorithm) {
  switch (algorithm) {
  case ScheduleAlgorithm::InputOrder:
    return "input";
  case ScheduleAlgorithm::ReversePostOrder:
    return "rpo";
  case ScheduleAlgorithm::ListFreedMinusDefined:
    return "list";
  case ScheduleAlgorithm::PostOrderBySubtree:
    return "dfs";
  case ScheduleAlgorithm::LeastPeakFirst:
    return "lpmf";
  case ScheduleAlgorithm::BestHeuristic:
    return "heuristics";
  case ScheduleAlgorithm::DynamicProgramming:
    return "dp";
  case ScheduleAlgorithm::IntegerProgram:
    return "ilp";
  case ScheduleAlgorithm::Auto:
    return "auto";
  }
  llvm_unreachable("unknown schedule algorithm");
}

namespace {
/// Segments larger than this are left to the exact search: GLPK would not
/// get far with them within the time limits used here.
constexpr unsigned kMaxIlpSegmentNodes = 400;

/// Limits of the first window search on an order: windows up to 64 steps
/// re-solved exactly, up to 128 by a beam of 64 states. Later rounds double
/// the windows and beams and quadruple the states.
constexpr unsigned kFirstExactWindow = 64;
constexpr size_t kFirstWindowStates = 20000;
constexpr unsigned kFirstWindowBeam = 64;
/// Keeps doubled beam widths within `unsigned`.
constexpr size_t kMaxBeamWidth = size_t(1) << 30;

/// Work units (see WorkMeter) that the searches do in about a second on the
/// development machine: `auto` gets as many as it had seconds before the
/// budgets became deterministic.
constexpr double kWorkPerSecond = 2e7;

/// The work of one call: `auto` does what took 0.2 s plus 0.5 ms per node,
/// `dp` and `ilp` ten times as much (as when they had the whole default time
/// limit), all times `effort`. Capped at what half the wall-clock limit would
/// allow, so that the safety net rarely decides.
uint64_t workBudget(const ScheduleOptions &options, unsigned numNodes) {
  double seconds = 0.2 + 0.0005 * numNodes;
  if (options.algorithm != ScheduleAlgorithm::Auto)
    seconds *= 10;
  seconds = std::min(seconds, options.timeLimitSeconds / 2);
  double units = seconds * kWorkPerSecond * options.effort;
  return units >= 0x1p63 ? uint64_t(1) << 63 : uint64_t(units);
}

/// Nodes whose place can be fixed without losing the optimum:
/// - Neutral nodes read and define no activation and depend only on neutral
///   nodes (constants, loads of globals). Running them all first, in input
///   order, changes no other step, and their steps hold only what is live
///   before the first step.
/// - Attached nodes have a reader, a successor that runs before all their
///   other successors in every order; their activation results stay live
///   until it, and so do the activations they read (the reader or a later
///   node reads them too). Moving one to right before its reader lowers
///   every step in between by its results and frees nothing sooner, and its
///   own step there is within the reader's, where all its operands and
///   results are live. A broadcast of a constant, the fill of a destination
///   that a convolution writes in place and later ops read, a view that
///   only later ops read.
/// So some optimal order has this form. The searches work on a copy of the
/// graph with ordering edges that impose it (a chain of the neutral nodes
/// before every other node, and the reader's other dependences before each
/// attached node): in the input order, a node without dependences rules out
/// every cut before it.
class PinnedNodes {
public:
  explicit PinnedNodes(const MemoryGraph &graph);
  /// The graph with the extra ordering edges.
  const MemoryGraph &graph() const {
    return constrained ? *constrained : original;
  }
  /// `order`, a valid schedule of the original graph, with the neutral nodes
  /// moved to the front and each attached node to right before its reader:
  /// valid for graph(), and no step is higher than the highest of `order`.
  std::vector<unsigned> pin(llvm::ArrayRef<unsigned> order) const;

private:
  const MemoryGraph &original;
  std::optional<MemoryGraph> constrained;
  std::vector<unsigned> neutral;
  /// The nodes attached to each node, in increasing id order.
  std::vector<llvm::SmallVector<unsigned, 1>> attached;
  std::vector<bool> isPinned;
};

/// One segment and the best order known for it.
struct Segment {
  std::unique_ptr<SegmentModel> model;
  /// Position of its first node in every schedule.
  unsigned start = 0;
  /// Best order known, as local ids, and its peak.
  std::vector<unsigned> order;
  int64_t peak = INT64_MAX;
  /// Proven lower bound on the segment's peak over all its orders.
  int64_t lowerBound = 0;
  /// Algorithm that produced `order`.
  std::string producer;
  /// The orders offered, as local ids, with their peaks: starts for the
  /// window search.
  std::vector<std::pair<int64_t, std::vector<unsigned>>> starts;
};

/// Chooses an order segment by segment: heuristics first, then, on the
/// segment that sets the peak, the window search, the exact search, beams
/// and the integer program.
class SegmentedScheduler {
public:
  /// Splits `graph` into segments along `topologicalOrder`, one of its
  /// valid schedules.
  SegmentedScheduler(const MemoryGraph &graph,
                     llvm::ArrayRef<unsigned> topologicalOrder,
                     const ScheduleOptions &options, WorkLimit total,
                     ScheduleResult &result);

  /// Takes the part of `order` (a valid schedule) of each segment whose peak
  /// is lower than the best known.
  void offer(llvm::ArrayRef<unsigned> order, llvm::StringRef producer);
  /// Works on the segment with the highest peak until it is settled or
  /// cannot be improved within the limits, then on the next one.
  void improveBottlenecks();
  /// The best order known, and the algorithms that produced it.
  std::vector<unsigned> bestOrder() const;
  std::string bestProducers() const;
  /// Fills the status, bounds and segment counts of `result` for `order`.
  void describe(llvm::ArrayRef<unsigned> order) const;

private:
  /// Highest proven lower bound on the peak of the whole graph.
  int64_t floor() const;
  /// Stops the call once `options.decidePeakBytes` is answered: the best
  /// order peaks at or below it, or the floor is above it.
  void stopIfDecided();
  bool isSettled(const Segment &segment) const {
    return segment.peak <= std::max(segment.lowerBound, floor());
  }
  /// The level below which steps of `segment` need not be told apart: the
  /// floor, or the highest peak of the other segments (the global peak
  /// cannot drop below it), but below the segment's own peak. Searches
  /// count lower steps as this level; what they prove above it holds.
  int64_t level(const Segment &segment) const;
  void adopt(Segment &segment, std::vector<unsigned> localOrder,
             llvm::StringRef producer);
  size_t maxStates(const Segment &segment) const;
  /// Improves `localOrder` by windows with the first limits and adopts it.
  void polish(Segment &segment, std::vector<unsigned> localOrder,
              WorkLimit phase);
  /// Each phase below stops at the work limit `phase`.
  /// Improves every order offered by windows, best first.
  void polishStarts(Segment &segment, WorkLimit phase);
  void searchOptimal(Segment &segment, WorkLimit phase);
  /// The exact search with steps below `bound` (at most the segment's
  /// level) counted as `bound`.
  void searchOptimalAbove(Segment &segment, WorkLimit phase, int64_t bound);
  void searchByBeam(Segment &segment, WorkLimit phase);
  void searchByWindows(Segment &segment, WorkLimit phase);
  void searchWithinBudgets(Segment &segment, WorkLimit phase);
  void solveIntegerProgram(Segment &segment, WorkLimit phase);

  const MemoryGraph &graph;
  const ScheduleOptions &options;
  WorkLimit total;
  ScheduleResult &result;
  std::vector<Segment> segments;
  std::vector<unsigned> segmentOf;
  int64_t graphLowerBound;
};
} // namespace

/// Whether `node` depends on `ancestor` (a lower id), searching at most
/// `kMaxDependenceSearch` nodes; past that, the answer is no.
constexpr unsigned kMaxDependenceSearch = 64;
/// Readers of an operand of a node to attach that are asked whether they
/// depend on the node's reader.
constexpr unsigned kMaxLaterReaders = 4;
static bool dependsOn(const MemoryGraph &graph, unsigned node,
                      unsigned ancestor) {
  llvm::SmallVector<unsigned, 16> stack{node};
  llvm::SmallDenseSet<unsigned, 16> seen{node};
  while (!stack.empty()) {
    for (unsigned pred : graph.node(stack.pop_back_val()).preds) {
      if (pred == ancestor)
        return true;
      // Node ids are a topological order: lower ids cannot lead there.
      if (pred < ancestor || !seen.insert(pred).second)
        continue;
      if (seen.size() > kMaxDependenceSearch)
        return false;
      stack.push_back(pred);
    }
  }
  return false;
}

PinnedNodes::PinnedNodes(const MemoryGraph &graph)
    : original(graph), attached(graph.numNodes()),
      isPinned(graph.numNodes(), false) {
  // With bytes live at the first step only, the node that runs first
  // matters; keep every order then.
  if (firstStepOnlyBytes(graph) != 0)
    return;
  auto readsActivation = [&](const MemoryGraph::Node &node) {
    return llvm::any_of(node.operands, [&](unsigned operand) {
      return graph.isActivation(operand);
    });
  };
  std::vector<bool> isNeutral(graph.numNodes(), false);
  // Node ids are a topological order, so dependences are classified first.
  for (unsigned nodeId = 0; nodeId < graph.numNodes(); ++nodeId) {
    const MemoryGraph::Node &node = graph.node(nodeId);
    bool definesActivation = llvm::any_of(node.results, [&](unsigned result) {
      return graph.isActivation(result);
    });
    if (!readsActivation(node) && !definesActivation &&
        llvm::all_of(node.preds, [&](unsigned p) { return isNeutral[p]; })) {
      isNeutral[nodeId] = isPinned[nodeId] = true;
      neutral.push_back(nodeId);
    }
  }
  // Readers are classified before the nodes attached to them, so that no
  // node is attached to an attached one.
  for (unsigned nodeId = graph.numNodes(); nodeId-- > 0;) {
    const MemoryGraph::Node &node = graph.node(nodeId);
    if (isNeutral[nodeId] || node.succs.empty())
      continue;
    bool keptUntilReader = llvm::all_of(node.results, [&](unsigned result) {
      const MemoryGraph::Value &value = graph.value(result);
      return !graph.isActivation(result) || value.escapes ||
             !value.users.empty();
    });
    if (!keptUntilReader)
      continue;
    // Node ids are a topological order: only the first successor can run
    // before all the others in every order.
    unsigned reader = *llvm::min_element(node.succs);
    if (isPinned[reader])
      continue;
    auto fromReader = [&](unsigned other) {
      return other == reader || dependsOn(graph, other, reader);
    };
    // The activations it reads stay live until the reader anyway: one of
    // their first readers from the reader on (users are sorted by id; a
    // value read all over a graph is not searched through) is the reader or
    // depends on it.
    auto readLater = [&](unsigned operand) {
      if (!graph.isActivation(operand))
        return true;
      llvm::ArrayRef<unsigned> users = graph.value(operand).users;
      users =
          users.drop_front(llvm::lower_bound(users, reader) - users.begin());
      return llvm::any_of(users.take_front(kMaxLaterReaders), fromReader);
    };
    if (llvm::all_of(node.succs, fromReader) &&
        llvm::all_of(node.operands, readLater)) {
      attached[reader].push_back(nodeId);
      isPinned[nodeId] = true;
    }
  }
  for (llvm::SmallVector<unsigned, 1> &nodes : attached)
    llvm::sort(nodes);
  bool anyAttached = llvm::any_of(
      attached, [](llvm::ArrayRef<unsigned> nodes) { return !nodes.empty(); });
  if (neutral.empty() && !anyAttached)
    return;
  constrained.emplace(graph);
  for (unsigned index = 1; index < neutral.size(); ++index)
    constrained->addOrderingEdge(neutral[index - 1], neutral[index]);
  for (unsigned nodeId = 0; nodeId < graph.numNodes(); ++nodeId) {
    if (!neutral.empty() && !isNeutral[nodeId] &&
        llvm::all_of(graph.node(nodeId).preds,
                     [&](unsigned p) { return isNeutral[p]; }))
      constrained->addOrderingEdge(neutral.back(), nodeId);
    for (unsigned node : attached[nodeId])
      for (unsigned pred : graph.node(nodeId).preds)
        if (!isPinned[pred])
          constrained->addOrderingEdge(pred, node);
  }
}

std::vector<unsigned> PinnedNodes::pin(llvm::ArrayRef<unsigned> order) const {
  std::vector<unsigned> pinned = neutral;
  pinned.reserve(order.size());
  for (unsigned node : order) {
    if (isPinned[node])
      continue;
    pinned.insert(pinned.end(), attached[node].begin(), attached[node].end());
    pinned.push_back(node);
  }
  return pinned;
}

SegmentedScheduler::SegmentedScheduler(
    const MemoryGraph &graph, llvm::ArrayRef<unsigned> topologicalOrder,
    const ScheduleOptions &options, WorkLimit total, ScheduleResult &result)
    : graph(graph), options(options), total(total), result(result),
      segmentOf(graph.numNodes()),
      graphLowerBound(scheduleLowerBound(graph, options.model)) {
  std::vector<std::vector<unsigned>> parts =
      splitIntoSegments(graph, topologicalOrder);
  unsigned numSegments = parts.size();
  for (unsigned index = 0; index < numSegments; ++index)
    for (unsigned node : parts[index])
      segmentOf[node] = index;

  // Live bytes on entry to each segment: a value is live on entry to the
  // segments after its producer's, up to its last reader's (to the end when
  // it escapes). Block arguments count from the first segment.
  std::vector<int64_t> delta(numSegments + 1, 0);
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    const MemoryGraph::Value &value = graph.value(id);
    if (!graph.isActivation(id))
      continue;
    int first = value.producer ? int(segmentOf[*value.producer]) + 1 : 0;
    int last = first - 1;
    for (unsigned user : value.users)
      last = std::max(last, int(segmentOf[user]));
    if (value.escapes)
      last = numSegments - 1;
    if (first > last)
      continue;
    delta[first] += value.size;
    delta[last + 1] -= value.size;
  }
  int64_t liveOnEntry = 0;
  unsigned start = 0;
  segments.resize(numSegments);
  for (unsigned index = 0; index < numSegments; ++index) {
    liveOnEntry += delta[index];
    Segment &segment = segments[index];
    segment.start = start;
    start += parts[index].size();
    segment.model = std::make_unique<SegmentModel>(
        graph, options.model, parts[index],
        [this, index](unsigned node) { return segmentOf[node] < index; },
        liveOnEntry);
    segment.lowerBound = segment.model->lowerBound();
  }
}

int64_t SegmentedScheduler::floor() const {
  int64_t bound = graphLowerBound;
  for (const Segment &segment : segments)
    bound = std::max(bound, segment.lowerBound);
  return bound;
}

void SegmentedScheduler::stopIfDecided() {
  if (!options.decidePeakBytes)
    return;
  int64_t peak = 0;
  for (const Segment &segment : segments)
    peak = std::max(peak, segment.peak);
  if (peak <= *options.decidePeakBytes || floor() > *options.decidePeakBytes)
    total.getMeter().stop();
}

int64_t SegmentedScheduler::level(const Segment &segment) const {
  int64_t others = floor();
  for (const Segment &other : segments)
    if (&other != &segment)
      others = std::max(others, other.peak);
  return std::min(others, segment.peak - 1);
}

void SegmentedScheduler::adopt(Segment &segment,
                               std::vector<unsigned> localOrder,
                               llvm::StringRef producer) {
  int64_t peak = segment.model->peakOf(localOrder);
  if (peak >= segment.peak)
    return;
  segment.order = std::move(localOrder);
  segment.peak = peak;
  segment.producer = producer.str();
  stopIfDecided();
}

void SegmentedScheduler::offer(llvm::ArrayRef<unsigned> order,
                               llvm::StringRef producer) {
  MemoryProfile profile = computeProfile(graph, order, options.model);
  for (Segment &segment : segments) {
    unsigned size = segment.model->size();
    llvm::ArrayRef<int64_t> steps =
        llvm::ArrayRef(profile.liveBytes).slice(segment.start, size);
    int64_t peak = *std::max_element(steps.begin(), steps.end());
    std::vector<unsigned> localOrder;
    for (unsigned node : order.slice(segment.start, size))
      localOrder.push_back(*segment.model->localNode(node));
    assert(segment.model->peakOf(localOrder) == peak &&
           "segment model disagrees with computeProfile");
    segment.starts.push_back({peak, localOrder});
    if (peak >= segment.peak)
      continue;
    segment.order = std::move(localOrder);
    segment.peak = peak;
    segment.producer = producer.str();
  }
  stopIfDecided();
}

std::vector<unsigned> SegmentedScheduler::bestOrder() const {
  std::vector<unsigned> order;
  order.reserve(graph.numNodes());
  for (const Segment &segment : segments)
    for (unsigned local : segment.order)
      order.push_back(segment.model->globalNode(local));
  return order;
}

std::string SegmentedScheduler::bestProducers() const {
  std::vector<llvm::StringRef> names;
  for (const Segment &segment : segments)
    if (!llvm::is_contained(names, segment.producer))
      names.push_back(segment.producer);
  return llvm::join(names, "+");
}

void SegmentedScheduler::describe(llvm::ArrayRef<unsigned> order) const {
  MemoryProfile profile = computeProfile(graph, order, options.model);
  int64_t bound = floor();
  result.segments = segments.size();
  result.optimalSegments = 0;
  for (const Segment &segment : segments) {
    llvm::ArrayRef<int64_t> steps =
        llvm::ArrayRef(profile.liveBytes)
            .slice(segment.start, segment.model->size());
    int64_t peak = *std::max_element(steps.begin(), steps.end());
    if (peak <= std::max(segment.lowerBound, bound))
      ++result.optimalSegments;
  }
  result.lowerBoundBytes = bound;
  result.status = profile.peakBytes <= bound ? ScheduleStatus::Optimal
                                             : ScheduleStatus::Feasible;
}

size_t SegmentedScheduler::maxStates(const Segment &segment) const {
  // `auto` leaves half of the limit to the rest of the compiler: on huge
  // segments its exact search fills the tables before its work runs out.
  int64_t bytes = std::max<int64_t>(1, options.memoryLimitBytes);
  if (options.algorithm == ScheduleAlgorithm::Auto)
    bytes = std::max<int64_t>(1, bytes / 2);
  // State ids are 32-bit.
  return std::min<size_t>(bytes /
                              ExactSearch::bytesPerState(segment.model->size()),
                          std::numeric_limits<uint32_t>::max() - 1);
}

void SegmentedScheduler::searchOptimal(Segment &segment, WorkLimit phase) {
  searchOptimalAbove(segment, phase, level(segment));
}

void SegmentedScheduler::searchOptimalAbove(Segment &segment, WorkLimit phase,
                                            int64_t bound) {
  ExactSearch search(*segment.model);
  SearchResult found =
      search.findOptimal(segment.peak - 1, bound, {phase, maxStates(segment)});
  switch (found.outcome) {
  case SearchOutcome::Found:
    adopt(segment, std::move(found.order), "dp");
    // Nothing better exists above the level.
    if (found.peak > bound)
      segment.lowerBound = std::max(segment.lowerBound, found.peak);
    return;
  case SearchOutcome::NoneWithinBudget:
    segment.lowerBound = std::max(segment.lowerBound, segment.peak);
    return;
  case SearchOutcome::GaveUp:
    result.timedOut = true;
    if (found.lowerBound > bound)
      segment.lowerBound = std::max(segment.lowerBound, found.lowerBound);
    return;
  }
}

void SegmentedScheduler::searchWithinBudgets(Segment &segment,
                                             WorkLimit phase) {
  ExactSearch search(*segment.model);
  int64_t bound = level(segment);
  // Budgets in [low, high] are open; those from `ceiling` up made the search
  // give up. Try any improvement first, then bisect.
  int64_t low = std::max(segment.lowerBound, bound), high = segment.peak - 1;
  int64_t ceiling = high + 1, budget = high;
  while (low <= high && !phase.reached()) {
    SearchResult found = search.findWithin(
        budget, bound, {phase.share(1.0 / 3), maxStates(segment)});
    switch (found.outcome) {
    case SearchOutcome::Found:
      adopt(segment, std::move(found.order), "dp");
      high = std::min(high, found.peak - 1);
      break;
    case SearchOutcome::NoneWithinBudget:
      low = budget + 1;
      segment.lowerBound = std::max(segment.lowerBound, low);
      break;
    case SearchOutcome::GaveUp:
      result.timedOut = true;
      ceiling = budget;
      break;
    }
    int64_t top = std::min(high, ceiling - 1);
    if (low > top)
      break;
    budget = low + (top - low) / 2;
  }
}

void SegmentedScheduler::polish(Segment &segment,
                                std::vector<unsigned> localOrder,
                                WorkLimit phase) {
  size_t states = maxStates(segment);
  improveByWindows(*segment.model, localOrder, level(segment),
                   {phase, kFirstExactWindow,
                    std::min(kFirstWindowStates, states), kFirstWindowBeam,
                    states});
  adopt(segment, std::move(localOrder), "dp");
  if (phase.reached() && !isSettled(segment))
    result.timedOut = true;
}

void SegmentedScheduler::polishStarts(Segment &segment, WorkLimit phase) {
  llvm::sort(segment.starts,
             [](const auto &a, const auto &b) { return a.first < b.first; });
  for (auto &[peak, order] : segment.starts)
    if (!isSettled(segment) && !phase.reached())
      polish(segment, std::move(order), phase);
  segment.starts.clear();
}

void SegmentedScheduler::searchByBeam(Segment &segment, WorkLimit phase) {
  ExactSearch search(*segment.model);
  // Wider and wider beams, without a budget: each order is a new start for
  // the window search, worse than the best known or not. A beam that never
  // has to drop a state is the full dynamic program and settles the segment.
  size_t widest = std::min<size_t>(maxStates(segment) / segment.model->size(),
                                   std::numeric_limits<unsigned>::max());
  for (size_t width = 16;
       width <= widest && !isSettled(segment) && !phase.reached(); width *= 4) {
    int64_t bound = level(segment);
    SearchResult found =
        search.findByBeam(width, std::numeric_limits<int64_t>::max(), bound,
                          {phase, maxStates(segment)});
    if (found.lowerBound > bound)
      segment.lowerBound = std::max(segment.lowerBound, found.lowerBound);
    if (found.outcome == SearchOutcome::Found)
      polish(segment, std::move(found.order), phase);
  }
}

void SegmentedScheduler::searchByWindows(Segment &segment, WorkLimit phase) {
  unsigned size = segment.model->size();
  size_t allStates = maxStates(segment);
  // Larger windows, beams and state limits per round, until the exact
  // search covers the whole segment with all the states the memory limit
  // allows.
  unsigned window = 2 * kFirstExactWindow, beam = 2 * kFirstWindowBeam;
  size_t states = 4 * kFirstWindowStates;
  while (!isSettled(segment) && !phase.reached()) {
    std::vector<unsigned> order = segment.order;
    size_t exactStates = std::min(states, allStates);
    improveByWindows(*segment.model, order, level(segment),
                     {phase, window, exactStates, beam, allStates});
    adopt(segment, std::move(order), "dp");
    if (phase.reached() && !isSettled(segment))
      result.timedOut = true;
    if (window >= size && exactStates == allStates)
      return;
    window = std::min(2 * window, 2 * size);
    beam = std::min<size_t>(2 * size_t(beam), kMaxBeamWidth);
    states = std::min(4 * states, allStates);
  }
}

void SegmentedScheduler::solveIntegerProgram(Segment &segment,
                                             WorkLimit phase) {
  unsigned size = segment.model->size();
  if (size > kMaxIlpSegmentNodes)
    return;
  // OLLA's time steps first; while GLPK keeps finishing, twice as many steps
  // (more orders to choose from), up to one per node where it is exact.
  unsigned timeSteps = 0;
  while (!isSettled(segment) && !phase.reached()) {
    IlpOutcome outcome =
        solveSegmentIlp(*segment.model, segment.order, timeSteps, phase,
                        level(segment), maxStates(segment));
    if (outcome.timedOut)
      result.timedOut = true;
    if (outcome.order)
      adopt(segment, std::move(*outcome.order), "ilp");
    segment.lowerBound = std::max(segment.lowerBound, outcome.lowerBound);
    if (!outcome.solvedToOptimality || outcome.timeSteps == size)
      return;
    timeSteps = std::min(size, 2 * outcome.timeSteps);
  }
}

void SegmentedScheduler::improveBottlenecks() {
  std::vector<bool> attempted(segments.size(), false),
      proofTried(segments.size(), false);
  std::vector<Segment *> bySize;
  for (Segment &segment : segments)
    bySize.push_back(&segment);
  llvm::stable_sort(bySize, [](const Segment *a, const Segment *b) {
    return a->model->size() < b->model->size();
  });
  for (stopIfDecided(); !total.reached(); stopIfDecided()) {
    // Of the segments at the peak, the smallest first: once one is settled
    // or resists, the peak stays.
    int64_t peak =
        llvm::max_element(segments, [](const Segment &a, const Segment &b) {
          return a.peak < b.peak;
        })->peak;
    Segment *bottleneck = nullptr;
    for (Segment *candidate : bySize) {
      if (candidate->peak != peak)
        continue;
      if (isSettled(*candidate))
        return;
      if (!bottleneck && !attempted[candidate - segments.data()])
        bottleneck = candidate;
    }
    if (!bottleneck)
      return;
    attempted[bottleneck - segments.data()] = true;
    // Other segments whose peak the bottleneck's level reaches: a quick
    // proof that one is optimal raises the floor, which ends the work on the
    // bottleneck as soon as it comes down to it.
    for (Segment *other : bySize)
      if (other != bottleneck && !attempted[other - segments.data()] &&
          !proofTried[other - segments.data()] && !isSettled(*other) &&
          other->peak >= level(*bottleneck) && !total.reached()) {
        proofTried[other - segments.data()] = true;
        searchOptimalAbove(*other, total.share(0.1),
                           std::min(floor(), other->peak - 1));
      }
    Segment &segment = *bottleneck;
    // Each phase runs only while the segment is not settled, and gets a
    // share of the work left.
    auto phase = [&](double share, auto method) {
      stopIfDecided();
      if (!isSettled(segment))
        (this->*method)(segment, total.share(share));
    };
    switch (options.algorithm) {
    case ScheduleAlgorithm::DynamicProgramming:
      phase(0.2, &SegmentedScheduler::polishStarts);
      phase(0.4, &SegmentedScheduler::searchOptimal);
      phase(0.5, &SegmentedScheduler::searchByBeam);
      phase(0.7, &SegmentedScheduler::searchByWindows);
      phase(1.0, &SegmentedScheduler::searchWithinBudgets);
      break;
    case ScheduleAlgorithm::IntegerProgram:
      phase(1.0, &SegmentedScheduler::solveIntegerProgram);
      break;
    default:
      phase(0.3, &SegmentedScheduler::polishStarts);
      phase(0.4, &SegmentedScheduler::searchOptimal);
      phase(0.7, &SegmentedScheduler::searchByBeam);
      phase(1.0, &SegmentedScheduler::searchByWindows);
      break;
    }
  }
}

ScheduleResult memopt::scheduleForMemory(const MemoryGraph &graph,
                                         const ScheduleOptions &options) {
  assert(!verifyScheduleOptions(options) && "invalid schedule options");
  SteadyClock::time_point start = SteadyClock::now();
  WorkMeter meter(deadlineAfter(options.timeLimitSeconds));
  WorkLimit total(meter, workBudget(options, graph.numNodes()));

  ScheduleResult result;
  if (graph.numNodes() == 0) {
    result.algorithm = "input";
    result.status = ScheduleStatus::Optimal;
    return result;
  }
  std::vector<unsigned> input = inputOrder(graph);
  result.inputPeakBytes = computeProfile(graph, input, options.model).peakBytes;
  result.candidates.push_back({"input", result.inputPeakBytes});
  PinnedNodes pinned(graph);
  std::vector<unsigned> pinnedInput = pinned.pin(input);
  SegmentedScheduler scheduler(pinned.graph(), pinnedInput, options, total,
                               result);
  scheduler.offer(pinnedInput, "input");

  std::vector<unsigned> order = input;
  int64_t peak = result.inputPeakBytes;
  std::string producer = "input";
  auto consider = [&](std::vector<unsigned> candidate, llvm::StringRef name) {
    int64_t candidatePeak =
        computeProfile(graph, candidate, options.model).peakBytes;
    result.candidates.push_back({name.str(), candidatePeak});
    scheduler.offer(pinned.pin(candidate), name);
    if (candidatePeak < peak) {
      order = std::move(candidate);
      peak = candidatePeak;
      producer = name.str();
    }
  };
  ScheduleAlgorithm algorithm = options.algorithm;
  bool allHeuristics = algorithm != ScheduleAlgorithm::InputOrder &&
                       algorithm != ScheduleAlgorithm::ReversePostOrder &&
                       algorithm != ScheduleAlgorithm::ListFreedMinusDefined &&
                       algorithm != ScheduleAlgorithm::PostOrderBySubtree &&
                       algorithm != ScheduleAlgorithm::LeastPeakFirst;
  if (allHeuristics || algorithm == ScheduleAlgorithm::ReversePostOrder)
    consider(scheduleReversePostOrder(graph), "rpo");
  if (allHeuristics || algorithm == ScheduleAlgorithm::ListFreedMinusDefined)
    consider(scheduleListFreedMinusDefined(graph, options.model), "list");
  if (allHeuristics || algorithm == ScheduleAlgorithm::PostOrderBySubtree)
    consider(schedulePostOrderBySubtree(graph), "dfs");
  if (allHeuristics || algorithm == ScheduleAlgorithm::LeastPeakFirst)
    consider(scheduleLeastPeakFirst(graph, options.model), "lpmf");

  if (allHeuristics) {
    std::vector<unsigned> combined = scheduler.bestOrder();
    int64_t combinedPeak =
        computeProfile(graph, combined, options.model).peakBytes;
    result.candidates.push_back({"heuristics", combinedPeak});
    if (algorithm != ScheduleAlgorithm::BestHeuristic) {
      scheduler.improveBottlenecks();
      combined = scheduler.bestOrder();
      combinedPeak = computeProfile(graph, combined, options.model).peakBytes;
      result.candidates.push_back(
          {stringifyScheduleAlgorithm(algorithm).str(), combinedPeak});
    }
    if (combinedPeak < peak) {
      order = std::move(combined);
      peak = combinedPeak;
      producer = scheduler.bestProducers();
    }
  }

  result.order = std::move(order);
  result.peakBytes = peak;
  result.algorithm = producer;
  scheduler.describe(result.order);
  result.stoppedByTimeLimit = meter.deadlinePassed();
  std::chrono::duration<double> elapsed = SteadyClock::now() - start;
  result.seconds = elapsed.count();
  return result;
}

std::optional<std::string>
memopt::verifyScheduleOptions(const ScheduleOptions &options) {
  if (std::isnan(options.timeLimitSeconds))
    return std::string("the time limit is not a number");
  if (options.timeLimitSeconds <= 0)
    return std::string("the time limit must be positive");
  if (!std::isfinite(options.effort) || options.effort <= 0)
    return std::string("the effort must be positive and finite");
  if (options.memoryLimitBytes <= 0)
    return std::string("the memory limit must be positive");
  return std::nullopt;
}

std::optional<std::string> memopt::checkSchedule(const MemoryGraph &graph,
                                                 const ScheduleResult &result,
                                                 const ModelOptions &options) {
  std::string reason;
  if (!isValidSchedule(graph, result.order, &reason))
    return "invalid schedule: " + reason;
  int64_t peak = computeProfile(graph, result.order, options).peakBytes;
  if (peak != result.peakBytes)
    return "the schedule claims a peak of " + std::to_string(result.peakBytes) +
           " bytes but needs " + std::to_string(peak);
  int64_t inputPeak =
      computeProfile(graph, inputOrder(graph), options).peakBytes;
  if (inputPeak != result.inputPeakBytes)
    return "the input order claims a peak of " +
           std::to_string(result.inputPeakBytes) + " bytes but needs " +
           std::to_string(inputPeak);
  if (peak > inputPeak)
    return "the schedule needs " + std::to_string(peak) +
           " bytes, more than the input order's " + std::to_string(inputPeak);
  if (result.lowerBoundBytes > peak)
    return "the lower bound " + std::to_string(result.lowerBoundBytes) +
           " is above the peak " + std::to_string(peak);
  if (result.lowerBoundBytes < scheduleLowerBound(graph, options))
    return "the lower bound " + std::to_string(result.lowerBoundBytes) +
           " is below the model's own bound";
  if (result.status == ScheduleStatus::Optimal &&
      result.lowerBoundBytes != peak)
    return "the schedule is called optimal but its peak " +
           std::to_string(peak) + " is above the proven lower bound " +
           std::to_string(result.lowerBoundBytes);
  if (result.optimalSegments > result.segments)
    return "more optimal segments than segments";
  return std::nullopt;
}
