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
defvar recordTimesOption = Option<"recordTimes", "record-times", "bool",
    "false",
    "Record the solver's wall-clock time in the summary; off by default so "
    "that the same input and options give byte-identical output">;

def MemOptAnnotate : Pass<"memopt-annotate"> {
  let summary = "Attach lifetimes, sizes and a memory summary";
  let description = [{
    Builds the memory model of every function body and attaches, to each
    operation, `memopt.lifetimes` and `memopt.sizes` for its results (or
    `memopt.resident` for constants and globals), and to each function a
    `#memopt.summary` with its activation peak in the current order, resident
    bytes and lower bound. Functions memopt cannot model get a warning naming
    the op and the reason and stay unchanged.

    Anchor: a function (any `FunctionOpInterface` op), so that it nests in
    `func.func(...)` pipelines, where the pass manager runs functions in
    parallel; or a module (any symbol table), whose functions it then
    processes in parallel. It reads and writes nothing outside the function.
  }];
  let options = [
    pureDialectsOption, inPlaceOption,
    Option<"remarkCosts", "remark-costs", "bool", "false",
           "Emit a remark with the compute cost memopt-remat uses for every "
           "op of a modelled body (docs/Remat.md)">,
  ];
  let dependentDialects = ["memopt::MemOptDialect"];
}

def MemOptReport : Pass<"memopt-report", "mlir::ModuleOp"> {
  let summary = "Print the memory report of every function";
  let description = [{
    Prints, per function, the activation peak with its step and op, the
    largest values live there, resident bytes and the lower bound, plus what
    earlier memopt passes recorded in `#memopt.summary` (schedule algorithm
    and status, input-order peak, arena). `format=text` is for people, with
    a timeline of live bytes in block characters; `format=json` prints one
    JSON array with an object per function; `format=html` writes one
    self-contained XHTML page with, per function, the memory timeline of
    every order recorded in `memopt.timelines` and of the current one, the
    arena map of the `#memopt.buffer`s and the report's numbers;
    `format=csv` writes a row per step. The IR is not changed.

    Anchor: the module, since it prints one report over all functions in
    module order (one JSON array, one output file).
  }];
  let options = [
    pureDialectsOption, inPlaceOption,
    Option<"format", "format", "std::string", "\"text\"",
           "Report format: text, json, html or csv">,
    Option<"output", "output", "std::string", "\"-\"",
           "File to write the report to ('-' for stdout)">,
    Option<"topValues", "top-values", "unsigned", "5",
           "Number of largest live values listed at the peak">,
    Option<"width", "width", "unsigned", "0",
           "Width of the text report in columns (0: $COLUMNS, else 80)">,
  ];
}

def MemorySchedule : Pass<"memory-schedule"> {
  let summary = "Reorder operations to minimise the activation peak";
  let description = [{
    Reorders the operations of every function body so that the activation
    peak is as low as possible, respecting data and memory-effect
    dependences. The result is never worse than the input order.
    `#memopt.summary` records the algorithm, its status (`optimal` only when
    proven), the input-order peak and the time spent; lifetimes attached by
    `memopt-annotate` are updated and buffers planned for the old order are
    dropped.

    Anchor: a function (any `FunctionOpInterface` op), so that it nests in
    `func.func(...)` pipelines, where the pass manager runs functions in
    parallel; or a module (any symbol table), whose functions it then
    processes in parallel. It reads and writes nothing outside the function.
  }];
  let options = [
    pureDialectsOption, inPlaceOption, recordTimesOption,
    Option<"algorithm", "algorithm", "std::string", "\"auto\"",
           "input, rpo, list, dfs, lpmf, heuristics, dp, ilp or auto">,
    Option<"timeLimit", "time-limit", "double", "10.0",
           "Time limit of the search per function, in seconds (inf: no "
           "limit)">,
    Option<"memoryLimitMB", "memory-limit-mb", "int64_t", "1024",
           "Memory limit of the exact search's state tables, in MiB (at "
           "most 2^43 - 1)">,
  ];
  let dependentDialects = ["memopt::MemOptDialect"];
  let statistics = [
    Statistic<"numFunctionsScheduled", "functions-scheduled",
              "Functions whose order was changed">,
    Statistic<"bytesSaved", "bytes-saved",
              "Activation peak bytes saved over the input order">,
  ];
}

