//===- MemOptPlugin.cpp - memopt as an mlir-opt plugin --------------------===//
//
// Loaded by a stock mlir-opt with both --load-dialect-plugin and
// --load-pass-plugin pointing at this library.
//
//===----------------------------------------------------------------------===//

#include "memopt/InitAll.h"
#include "memopt/Transforms/Passes.h"
#include "memopt/Transforms/Pipelines.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "memopt", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            memopt::registerMemOptDialect(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "memopt", LLVM_VERSION_STRING,
          []() {
            memopt::registerMemOptPasses();
            memopt::registerMemOptPipelines();
          }};
}
