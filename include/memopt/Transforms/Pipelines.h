//===- Pipelines.h - memopt pass pipelines ----------------------*- C++ -*-===//

#ifndef MEMOPT_TRANSFORMS_PIPELINES_H
#define MEMOPT_TRANSFORMS_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace memopt {

/// Options of the `memopt-plan` pipeline.
struct PlanPipelineOptions
    : public mlir::PassPipelineOptions<PlanPipelineOptions> {
  ListOption<std::string> pureDialects{
      *this, "pure-dialects",
      llvm::cl::desc("Unregistered dialects whose ops may be treated as free "
                     "of side effects")};
  Option<bool> inPlace{*this, "in-place",
                       llvm::cl::desc("Let elementwise ops overwrite a dying "
                                      "operand of the same size"),
                       llvm::cl::init(false)};
  Option<bool> partitionConcat{
      *this, "partition-concat",
      llvm::cl::desc("First partition channel concats read by convolutions "
                     "where that lowers the scheduled peak "
                     "(memopt-partition-concat)"),
      llvm::cl::init(false)};
  Option<bool> rowBands{
      *this, "row-bands",
      llvm::cl::desc("First run convolution chains band by band of rows "
                     "where that lowers the modelled peak "
                     "(memopt-row-bands, mode=auto; linalg form), before "
                     "partition-concat"),
      llvm::cl::init(false)};
  Option<std::string> scheduleAlgorithm{
      *this, "schedule-algorithm",
      llvm::cl::desc("Scheduling algorithm (see memory-schedule)"),
      llvm::cl::init("auto")};
  Option<std::string> packingAlgorithm{
      *this, "packing-algorithm",
      llvm::cl::desc("Packing algorithm (see memopt-assign-offsets)"),
      llvm::cl::init("auto")};
  Option<int64_t> alignment{*this, "alignment",
                            llvm::cl::desc("Alignment of buffer offsets"),
                            llvm::cl::init(64)};
  Option<double> timeLimit{
      *this, "time-limit",
      llvm::cl::desc("Time limit of each solver per function, in seconds"),
      llvm::cl::init(10.0)};
  Option<bool> recordTimes{
      *this, "record-times",
      llvm::cl::desc("Record solver times in the summary (output then "
                     "differs run to run)"),
      llvm::cl::init(false)};
};

/// Adds memopt's plan for tensor IR to `pm`: memopt-row-bands and
/// memopt-partition-concat when asked (in that order), memory-schedule, then
/// memopt-assign-offsets on the new order.
void buildPlanPipeline(mlir::OpPassManager &pm,
                       const PlanPipelineOptions &options);

/// Registers `memopt-plan` with the pass pipeline registry.
void registerMemOptPipelines();

} // namespace memopt

#endif // MEMOPT_TRANSFORMS_PIPELINES_H
