//===- downstream-opt.cpp - A downstream compiler's opt tool with memopt --===//
//
// The reference of docs/Adopting.md: an opt-like tool of its own that
// registers the dialects it needs, memopt's dialect and passes, a pipeline
// of its own nesting memopt's passes in its function pipeline, and the
// transform dialect, so that scripts can apply memopt's passes to chosen
// functions with transform.apply_registered_pass.
//
//===----------------------------------------------------------------------===//

#include "memopt/InitAll.h"
#include "memopt/Transforms/Passes.h"
#include "memopt/Transforms/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/TransformOps/DialectExtension.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace {

/// The downstream compiler's memory stage: each function is scheduled for
/// the lowest activation peak and its values get offsets in one arena (in
/// parallel over functions), then one report covers the module.
void buildMemoryStage(mlir::OpPassManager &pm) {
  mlir::OpPassManager &functions = pm.nest<mlir::func::FuncOp>();
  memopt::MemoryScheduleOptions schedule;
  schedule.algorithm = "auto";
  schedule.timeLimit = 5.0;
  functions.addPass(memopt::createMemorySchedule(schedule));
  functions.addPass(memopt::createMemOptAssignOffsets());
  pm.addPass(memopt::createMemOptReport());
}

} // namespace

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::tensor::TensorDialect, mlir::tosa::TosaDialect,
                  mlir::transform::TransformDialect>();
  // transform.structured.match selects the functions to plan.
  mlir::linalg::registerTransformDialectExtension(registry);
  memopt::registerMemOptDialect(registry);
  memopt::registerMemOptPasses();
  memopt::registerMemOptPipelines();
  mlir::transform::registerTransformPasses();
  mlir::PassPipelineRegistration<>(
      "downstream-memory-stage",
      "Schedule and plan every function, then report the module",
      buildMemoryStage);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "downstream compiler with memopt\n", registry));
}
