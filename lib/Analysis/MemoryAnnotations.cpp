//===- MemoryAnnotations.cpp - Write and read memopt attributes -----------===//

#include "memopt/Analysis/MemoryAnnotations.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace memopt;

void memopt::annotateLifetimes(const BlockMemoryModel &model) {
  std::vector<Lifetime> lifetimes =
      computeLifetimes(model.graph, inputOrder(model.graph));
  for (auto [node, op] : llvm::enumerate(model.nodeOps)) {
    if (op->getNumResults() == 0)
      continue;
    Builder builder(op->getContext());
    SmallVector<Attribute> lifetimeAttrs;
    SmallVector<int64_t> sizes;
    bool resident = false;
    for (Value result : op->getResults()) {
      std::optional<unsigned> id = model.getOwnValueId(result);
      if (!id)
        break;
      const MemoryGraph::Value &value = model.graph.value(*id);
      resident |= value.resident;
      lifetimeAttrs.push_back(LifetimeAttr::get(
          op->getContext(), lifetimes[*id].start, lifetimes[*id].end));
      sizes.push_back(value.size);
    }
    if (resident) {
      op->setAttr(attr_names::kResident, builder.getUnitAttr());
      continue;
    }
    // Views and casts of memrefs define no buffer of their own.
    if (lifetimeAttrs.size() != op->getNumResults())
      continue;
    op->setAttr(attr_names::kLifetimes, builder.getArrayAttr(lifetimeAttrs));
    op->setAttr(attr_names::kSizes, builder.getDenseI64ArrayAttr(sizes));
  }
}

static constexpr llvm::StringLiteral kOpAttributes[] = {
    attr_names::kLifetimes, attr_names::kSizes, attr_names::kResident,
    attr_names::kBuffers};

bool memopt::hasOpAnnotations(Block &block) {
  return llvm::any_of(block, [](Operation &op) {
    return llvm::any_of(kOpAttributes,
                        [&](StringRef name) { return op.hasAttr(name); });
  });
}

void memopt::clearOpAnnotations(Operation *root) {
  root->walk([](Operation *op) {
    for (StringRef name : kOpAttributes)
      op->removeAttr(name);
  });
}

SummaryExtras SummaryExtras::from(SummaryAttr summary) {
  SummaryExtras extras;
  if (!summary)
    return extras;
  extras.algorithm = summary.getAlgorithm().str();
  extras.lowerBoundBytes = summary.getLowerBoundBytes();
  extras.status = summary.getStatus();
  extras.inputPeakBytes = summary.getInputPeakBytes();
  extras.scheduleTimeUs = summary.getScheduleTimeUs();
  extras.segments = summary.getSegments();
  extras.optimalSegments = summary.getOptimalSegments();
  extras.arenaBytes = summary.getArenaBytes();
  if (summary.getArenaAlgorithm())
    extras.arenaAlgorithm = summary.getArenaAlgorithm().str();
  extras.arenaStatus = summary.getArenaStatus();
  extras.arenaTimeUs = summary.getArenaTimeUs();
  return extras;
}

SummaryAttr memopt::buildSummary(const BlockMemoryModel &model,
                                 const ModelOptions &modelOptions,
                                 const SummaryExtras &extras) {
  MLIRContext *context = model.block->getParentOp()->getContext();
  MemoryProfile profile =
      computeProfile(model.graph, inputOrder(model.graph), modelOptions);
  int64_t lowerBound =
      std::max(scheduleLowerBound(model.graph, modelOptions),
               extras.lowerBoundBytes.value_or(0));
  SolveStatus status = extras.status.value_or(
      profile.peakBytes == lowerBound ? SolveStatus::optimal
                                      : SolveStatus::feasible);
  StringAttr arenaAlgorithm =
      extras.arenaAlgorithm ? StringAttr::get(context, *extras.arenaAlgorithm)
                            : StringAttr();
  BoolAttr inPlace =
      modelOptions.inPlace ? BoolAttr::get(context, true) : BoolAttr();
  return SummaryAttr::get(
      context, profile.peakBytes, model.graph.residentBytes(), lowerBound,
      extras.algorithm, status, extras.inputPeakBytes, extras.scheduleTimeUs,
      extras.segments, extras.optimalSegments, extras.arenaBytes,
      arenaAlgorithm, extras.arenaStatus, extras.arenaTimeUs, inPlace);
}

SummaryAttr memopt::getSummary(Operation *function) {
  return function->getAttrOfType<SummaryAttr>(attr_names::kSummary);
}
