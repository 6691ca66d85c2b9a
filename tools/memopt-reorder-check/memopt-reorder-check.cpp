//===- memopt-reorder-check.cpp - Check that a pass only reordered ops ----===//
//
// Compares a program before and after a pass that may only reorder the ops
// of a block (memory-schedule, and the annotating passes that must not move
// anything). It works on the IR alone, independently of memopt's libraries:
//
//   * the output parses and verifies;
//   * every function of the input is still there;
//   * every block keeps its multiset of ops, matched by the discardable
//     attribute `rp.id` (ops without one by name and rank);
//   * every operand, including values used inside an op's regions, is
//     defined before its use (in the block or in an enclosing one);
//   * two ops of a block that both touch memory, at least one of them by a
//     write or a free, or with unknown effects (an unregistered op, an op
//     without a memory effect interface such as func.call), keep their
//     relative order; effects of nested ops count for ops with recursive
//     effects, allocations do not count;
//   * a terminator, and an unregistered op that ends a block, stays last.
//
// Exit status 0 when every check holds, 1 on violations (one line each,
// "VIOLATION <kind> @<function>: <details>"), 2 on usage or input errors.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>

using namespace mlir;

static llvm::cl::opt<std::string> beforeFile(llvm::cl::Positional,
                                             llvm::cl::desc("<before.mlir>"),
                                             llvm::cl::Required);
static llvm::cl::opt<std::string> afterFile(llvm::cl::Positional,
                                            llvm::cl::desc("<after.mlir>"),
                                            llvm::cl::Required);
static llvm::cl::list<std::string> pureDialects(
    "pure-dialect",
    llvm::cl::desc("unregistered dialect whose ops are side-effect free "
                   "(except names containing while, custom_call or rng)"));
static llvm::cl::opt<std::string>
    idAttr("id-attr", llvm::cl::desc("name of the attribute identifying ops"),
           llvm::cl::init("rp.id"));
static llvm::cl::opt<bool> splitInput(
    "split-input-file",
    llvm::cl::desc("both files hold modules separated by '// -----', "
                   "compared pairwise (as printed by mlir-opt)"));
static llvm::cl::opt<unsigned>
    maxReports("max-reports",
               llvm::cl::desc("violations printed per kind (0: all)"),
               llvm::cl::init(5));

namespace {

/// What an op may do to memory, for the ordering check.
struct Effects {
  bool unknown = false;
  bool reads = false;
  bool writes = false;
  /// Resources touched, with whether they are written.
  llvm::SmallVector<std::pair<SideEffects::Resource *, bool>> touched;

  bool any() const { return unknown || reads || writes; }
};

class Checker {
public:
  int numViolations = 0;
  std::string prefix;

  void report(StringRef kind, StringRef func, const Twine &msg) {
    ++numViolations;
    unsigned &n = perKind[kind.str()];
    ++n;
    if (maxReports != 0 && n > maxReports)
      return;
    std::string text = msg.str();
    // One line per violation: diagnostics may span several.
    for (char &c : text)
      if (c == '\n')
        c = ' ';
    llvm::outs() << prefix << "VIOLATION " << kind << " @" << func << ": "
                 << text << "\n";
  }

  void summary() {
    for (auto &it : perKind)
      if (maxReports != 0 && it.second > maxReports)
        llvm::outs() << prefix << "(" << it.second << " " << it.first
                     << " violations in all)\n";
  }

  void checkModules(ModuleOp before, ModuleOp after);

private:
  std::map<std::string, unsigned> perKind;
  StringRef curFunc;

  std::string keyOf(Operation *op, llvm::StringMap<unsigned> &ordinals);
  std::string describe(Operation *op);
  void compareBlocks(Block &before, Block &after);
  void checkDominance(Operation *root);
  Effects effectsOf(Operation *op);
  void collectEffects(Operation *op, Effects &effects);
  bool conflict(const Effects &a, const Effects &b);
};

} // namespace

