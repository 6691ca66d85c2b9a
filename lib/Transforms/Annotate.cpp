//===- Annotate.cpp - Attach lifetimes, sizes and summaries ---------------===//

#include "PassUtils.h"
#include "memopt/Analysis/CostModel.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Transforms/Passes.h"

namespace memopt {
#define GEN_PASS_DEF_MEMOPTANNOTATE
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {
struct MemOptAnnotatePass
    : public memopt::impl::MemOptAnnotateBase<MemOptAnnotatePass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    ModelOptions modelOptions = makeModelOptions(inPlace);
    (void)forEachFunction(getOperation(), [&](FunctionOpInterface function) {
      FailureOr<BlockMemoryModel> model =
          buildFunctionMemoryModel(function, extraction);
      if (failed(model))
        return success();
      annotateLifetimes(*model);
      if (remarkCosts)
        for (Operation *op : model->nodeOps)
          op->emitRemark() << "compute cost " << getComputeCost(op);
      // What a scheduler recorded stays true only while its order does.
      function->setAttr(
          attr_names::kSummary,
          buildSummary(*model, modelOptions,
                       SummaryExtras::from(
                           getCurrentSummary(function, *model, modelOptions))));
      return success();
    });
  }
};
} // namespace
