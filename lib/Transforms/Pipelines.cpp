//===- Pipelines.cpp - memopt pass pipelines ------------------------------===//

#include "memopt/Transforms/Pipelines.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace memopt;

void memopt::buildPlanPipeline(OpPassManager &pm,
                               const PlanPipelineOptions &options) {
  // Row bands first: they lower the peaks of chains (an ImageNet stem) that
  // no concat touches, and the concat partition then schedules the banded
  // graph.
  if (options.rowBands) {
    MemOptRowBandsOptions bands;
    bands.mode = "auto";
    pm.addPass(createMemOptRowBands(bands));
  }
  if (options.partitionConcat) {
    MemOptPartitionConcatOptions partition;
    partition.pureDialects.assign(options.pureDialects.begin(),
                                  options.pureDialects.end());
    partition.inPlace = options.inPlace;
    partition.algorithm = options.scheduleAlgorithm;
    partition.timeLimit = options.timeLimit;
    partition.recordTimes = options.recordTimes;
    pm.addPass(createMemOptPartitionConcat(partition));
  }
  MemoryScheduleOptions schedule;
  schedule.pureDialects.assign(options.pureDialects.begin(),
                               options.pureDialects.end());
  schedule.inPlace = options.inPlace;
  schedule.algorithm = options.scheduleAlgorithm;
  schedule.timeLimit = options.timeLimit;
  schedule.recordTimes = options.recordTimes;
  pm.addPass(createMemorySchedule(schedule));

  MemOptAssignOffsetsOptions offsets;
  offsets.pureDialects.assign(options.pureDialects.begin(),
                              options.pureDialects.end());
  offsets.inPlace = options.inPlace;
  offsets.algorithm = options.packingAlgorithm;
  offsets.alignment = options.alignment;
  offsets.timeLimit = options.timeLimit;
  offsets.recordTimes = options.recordTimes;
  pm.addPass(createMemOptAssignOffsets(offsets));
}

void memopt::registerMemOptPipelines() {
  PassPipelineRegistration<PlanPipelineOptions>(
      "memopt-plan",
      "Schedule every function for the lowest activation peak (after "
      "banding convolution chains with row-bands=true and partitioning "
      "concats with partition-concat=true), then assign buffer offsets in "
      "one arena for that order",
      buildPlanPipeline);
}
