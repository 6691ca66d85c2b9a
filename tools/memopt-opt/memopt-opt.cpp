//===- memopt-opt.cpp - memopt's optimizer driver -------------------------===//
//
// mlir-opt with memopt's dialect and passes and the upstream dialects and
// passes that memopt's users bring.
//
//===----------------------------------------------------------------------===//

#include "memopt/InitAll.h"
#include "memopt/Transforms/Passes.h"
#include "memopt/Transforms/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  memopt::registerMemOptOptDialects(registry);
  memopt::registerMemOptPasses();
  memopt::registerMemOptPipelines();
  memopt::registerUpstreamPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "memopt optimizer driver\n", registry));
}