std::string Checker::keyOf(Operation *op, llvm::StringMap<unsigned> &ordinals) {
  if (auto id = op->getAttrOfType<IntegerAttr>(idAttr))
    return "#" + std::to_string(id.getInt());
  std::string name = op->getName().getStringRef().str();
  return name + "[" + std::to_string(ordinals[name]++) + "]";
}

std::string Checker::describe(Operation *op) {
  std::string s = op->getName().getStringRef().str();
  if (auto id = op->getAttrOfType<IntegerAttr>(idAttr))
    s += " (" + idAttr + " = " + std::to_string(id.getInt()) + ")";
  return s;
}

static bool isPureUnregistered(Operation *op) {
  StringRef name = op->getName().getStringRef();
  StringRef dialect = name.split('.').first;
  if (dialect == "check")
    return false;
  for (StringRef bad : {"while", "custom_call", "rng"})
    if (name.contains(bad))
      return false;
  for (const std::string &d : pureDialects)
    if (dialect == d)
      return true;
  return false;
}

void Checker::collectEffects(Operation *op, Effects &effects) {
  if (!op->isRegistered()) {
    if (!isPureUnregistered(op))
      effects.unknown = true;
    // Nested ops of a pure unregistered op still count.
    for (Region &region : op->getRegions())
      for (Operation &nested : region.getOps())
        collectEffects(&nested, effects);
    return;
  }
  bool recursive = op->hasTrait<OpTrait::HasRecursiveMemoryEffects>();
  if (auto iface = dyn_cast<MemoryEffectOpInterface>(op)) {
    SmallVector<MemoryEffects::EffectInstance> instances;
    iface.getEffects(instances);
    for (auto &inst : instances) {
      MemoryEffects::Effect *effect = inst.getEffect();
      if (isa<MemoryEffects::Allocate>(effect))
        continue;
      bool write = isa<MemoryEffects::Write, MemoryEffects::Free>(effect);
      (write ? effects.writes : effects.reads) = true;
      effects.touched.push_back({inst.getResource(), write});
    }
  } else if (!recursive) {
    effects.unknown = true;
  }
  if (recursive)
    for (Region &region : op->getRegions())
      for (Operation &nested : region.getOps())
        collectEffects(&nested, effects);
}

Effects Checker::effectsOf(Operation *op) {
  Effects effects;
  collectEffects(op, effects);
  return effects;
}

bool Checker::conflict(const Effects &a, const Effects &b) {
  if (!a.any() || !b.any())
    return false;
  if (a.unknown || b.unknown)
    return true;
  for (auto [ra, wa] : a.touched)
    for (auto [rb, wb] : b.touched)
      if ((wa || wb) && ra == rb)
        return true;
  return false;
}

