//===- AssignOffsets.cpp - Byte ranges for activation values --------------===//
//
// Thin pass over the IR-free packer: lifetimes of the activation values of
// each function body in its current order become buffers, the packer places
// them, an independent check confirms the placement, and the offsets are
// attached as #memopt.buffer attributes.
//
//===----------------------------------------------------------------------===//

#include "PassUtils.h"
#include "memopt/Analysis/BufferPlan.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

namespace memopt {
#define GEN_PASS_DEF_MEMOPTASSIGNOFFSETS
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

struct MemOptAssignOffsetsPass
    : public memopt::impl::MemOptAssignOffsetsBase<MemOptAssignOffsetsPass> {
  using Base::Base;

  bool canScheduleOn(RegisteredOperationName name) const final {
    return canProcessFunctionsOf(name);
  }

  void runOnOperation() final {
    std::optional<PackingOptions> packing =
        parsePackingPassOptions(getOperation(), "memopt-assign-offsets",
                                algorithm, alignment, timeLimit);
    if (!packing)
      return signalPassFailure();
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    ModelOptions modelOptions = makeModelOptions(inPlace);
    if (failed(
            forEachFunction(getOperation(), [&](FunctionOpInterface function) {
              return assignOffsets(function, extraction, modelOptions,
                                   *packing);
            })))
      signalPassFailure();
  }

  LogicalResult assignOffsets(FunctionOpInterface function,
                              const ExtractionOptions &extraction,
                              const ModelOptions &modelOptions,
                              const PackingOptions &packing) {
    FailureOr<BlockMemoryModel> model =
        buildFunctionMemoryModel(function, extraction);
    if (failed(model))
      return success();
    const MemoryGraph &graph = model->graph;
    BufferPlan plan =
        buildBufferPlan(graph, inputOrder(graph), modelOptions, alignment,
                        // Buffers inside regions are allocated there.
                        [&](unsigned id) { return !graph.value(id).scratch; });
    PackingResult result = packBuffers(plan.problem, packing);
    if (std::optional<std::string> problem =
            checkPacking(plan.problem, result)) {
      function->emitError() << "memopt-assign-offsets: the " << result.algorithm
                            << " packer produced an invalid placement ("
                            << *problem << "); the function is left unchanged";
      return failure();
    }

    annotateLifetimes(*model);
    Builder builder(function->getContext());
    for (Operation *op : model->nodeOps) {
      if (op->getNumResults() == 0 || op->hasAttr(attr_names::kResident))
        continue;
      SmallVector<Attribute> buffers;
      for (Value value : op->getResults()) {
        std::optional<unsigned> id = model->getOwnValueId(value);
        if (!id)
          break;
        int buffer = plan.bufferOfValue[*id];
        buffers.push_back(
            buffer < 0
                ? BufferAttr::get(builder.getContext(), 0, 0, 1)
                : BufferAttr::get(builder.getContext(), result.offsets[buffer],
                                  graph.value(*id).size, alignment));
      }
      if (buffers.size() == op->getNumResults())
        op->setAttr(attr_names::kBuffers, builder.getArrayAttr(buffers));
    }

    // A summary from before the body last changed describes another body.
    SummaryExtras extras = SummaryExtras::from(
        getCurrentSummary(function, *model, modelOptions));
    recordArena(extras, result, recordTimes);
    function->setAttr(attr_names::kSummary,
                      buildSummary(*model, modelOptions, extras));
    return success();
  }
};

} // namespace
