//===- InitAll.h - Register memopt and the dialects it needs ----*- C++ -*-===//

#ifndef MEMOPT_INITALL_H
#define MEMOPT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace memopt {

/// Registers memopt's dialect with `registry`.
void registerMemOptDialect(mlir::DialectRegistry &registry);

/// Registers memopt's dialect and the upstream dialects memopt-opt users
/// bring: func, arith, math, tensor, linalg, tosa, memref, bufferization,
/// scf, ml_program, async, transform (with transform.structured.match), and
/// what bufferizing them, placing their deallocations and lowering them to
/// LLVM need.
void registerMemOptOptDialects(mlir::DialectRegistry &registry);

/// Registers the upstream passes memopt-opt offers next to memopt's, with the
/// pipelines docs/Usage.md uses (--tosa-to-linalg-pipeline,
/// --buffer-deallocation-pipeline) and the transform dialect's passes
/// (--transform-interpreter, --transform-preload-library).
void registerUpstreamPasses();

} // namespace memopt

#endif // MEMOPT_INITALL_H