void Checker::compareBlocks(Block &before, Block &after) {
  llvm::StringMap<unsigned> ordBefore, ordAfter;
  SmallVector<std::pair<std::string, Operation *>> opsBefore, opsAfter;
  for (Operation &op : before)
    opsBefore.push_back({keyOf(&op, ordBefore), &op});
  for (Operation &op : after)
    opsAfter.push_back({keyOf(&op, ordAfter), &op});

  // Multiset of ops.
  std::map<std::string, int> count;
  for (auto &it : opsBefore)
    ++count[it.first];
  for (auto &it : opsAfter)
    --count[it.first];
  bool same = true;
  for (auto &it : count) {
    if (it.second == 0)
      continue;
    same = false;
    report("op-multiset", curFunc,
           Twine(it.second > 0 ? "missing " : "extra ") + it.first +
               " in a block of " +
               (before.getParentOp() ? describe(before.getParentOp())
                                     : std::string("?")));
  }
  if (!same)
    return;

  llvm::DenseMap<Operation *, unsigned> posAfter;
  std::map<std::string, Operation *> afterByKey;
  for (auto [i, it] : llvm::enumerate(opsAfter)) {
    posAfter[it.second] = i;
    afterByKey[it.first] = it.second;
  }
  SmallVector<Operation *> mapped;
  for (auto &it : opsBefore)
    mapped.push_back(afterByKey[it.first]);

  // The terminator, or an unregistered op that ends the block, stays last.
  if (!opsBefore.empty()) {
    Operation *last = opsBefore.back().second;
    if ((last->hasTrait<OpTrait::IsTerminator>() || !last->isRegistered()) &&
        mapped.back() != opsAfter.back().second)
      report("last-op", curFunc,
             describe(last) + " is no longer last: " +
                 describe(opsAfter.back().second) + " follows it");
  }

  // Ordering of ops with conflicting effects.
  SmallVector<Effects> effects;
  for (auto &it : opsBefore)
    effects.push_back(effectsOf(it.second));
  for (size_t i = 0; i < opsBefore.size(); ++i) {
    if (!effects[i].any())
      continue;
    for (size_t j = i + 1; j < opsBefore.size(); ++j) {
      if (!conflict(effects[i], effects[j]))
        continue;
      if (posAfter[mapped[i]] > posAfter[mapped[j]])
        report("effect-order", curFunc,
               describe(opsBefore[i].second) + " now runs after " +
                   describe(opsBefore[j].second));
    }
  }

  // Nested regions.
  for (auto [i, it] : llvm::enumerate(opsBefore)) {
    Operation *a = it.second, *b = mapped[i];
    if (a->getNumRegions() != b->getNumRegions()) {
      report("op-multiset", curFunc,
             describe(a) + " changed its number of regions");
      continue;
    }
    for (auto [ra, rb] : llvm::zip(a->getRegions(), b->getRegions())) {
      if (ra.getBlocks().size() != rb.getBlocks().size()) {
        report("op-multiset", curFunc,
               describe(a) + " changed the blocks of a region");
        continue;
      }
      for (auto [ba, bb] : llvm::zip(ra.getBlocks(), rb.getBlocks()))
        compareBlocks(ba, bb);
    }
  }
}

void Checker::checkDominance(Operation *root) {
  root->walk([&](Operation *user) {
    for (auto [idx, value] : llvm::enumerate(user->getOperands())) {
      bool ok;
      std::string def;
      if (auto arg = dyn_cast<BlockArgument>(value)) {
        ok = arg.getOwner()->findAncestorOpInBlock(*user) != nullptr;
        def = "a block argument";
      } else {
        Operation *defOp = value.getDefiningOp();
        Operation *ancestor = defOp->getBlock()->findAncestorOpInBlock(*user);
        ok = ancestor && ancestor != defOp && defOp->isBeforeInBlock(ancestor);
        def = describe(defOp);
      }
      if (!ok)
        report("dominance", curFunc,
               "operand #" + Twine(idx) + " of " + describe(user) +
                   " is defined by " + def + " that does not dominate it");
    }
  });
}

void Checker::checkModules(ModuleOp before, ModuleOp after) {
  llvm::StringMap<func::FuncOp> afterFuncs;
  for (auto f : after.getOps<func::FuncOp>())
    afterFuncs[f.getSymName()] = f;
  for (auto f : after.getOps<func::FuncOp>()) {
    curFunc = f.getSymName();
    checkDominance(f);
  }
  for (auto f : before.getOps<func::FuncOp>()) {
    curFunc = f.getSymName();
    auto it = afterFuncs.find(f.getSymName());
    if (it == afterFuncs.end()) {
      report("function", curFunc, "missing from the output");
      continue;
    }
    func::FuncOp g = it->second;
    if (f.getFunctionType() != g.getFunctionType() ||
        f.getBody().getBlocks().size() != g.getBody().getBlocks().size()) {
      report("function", curFunc, "changed its type or its blocks");
      continue;
    }
    for (auto [ba, bb] : llvm::zip(f.getBody(), g.getBody()))
      compareBlocks(ba, bb);
  }
}

