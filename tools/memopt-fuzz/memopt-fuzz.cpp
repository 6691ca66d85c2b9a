//===- memopt-fuzz.cpp - libFuzzer target over memopt's passes ------------===//
//
// Parses the input as MLIR (unregistered dialects allowed) and runs every
// memopt pass pipeline on a copy of it. Whatever the input, a pipeline must
// either fail with an error diagnostic or produce IR that verifies and that
// prints to text which parses again; anything else aborts, as does any crash
// or sanitizer report inside the passes.
//
//===----------------------------------------------------------------------===//

#include "memopt/InitAll.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

namespace {

/// The pipelines run on every input. Time limits are low so that one input
/// takes milliseconds; reports go to /dev/null.
constexpr const char *kPipelines[] = {
    "memopt-annotate",
    "memopt-annotate{in-place=true},memopt-strip-annotations",
    "memopt-report{output=/dev/null}",
    "memopt-report{format=json output=/dev/null in-place=true top-values=2}",
    "memory-schedule{algorithm=heuristics time-limit=0.02}",
    "memory-schedule{algorithm=dp time-limit=0.02 memory-limit-mb=4}",
    "memory-schedule{algorithm=ilp time-limit=0.02}",
    "memory-schedule{algorithm=auto time-limit=0.02 in-place=true}",
    "memory-schedule{algorithm=lpmf time-limit=0.02},memopt-report{"
    "output=/dev/null}",
    "memopt-assign-offsets{algorithm=best time-limit=0.02}",
    "memopt-assign-offsets{algorithm=exact time-limit=0.02 alignment=1 "
    "in-place=true}",
    "memory-schedule{algorithm=dp time-limit=0.02},canonicalize,"
    "memopt-assign-offsets{time-limit=0.02},memopt-report{output=/dev/null}",
    "memopt-annotate,memory-schedule{algorithm=list time-limit=0.02},"
    "memopt-annotate",
    "memopt-partition-concat{time-limit=0.02}",
    "memopt-partition-concat{only-if-lower=false time-limit=0.02 "
    "in-place=true},memopt-report{output=/dev/null}",
    "memopt-arena{time-limit=0.02}",
    "memopt-arena{arena-mode=arg algorithm=exact alignment=16 time-limit=0.02}",
    "memopt-strip-annotations{all=true}",
    "func.func(memopt-annotate,memory-schedule{algorithm=heuristics "
    "time-limit=0.02},memopt-assign-offsets{time-limit=0.02},memopt-arena{"
    "time-limit=0.02},memopt-strip-annotations)",
};

/// The context shared by every input, with memopt's dialects and passes.
struct FuzzContext {
  DialectRegistry registry;
  MLIRContext context;

  FuzzContext() : context(MLIRContext::Threading::DISABLED) {
    memopt::registerMemOptOptDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    context.allowUnregisteredDialects();
    memopt::registerMemOptPasses();
    registerCanonicalizerPass();
  }
};

[[noreturn]] void fail(const char *pipeline, const char *what) {
  llvm::errs() << "memopt-fuzz: pipeline '" << pipeline << "' " << what
               << "\n";
  std::abort();
}

void runPipeline(MLIRContext &context, ModuleOp input, const char *pipeline) {
  OwningOpRef<ModuleOp> module(input.clone());
  PassManager pm(&context);
  // Verified below, so that invalid output aborts instead of failing.
  pm.enableVerifier(false);
  std::string spec = std::string("builtin.module(") + pipeline + ")";
  if (failed(parsePassPipeline(spec, pm)))
    fail(pipeline, "does not parse");

  bool errorReported = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    errorReported |= diag.getSeverity() == DiagnosticSeverity::Error;
    return success();
  });
  if (failed(pm.run(*module))) {
    if (!errorReported)
      fail(pipeline, "failed without an error diagnostic");
    return;
  }
  if (failed(verify(*module)))
    fail(pipeline, "produced IR that does not verify");

  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  if (!parseSourceString<ModuleOp>(text, &context))
    fail(pipeline, "produced IR whose printed form does not parse");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FuzzContext *fuzz = new FuzzContext();
  MLIRContext &context = fuzz->context;
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  // MLIR's lexer reads the terminating NUL that libFuzzer's data lacks.
  std::string source(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> input = parseSourceString<ModuleOp>(source, &context);
  // The passes take verified IR: whatever the parser or verifier rejects is
  // not their input.
  if (!input || failed(verify(*input)))
    return 0;
  for (const char *pipeline : kPipelines)
    runPipeline(context, *input, pipeline);
  return 0;
}
