//===- StripAnnotations.cpp - Remove memopt's per-op attributes -----------===//

#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Transforms/Passes.h"

namespace memopt {
#define GEN_PASS_DEF_MEMOPTSTRIPANNOTATIONS
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

namespace {
struct MemOptStripAnnotationsPass
    : public memopt::impl::MemOptStripAnnotationsBase<
          MemOptStripAnnotationsPass> {
  using Base::Base;

  void runOnOperation() final {
    memopt::clearOpAnnotations(getOperation());
    if (all)
      getOperation()->walk([](mlir::Operation *op) {
        op->removeAttr(memopt::attr_names::kSummary);
        op->removeAttr(memopt::attr_names::kArenaSize);
        op->removeAttr(memopt::attr_names::kTimelines);
        op->removeAttr(memopt::attr_names::kRemat);
      });
    markAllAnalysesPreserved();
  }
};
} // namespace
