//===- Passes.td - memopt passes ---------------------------*- tablegen -*-===//

#ifndef MEMOPT_TRANSFORMS_PASSES_TD
#define MEMOPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

// Options every memopt pass shares: they decide how IR maps to the model.
defvar pureDialectsOption = ListOption<"pureDialects", "pure-dialects",
    "std::string",
    "Unregistered dialects whose ops may be treated as free of side effects "
    "(e.g. mhlo,stablehlo,onnx,ttir); ops named like while, custom_call or "
    "rng and the check dialect keep their order">;
defvar inPlaceOption = Option<"inPlace", "in-place", "bool", "false",
    "Let elementwise ops write a result into the buffer of a same-size "
    "operand that dies there">;

def MemOptAnnotate : Pass<"memopt-annotate", "mlir::ModuleOp"> {
  let summary = "Attach lifetimes, sizes and a memory summary";
  let description = [{
    Builds the memory model of every function body and attaches, to each
    operation, `memopt.lifetimes` and `memopt.sizes` for its results (or
    `memopt.resident` for constants and globals), and to each function a
    `#memopt.summary` with its activation peak in the current order, resident
    bytes and lower bound. Functions memopt cannot model get a warning naming
    the op and the reason and stay unchanged.
  }];
  let options = [pureDialectsOption, inPlaceOption];
  let dependentDialects = ["memopt::MemOptDialect"];
}

def MemOptReport : Pass<"memopt-report", "mlir::ModuleOp"> {
  let summary = "Print the memory report of every function";
  let description = [{
    Prints, per function, the activation peak with its step and op, the
    largest values live there, resident bytes and the lower bound, plus what
    earlier memopt passes recorded in `#memopt.summary` (schedule algorithm
    and status, input-order peak, arena). `format=text` is for people,
    `format=json` prints one JSON array with an object per function. The IR
    is not changed.
  }];
  let options = [
    pureDialectsOption, inPlaceOption,
    Option<"format", "format", "std::string", "\"text\"",
           "Report format: text or json">,
    Option<"output", "output", "std::string", "\"-\"",
           "File to write the report to ('-' for stdout)">,
    Option<"topValues", "top-values", "unsigned", "5",
           "Number of largest live values listed at the peak">,
  ];
}

#endif // MEMOPT_TRANSFORMS_PASSES_TD
