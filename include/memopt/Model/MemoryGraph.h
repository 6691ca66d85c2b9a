//===- MemoryGraph.h - IR-free model of a block's memory behaviour -*- C++ -*-===//
//
// Part of memopt. The memory model that every solver works on: operations,
// the values they produce and consume, their sizes in bytes, and extra
// ordering edges for side effects. It knows nothing of MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_MODEL_MEMORYGRAPH_H
#define MEMOPT_MODEL_MEMORYGRAPH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace memopt {

/// Options of the memory model shared by every pass and solver.
struct ModelOptions {
  /// Lets an in-place capable (elementwise) operation write a result into the
  /// buffer of an operand of the same size whose last use it is, as XLA, TFLite
  /// and HMCOS do. Such a result then adds nothing to the step's live bytes.
  bool inPlace = false;
};

/// A graph of operations (nodes) and values. Nodes are numbered in the input
/// order of the block they come from, so `0..numNodes()-1` is always a valid
/// schedule.
///
/// Semantics (docs/MemoryModel.md): a non-resident value is live from its
/// producer's step through its last consumer's step, inclusive; to the last
/// step when it escapes (is returned); at its producer's step only when it has
/// no consumer. The inputs and outputs of a node are live together at its
/// step. Resident values (function arguments, constants, globals) are counted
/// apart and never in the activation peak. A node's scratch value stands for
/// the bytes it holds only while it runs (the peak inside its regions): it is
/// a result nobody reads, so it is live at the node's step alone.
class MemoryGraph {
public:
  struct Node {
    std::string name;
    /// Distinct values read by the node, in first-use order.
    llvm::SmallVector<unsigned, 4> operands;
    /// Values the node defines.
    llvm::SmallVector<unsigned, 2> results;
    /// Nodes that must run before this one (data and ordering dependences).
    llvm::SmallVector<unsigned, 4> preds;
    /// Nodes that must run after this one.
    llvm::SmallVector<unsigned, 4> succs;
    /// Whether a result may reuse an operand's buffer (elementwise ops).
    bool inPlaceCapable = false;
  };

  struct Value {
    std::string name;
    int64_t size = 0;
    /// Producing node; none for block arguments.
    std::optional<unsigned> producer;
    /// Distinct consuming nodes in ascending node id order.
    llvm::SmallVector<unsigned, 4> users;
    /// Resident values take no part in the activation peak.
    bool resident = false;
    /// Escaping values (returned by the block) stay live to the last step.
    bool escapes = false;
    /// Bytes the producer holds only while it runs (see addScratch). Scratch
    /// has no SSA value, is never written in place and is never planned.
    bool scratch = false;
  };

  /// Adds a node and returns its id; ids are dense and increasing.
  unsigned addNode(std::string name, bool inPlaceCapable = false);
  /// Adds a value of `size` bytes defined by `producer` (none for an argument).
  unsigned addValue(int64_t size, std::optional<unsigned> producer,
                    bool resident = false, std::string name = {});
  /// Adds a scratch value of `size` bytes to `node`: bytes it allocates and
  /// frees while it runs, such as the peak of the loop body it owns.
  unsigned addScratch(unsigned node, int64_t size);
  /// Records that `node` reads `value`; repeated uses are recorded once.
  void addUse(unsigned value, unsigned node);
  /// Requires `before` to run before `after` (side-effect ordering).
  void addOrderingEdge(unsigned before, unsigned after);
  /// Marks `value` as returned from the block.
  void markEscaping(unsigned value) { values[value].escapes = true; }
  /// Marks `value` as held outside the activation peak (a result buffer the
  /// caller allocates).
  void markResident(unsigned value) { values[value].resident = true; }

  unsigned numNodes() const { return nodes.size(); }
  unsigned numValues() const { return values.size(); }
  const Node &node(unsigned id) const { return nodes[id]; }
  const Value &value(unsigned id) const { return values[id]; }
  llvm::ArrayRef<Node> getNodes() const { return nodes; }
  llvm::ArrayRef<Value> getValues() const { return values; }

  /// Whether a value counts towards activation memory.
  bool isActivation(unsigned valueId) const {
    return !values[valueId].resident;
  }

  /// Sum of the sizes of resident values.
  int64_t residentBytes() const;

  /// The (result, operand) pairs of `node` where the result may be written in
  /// place of an operand dying at `node`, given which operands die there.
  /// Pairs each result with a distinct dying activation operand of the same
  /// size, largest results first.
  llvm::SmallVector<std::pair<unsigned, unsigned>, 2>
  inPlacePairs(unsigned nodeId,
               llvm::function_ref<bool(unsigned)> operandDies) const;

  /// The bytes of `node`'s results written in place (see inPlacePairs).
  int64_t inPlaceSavings(unsigned nodeId,
                         llvm::function_ref<bool(unsigned)> operandDies) const;

private:
  void addEdge(unsigned from, unsigned to);

  std::vector<Node> nodes;
  std::vector<Value> values;
  llvm::DenseSet<std::pair<unsigned, unsigned>> edgeSet;
};

/// Live memory of one schedule.
struct MemoryProfile {
  /// Activation bytes live at each step.
  std::vector<int64_t> liveBytes;
  int64_t peakBytes = 0;
  /// First step at which the peak is reached (0 for an empty graph).
  unsigned peakStep = 0;
};

/// Lifetime of a value in a schedule: inclusive steps.
struct Lifetime {
  unsigned start = 0;
  unsigned end = 0;
};

/// Checks that `order` is a permutation of the nodes that respects every
/// dependence. On failure, describes the first violation in `reason`.
bool isValidSchedule(const MemoryGraph &graph, llvm::ArrayRef<unsigned> order,
                     std::string *reason = nullptr);

/// Lifetimes of all values under `order` (indexed by value id). Values without
/// a producer (block arguments) start at step 0.
std::vector<Lifetime> computeLifetimes(const MemoryGraph &graph,
                                       llvm::ArrayRef<unsigned> order);

/// Live bytes per step, peak and peak step of `order`, which must be valid.
MemoryProfile computeProfile(const MemoryGraph &graph,
                             llvm::ArrayRef<unsigned> order,
                             const ModelOptions &options = {});

/// The largest working set of a single node: its activation operands plus
/// results, less what it may write in place (with `options.inPlace`).
int64_t largestWorkingSet(const MemoryGraph &graph,
                          const ModelOptions &options = {});

/// Lower bound on the peak of every schedule: the larger of (a) the bytes of
/// all escaping values, which are live together at the last step, and (b)
/// over all nodes, the node's working set plus the values every order keeps
/// live across it: those produced by an ancestor and read by a descendant,
/// or escaping. Graphs above `kMaxReachabilityNodes` nodes skip the values
/// live across and use the working sets alone.
int64_t scheduleLowerBound(const MemoryGraph &graph,
                           const ModelOptions &options = {});

/// Largest graph whose lower bound uses reachability (two bit matrices of
/// numNodes^2 bits each).
constexpr unsigned kMaxReachabilityNodes = 16384;

/// `order` with every weightless node (no result values, no activation
/// operand bytes, such as `tensor.empty`) moved right before its first
/// successor, so that what bufferization allocates for it starts where it is
/// first needed. The order stays valid and its profile is unchanged; nodes
/// without successors stay where they are.
std::vector<unsigned> sinkWeightlessNodes(const MemoryGraph &graph,
                                          llvm::ArrayRef<unsigned> order);

/// The identity schedule 0..n-1 (the input order).
std::vector<unsigned> inputOrder(const MemoryGraph &graph);

} // namespace memopt

#endif // MEMOPT_MODEL_MEMORYGRAPH_H