static OwningOpRef<ModuleOp> parse(llvm::StringRef text, StringRef name,
                                   MLIRContext &ctx, std::string &errors) {
  llvm::raw_string_ostream os(errors);
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    os << diag.getLocation() << ": " << diag.str() << "\n";
    return success();
  });
  ParserConfig config(&ctx, /*verifyAfterParse=*/false);
  return parseSourceString<ModuleOp>(text, config, name);
}

/// Splits a file like mlir-opt's -split-input-file does.
static SmallVector<std::string> splitChunks(StringRef text, bool split) {
  SmallVector<std::string> chunks;
  if (!split) {
    chunks.push_back(text.str());
    return chunks;
  }
  std::string cur;
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (StringRef line : lines) {
    if (line.trim() == "// -----") {
      chunks.push_back(cur);
      cur.clear();
      continue;
    }
    cur += line.str() + "\n";
  }
  chunks.push_back(cur);
  return chunks;
}

static std::string readFile(StringRef path, bool &ok) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path);
  ok = static_cast<bool>(buf);
  return ok ? (*buf)->getBuffer().str() : std::string();
}

/// Checks one pair of modules; returns the number of violations.
static int checkPair(MLIRContext &ctx, StringRef beforeText,
                     StringRef afterText, const std::string &prefix) {
  std::string errors;
  OwningOpRef<ModuleOp> before = parse(beforeText, beforeFile, ctx, errors);
  if (!before || failed(verify(*before))) {
    llvm::errs() << "error: " << prefix << beforeFile
                 << " does not parse or verify\n"
                 << errors;
    return -1;
  }
  Checker checker;
  checker.prefix = prefix;
  errors.clear();
  OwningOpRef<ModuleOp> after = parse(afterText, afterFile, ctx, errors);
  if (!after) {
    checker.report("parse", "-", errors);
    return checker.numViolations;
  }
  checker.checkModules(*before, *after);
  // Verification last: the checks above explain most failures better.
  {
    errors.clear();
    llvm::raw_string_ostream os(errors);
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      os << diag.str();
      return success();
    });
    if (failed(verify(*after)))
      checker.report("verify", "-", errors);
  }
  checker.summary();
  return checker.numViolations;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "checks that a pass only reordered ops within their blocks\n");

  DialectRegistry registry;
  registry
      .insert<arith::ArithDialect, bufferization::BufferizationDialect,
              cf::ControlFlowDialect, func::FuncDialect, linalg::LinalgDialect,
              LLVM::LLVMDialect, math::MathDialect, memref::MemRefDialect,
              scf::SCFDialect, tensor::TensorDialect, tosa::TosaDialect>();
  MLIRContext ctx(registry);
  ctx.allowUnregisteredDialects();
  ctx.loadAllAvailableDialects();

  bool okBefore, okAfter;
  std::string beforeText = readFile(beforeFile, okBefore);
  std::string afterText = readFile(afterFile, okAfter);
  if (!okBefore || !okAfter) {
    llvm::errs() << "error: cannot read the input files\n";
    return 2;
  }
  SmallVector<std::string> beforeChunks = splitChunks(beforeText, splitInput);
  SmallVector<std::string> afterChunks = splitChunks(afterText, splitInput);
  if (beforeChunks.size() != afterChunks.size()) {
    llvm::outs() << "VIOLATION chunks @-: " << beforeChunks.size()
                 << " inputs but " << afterChunks.size() << " outputs\n";
    return 1;
  }
  int total = 0;
  for (size_t i = 0; i < beforeChunks.size(); ++i) {
    std::string prefix =
        splitInput ? "chunk " + std::to_string(i) + ": " : std::string();
    int n = checkPair(ctx, beforeChunks[i], afterChunks[i], prefix);
    if (n < 0)
      return 2;
    total += n;
  }
  if (total == 0) {
    llvm::outs() << "OK\n";
    return 0;
  }
  return 1;
}