def MemOptPartitionConcat : Pass<"memopt-partition-concat"> {
  let summary = "Never materialise a channel concat that convolutions read "
                "(SERENITY's partitioning), where it lowers the scheduled peak";
  let description = [{
    SERENITY's graph rewrite (Ahn et al., MLSys 2020) on tosa: a
    `tosa.concat` on the channel (last) axis whose uses all partition
    disappears. A `tosa.conv2d` reading it becomes one partial convolution
    per part with its slice of the weights (`tensor.extract_slice` of the
    OHWI weight along I; the bias in the first part only), summed by a
    `tosa.add` chain; a `tosa.depthwise_conv2d` becomes one depthwise
    convolution per part (HWCM weight and bias sliced) whose results are
    concatenated; a nested channel concat takes the parts in its place.
    Per-channel ops between the concat and a convolution (elementwise ops
    whose other operands are per-channel or whole tensors, casts, max and
    average pooling, spatial `tosa.slice`s) are pushed through it first.
    The same on the linalg form that `--tosa-to-linalg-pipeline` emits: a
    `tensor.empty` + `tensor.insert_slice` chain that tiles the channels (or
    a `tensor.concat`), `linalg.conv_2d_nhwc_fhwc` (partial convolutions
    chained through their destinations, the first into the bias init),
    `linalg.depthwise_conv_2d_nhwc_hwc` and `_hwcm` with its collapse to
    channels, and, pushed through, `tensor.pad` (not of the channels),
    parallel `linalg.generic`s whose other operands are per-channel or
    broadcast, `linalg.pooling_nhwc_max`/`_sum` and spatial
    `tensor.extract_slice`s; concats left by the rewrite become chains again.
    The rewritten function is scheduled as by `memory-schedule`, and the
    rewrite is kept, in that order, only when the scheduled peak drops below
    the scheduled peak of the input (or below every order of the input, when
    a quick schedule of the input proves that); otherwise the function stays
    as it is.
    Then concats are selected one by one: groups of them (halves of the
    block order, then their halves) are left as they are where the scheduled
    peak stays at most the best one, within 16 rewrites per function.
    A kept rewrite records `memopt.concat_partition` (concats partitioned,
    peaks before and after, ops added) and a fresh `#memopt.summary`.
    Remarks name the concats left alone and why: a use that does not
    partition (with the number of uses), a non-channel axis, a dynamic shape,
    no gain.
    The channel-wise split reorders a sum: exact in integers, not bitwise in
    floats; the depthwise split is exact.

    Anchor: a function (any `FunctionOpInterface` op), so that it nests in
    `func.func(...)` pipelines, where the pass manager runs functions in
    parallel; or a module (any symbol table), whose functions it then
    processes in parallel. It rewrites a detached copy of the function and
    touches nothing outside it.
  }];
  let options = [
    pureDialectsOption, inPlaceOption, recordTimesOption,
    Option<"algorithm", "algorithm", "std::string", "\"auto\"",
           "Scheduling algorithm (see memory-schedule)">,
    Option<"timeLimit", "time-limit", "double", "10.0",
           "Time limit of each schedule search per function, in seconds "
           "(inf: no limit)">,
    Option<"effort", "effort", "double", "0.1",
           "Multiplier of the (deterministic) work the scheduler may spend "
           "on the rewritten function (each selection trial gets 20% of "
           "it; the input is scheduled with the effort of memory-schedule, "
           "until it answers whether an order reaches the rewrite's peak, "
           "unless a quick schedule of it settles that): its searches stop "
           "early on graphs they cannot settle, such as some rewritten "
           "ImageNet stems">,
    Option<"onlyIfLower", "only-if-lower", "bool", "true",
           "Keep the rewrite only where it lowers the scheduled peak; false "
           "keeps every rewrite (still scheduled), to test or measure it">,
  ];
  let dependentDialects = ["memopt::MemOptDialect", "mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numConcatsPartitioned", "concats-partitioned",
              "Concats that are no longer materialised">,
    Statistic<"bytesSaved", "bytes-saved",
              "Scheduled activation peak bytes saved by the rewrite">,
  ];
}

def MemOptRemat : Pass<"memopt-remat"> {

  let summary = "Recompute values to keep the activation peak within a budget";
  let description = [{
    Clones side-effect-free ops right before later uses of their results, so
    that the originals die earlier and the activation peak stays within
    `budget` bytes (or `budget-ratio` times the peak of the given order), at
    the least added compute found. With `reorder=true` (the default) it also
    solves on the order `--memory-schedule` would choose and keeps whichever
    order needs less added cost (the reordering checked like
    `--memory-schedule`'s); `reorder=false` keeps the given order. Clones
    carry `memopt.recomputed_from`, the index of the original op in the
    block remat started from. Costs: FLOPs for convolutions and matrix
    products, elements for elementwise ops and reductions, zero for views
    and constants (docs/Remat.md); a `memopt.cost` integer attribute
    overrides. The function gets `memopt.remat`, a `#memopt.remat` record of
    the budget, peaks, costs and status. An unmeetable budget is an error
    giving the best peak reached and the proven floor; the function is then
    left unchanged.

    Anchor: a function (any `FunctionOpInterface` op), so that it nests in
    `func.func(...)` pipelines, where the pass manager runs functions in
    parallel; or a module (any symbol table), whose functions it then
    processes in parallel. It reads and writes nothing outside the function.
  }];
  let options = [
    pureDialectsOption, recordTimesOption,
    Option<"budget", "budget", "int64_t", "0",
           "Activation budget in bytes">,
    Option<"budgetRatio", "budget-ratio", "double", "0.0",
           "Budget as a fraction of the current peak (0 < ratio <= 1)">,
    Option<"algorithm", "algorithm", "std::string", "\"auto\"",
           "greedy, search (greedy and a large-neighbourhood search), exact "
           "(Checkmate's MILP after the search) or auto (exact up to 40 "
           "ops, else search)">,
    Option<"reorder", "reorder", "bool", "true",
           "Also try the memory scheduler's order and keep the one that "
           "needs less added cost">,
  ];
  let dependentDialects = ["memopt::MemOptDialect"];
  let statistics = [
    Statistic<"numRecomputations", "recomputations",
              "Ops cloned to recompute a value">,
  ];
}

def MemOptStripAnnotations : Pass<"memopt-strip-annotations"> {
  let summary = "Remove memopt's per-op attributes";
  let description = [{
    Removes `memopt.lifetimes`, `memopt.sizes`, `memopt.resident` and
    `memopt.buffers` from every op. Run it before transformations that change
    an op's results and keep its attributes, which would otherwise carry
    annotations that no longer describe the op (one-shot bufferization is
    not one: a linalg op it rebuilds on memrefs keeps annotations that then
    describe its destination buffers). With `all=true` it also removes function
    summaries, remat records, recorded timelines and arena sizes, so that
    tools without the memopt dialect (such as mlir-runner) can read the output.

    Anchor: any op; it strips the op and everything nested in it, so it
    runs on a module or nested in a `func.func(...)` pipeline alike.
  }];
  let options = [
    Option<"all", "all", "bool", "false",
           "Also remove memopt.summary, memopt.remat, memopt.timelines and "
           "memopt.arena_size">,
  ];
}

defvar packingAlgorithmOption = Option<"algorithm", "algorithm", "std::string",
    "\"auto\"",
    "size-best-fit, start-best-fit, conflicts, best, exact or auto">;
defvar alignmentOption = Option<"alignment", "alignment", "int64_t", "64",
    "Alignment of every buffer offset in bytes (a power of two, at most "
    "2^32)">;
defvar packingTimeLimitOption = Option<"timeLimit", "time-limit", "double",
    "10.0", "Time limit of the exact packing search per function, in seconds "
    "(inf: no limit)">;

def MemOptAssignOffsets : Pass<"memopt-assign-offsets"> {
  let summary = "Give every activation value a byte range in one arena";
  let description = [{
    On tensor IR, packs the activation values of every function body, live
    as `memopt.lifetimes` say in the current order, into one arena and
    attaches `memopt.buffers` (`#memopt.buffer<offset, size, alignment>`) to
    their producers: values whose lifetimes overlap never share a byte. The
    summary gains `arena_bytes`, the algorithm and whether the arena is proven
    minimal; the report shows it next to the max-live lower bound. With
    `in-place=true`, a result written in place of a dying operand shares its
    buffer.

    Anchor: a function (any `FunctionOpInterface` op), so that it nests in
    `func.func(...)` pipelines, where the pass manager runs functions in
    parallel; or a module (any symbol table), whose functions it then
    processes in parallel. It reads and writes nothing outside the function.
  }];
  let options = [pureDialectsOption, inPlaceOption, packingAlgorithmOption,
                 alignmentOption, packingTimeLimitOption, recordTimesOption];
  let dependentDialects = ["memopt::MemOptDialect"];
}

def MemOptArena : Pass<"memopt-arena"> {
  let summary = "Replace static allocations by views into one arena";
  let description = [{
    On bufferized IR, replaces the static-shape `memref.alloc`s of every
    function body by `memref.view`s of one `i8` arena at offsets planned so
    that allocations live at the same time never overlap, and deletes the
    `memref.dealloc`s of them and of their aliases. An allocation is live
    from the first to the last use of it or of any alias (views, subviews,
    casts, reshapes, call results, results and block arguments of ops with
    regions such as `scf.if`, `scf.for` and `scf.while`); a use inside a
    region counts for the whole op. With `arena-mode=alloc` the arena is one
    `memref.alloc` at the top of the function, freed before it returns; with
    `arena-mode=arg` it becomes a new last argument of the function, whose
    size is exported as the `memopt.arena_size` attribute and by a generated
    function `@<name>_arena_size() -> index` (suffixed if the name is
    taken). Allocations it cannot plan stay as they are, with a remark
    saying why: dynamic sizes, non-identity layouts, inside loops or other
    regions (with their bytes), an address that may escape through any
    alias (returned, stored, taken as an integer, given to an unregistered
    op), freed by something other than `memref.dealloc`, or freed by a
    `memref.dealloc` that may also free other memory.

    Anchor: with `arena-mode=alloc`, a function (any `FunctionOpInterface`
    op; it nests in `func.func(...)` pipelines and functions run in parallel)
    or a module, whose functions it processes in parallel. With
    `arena-mode=arg` the module: the pass changes signatures only of
    functions nothing in the module calls and adds size-query functions, so
    nested in a function pipeline it is an error.
  }];
  let options = [
    pureDialectsOption, packingAlgorithmOption, alignmentOption,
    packingTimeLimitOption, recordTimesOption,
    Option<"arenaMode", "arena-mode", "std::string", "\"alloc\"",
           "Where the arena comes from: alloc (allocated by the function) or "
           "arg (passed by the caller)">,
  ];
  let dependentDialects = ["memopt::MemOptDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def MemOptRowBands : Pass<"memopt-row-bands"> {
  let summary = "Run convolution chains band by band of rows (LR-CNN, "
                "MCUNetV2)";
  let description = [{
    Inference on linalg tensors (after tosa-to-linalg): finds
    chains of `linalg.conv_2d_nhwc_fhwc`/`hwcf`,
    `linalg.depthwise_conv_2d_nhwc_hwc`, `linalg.pooling_nhwc_max`/
    `sum`, elementwise `linalg.generic`s (residual adds included),
    `tensor.pad`s and `tensor.extract_slice` crops of H and W on static NHWC
    tensors, cuts them into
    segments where only one map is live, and runs each segment as an
    `scf.for` over bands of its output rows. `mode=overlap`: every band
    recomputes the rows of its halo (upstream tile-and-fuse on H).
    `mode=boundary` (LR-CNN's boundary passing): bands run in order and
    carry the last rows of each layer's input to the next band as loop
    iter_args, recomputing nothing; the first and last bands, whose shapes
    differ, are emitted before and after the loop. This mode also bands
    depthwise convolutions with a channel multiplier
    (`linalg.depthwise_conv_2d_nhwc_hwcm` and the `tensor.collapse_shape`
    of its result). `mode=auto` takes, per segment, the mode of the lower
    estimated peak (with `budget=`: the least added compute). Segments stop at ops
    that mix rows (global pooling, matrix products, reductions such as
    training-mode batch norm). Band counts and cuts minimise the estimated
    peak (`budget=`: the least added compute within the budget) with at
    most `max-added-compute` more MACs per segment; `bands=` fixes the count.
    Each banded segment gets a remark (bands, rows, estimated peak, added
    MACs) and the function one with the modelled peak before and after; a
    rewrite that does not lower the modelled peak, or does not verify, is
    undone. Chains it cannot band get a remark naming the op and stay as
    they are. See docs/Rewrites-RowBands.md.

    Anchor: a function (any `FunctionOpInterface` op), so that it nests in
    `func.func(...)` pipelines, where the pass manager runs functions in
    parallel; or a module (any symbol table), whose functions it then
    processes in parallel. It touches nothing outside the function.
  }];
  let options = [
    pureDialectsOption,
    Option<"bands", "bands", "int64_t", "0",
           "Bands per segment (0: chosen by the memory model)">,
    Option<"budget", "budget", "int64_t", "0",
           "Peak to meet with the least added compute, in bytes (0: "
           "minimise the peak)">,
    Option<"maxAddedCompute", "max-added-compute", "double", "0.15",
           "Largest added MACs per segment, as a fraction of its MACs">,
    Option<"mode", "mode", "std::string", "\"auto\"",
           "overlap (bands recompute their halos), boundary (bands run in "
           "order and pass on the rows the next one reads again) or auto "
           "(the lower estimated peak; with budget=, the least added "
           "compute)">,
  ];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numSegments", "segments", "Segments run in bands">,
  ];
}

def MemOptRowBandsTraining : Pass<"memopt-row-bands-training"> {
  let summary = "Run the convolution chains of a training step band by band "
                "of rows, forward and backward (LR-CNN)";
  let description = [{
    Training, overlap mode, on tosa (the model generator's `--train`
    programs, before tosa-to-linalg): finds segments of `tosa.conv2d`
    (any stride and padding, dilation 1), `tosa.clamp` (ReLU, ReLU6),
    `tosa.max_pool2d`, crops of rows and columns (`tosa.slice`) and
    residual `tosa.add`s, reading one map from outside (a shortcut path may
    read it too), cut after each max pool that tiles its input and into
    ResNet stages (each with its strided first block), and the backward
    ops of each segment (its weight, bias and input gradients). It proves the backward is the one it
    knows by building it once at full size from the same values and
    matching every op of it against the program's; then it replaces the
    segment by bands of output rows: the forward runs band by band (only
    the segment input and output stay live for the backward), and the
    backward recomputes each band's forward and back-propagates it: weight
    and bias gradients are summed over bands, input gradients are added
    into the full segment-input gradient (halo rows receive from two
    bands). Sums are reordered: gradients agree to rounding.

    `bands=` fixes the bands of every segment; by default the pass
    chooses each segment's count (1, 2, 4, ... `max-bands`) by local
    search on the modelled peak (of the input order, or of the order
    `choose-on`'s scheduler finds), keeping the added convolution MACs
    within `max-added-compute` of the function's: the lowest peak, peaks
    within 1% of each other ranked by fewer added MACs. The search runs
    from all segments unbanded and from all in 2 bands, for each of two
    backward placements; each run takes at most S x B rounds of one
    segment's count changed up or down (S segments, B counts), and tries
    each candidate once: at most 4 x (1 + S x B x S x (B - 1)) candidates
    (VGG-16: 213 of 1,204, ResNet-50: 68). A
    segment whose backward is not found or not matched, or whose maps stay
    read elsewhere, is retried shorter, then gets a remark naming the op
    and is left unchanged; a
    rewrite that does not verify or does not lower the modelled peak is
    undone. See docs/Rewrites-RowBands.md (Training).

    Anchor: a function (any `FunctionOpInterface` op), or a module (any
    symbol table), whose functions it then processes in parallel. It
    touches nothing outside the function.
  }];
  let options = [
    pureDialectsOption,
    Option<"bands", "bands", "int64_t", "0",
           "Bands per segment (0: chosen by the memory model)">,
    Option<"maxBands", "max-bands", "int64_t", "8",
           "Most bands per segment the memory model tries">,
    Option<"maxAddedCompute", "max-added-compute", "double", "0.33",
           "Largest added convolution MACs, as a fraction of the function's "
           "(a training step's convolutions are about three forwards, so "
           "the default is about one extra forward)">,
    Option<"chooseOn", "choose-on", "std::string", "\"input\"",
           "Order whose peak the band counts minimise: input (the "
           "program's order) or a memory-schedule algorithm (rpo, list, "
           "dfs, lpmf, heuristics, dp, ilp, auto): the peak a schedule of "
           "the banded step reaches">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
  let statistics = [
    Statistic<"numTrainSegments", "segments", "Segments run in bands">,
  ];
}

#endif // MEMOPT_TRANSFORMS_PASSES_TD
