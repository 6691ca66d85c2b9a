//===- MemOptAttrs.td - memopt attributes ------------------*- tablegen -*-===//

#ifndef MEMOPT_DIALECT_MEMOPTATTRS_TD
#define MEMOPT_DIALECT_MEMOPTATTRS_TD

include "memopt/Dialect/MemOptDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def MemOpt_StatusOptimal : I32EnumAttrCase<"optimal", 0>;
def MemOpt_StatusFeasible : I32EnumAttrCase<"feasible", 1>;
def MemOpt_SolveStatus : I32EnumAttr<"SolveStatus",
    "whether a result is proven optimal",
    [MemOpt_StatusOptimal, MemOpt_StatusFeasible]> {
  let cppNamespace = "::memopt";
  let genSpecializedAttr = 0;
}

class MemOpt_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<MemOpt_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def MemOpt_LifetimeAttr : MemOpt_Attr<"Lifetime", "lifetime"> {
  let summary = "Inclusive range of steps during which a value is live";
  let description = [{
    `#memopt.lifetime<start, end>` says that a value is live from step `start`
    through step `end`, both inclusive, where steps number the non-terminator
    operations of the value's block in their current order from 0. A value is
    live from the step of its producer through the step of its last consumer;
    a value returned from the block stays live to the last step.

    Example: `#memopt.lifetime<2, 5>`.
  }];
  let parameters = (ins "int64_t":$start, "int64_t":$end);
  let assemblyFormat = "`<` $start `,` $end `>`";
  let genVerifyDecl = 1;
}

def MemOpt_BufferAttr : MemOpt_Attr<"Buffer", "buffer"> {
  let summary = "Byte range of a value in the function's arena";
  let description = [{
    `#memopt.buffer<offset, size[, alignment]>` places a value at byte
    `offset` of its function's arena, occupying `size` bytes. `offset` is a
    multiple of `alignment` (a power of two, 1 when omitted), and
    `offset + size` fits in 64 bits.

    Example: `#memopt.buffer<1024, 4096, 64>`.
  }];
  let parameters = (ins "int64_t":$offset, "int64_t":$size,
                        DefaultValuedParameter<"int64_t", "1">:$alignment);
  let assemblyFormat = "`<` $offset `,` $size (`,` $alignment^)? `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// One past the last byte of the buffer.
    int64_t getEnd() const { return getOffset() + getSize(); }
  }];
}

def MemOpt_SummaryAttr : MemOpt_Attr<"Summary", "summary"> {
  let summary = "Memory summary of a function";
  let description = [{
    Attached to a function by memopt's passes. All sizes are in bytes; sizes,
    times and segment counts are non-negative, and the lower bound is at most
    both the peak and the input-order peak.

    * `peak_bytes`: activation peak of the function body in its current order.
    * `resident_bytes`: arguments, constants and globals, not in the peak.
    * `lower_bound_bytes`: a lower bound on the peak of every order.
    * `algorithm`: what produced the current order (`input` when no pass
      reordered it).
    * `status`: `optimal` when the peak is proven minimal for the model in
      use, else `feasible`.
    * `input_peak_bytes` (optional): the peak of the order before scheduling.
    * `schedule_time_us` (optional): time the scheduler took.
    * `segments`, `optimal_segments` (optional): how many independent
      segments the scheduler split the body into, and how many of them it
      proved optimal.
    * `arena_bytes` (optional): size of the arena after offset assignment.
    * `arena_algorithm` (optional): the packing algorithm that placed it.
    * `arena_status` (optional): whether the arena size is proven minimal.
    * `arena_time_us` (optional): time the packer took.
    * `in_place` (optional): whether in-place reuse was assumed.
  }];
  let parameters = (ins
    "int64_t":$peak_bytes,
    "int64_t":$resident_bytes,
    "int64_t":$lower_bound_bytes,
    StringRefParameter<"what produced the order">:$algorithm,
    EnumParameter<MemOpt_SolveStatus>:$status,
    OptionalParameter<"std::optional<int64_t>">:$input_peak_bytes,
    OptionalParameter<"std::optional<int64_t>">:$schedule_time_us,
    OptionalParameter<"std::optional<int64_t>">:$segments,
    OptionalParameter<"std::optional<int64_t>">:$optimal_segments,
    OptionalParameter<"std::optional<int64_t>">:$arena_bytes,
    OptionalParameter<"mlir::StringAttr">:$arena_algorithm,
    OptionalParameter<"std::optional<::memopt::SolveStatus>">:$arena_status,
    OptionalParameter<"std::optional<int64_t>">:$arena_time_us,
    OptionalParameter<"mlir::BoolAttr">:$in_place
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def MemOpt_TimelineAttr : MemOpt_Attr<"Timeline", "timeline"> {
  let summary = "Live activation bytes of an earlier order of a function body";
  let description = [{
    Recorded by the passes that change a function body's order or ops
    (`memory-schedule`, `memopt-remat`), in the function's `memopt.timelines`
    array, for the order they replace, so that `memopt-report` can draw every
    order the body went through on the same axes.

    * `order`: what produced that order (`input` for the input order, else
      the algorithm in `#memopt.summary`).
    * `steps`: its number of steps (non-terminator ops).
    * `live_bytes`: the largest live activation bytes of each of at most 256
      buckets of consecutive steps; bucket `b` of `n` covers the steps from
      `b * steps / n` to `(b + 1) * steps / n`, exclusive (integer
      division), so that `n == steps` is one bucket per step. Non-negative,
      at most `steps` entries and at least one when `steps > 0`.

    Example: `#memopt.timeline<order = "input", steps = 3, live_bytes =
    [512, 1536, 1280]>`.
  }];
  let parameters = (ins
    StringRefParameter<"what produced the order">:$order,
    "int64_t":$steps,
    "::mlir::DenseI64ArrayAttr":$live_bytes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// At most this many buckets are recorded.
    static constexpr unsigned kMaxBuckets = 256;
  }];
}

def MemOpt_RematAttr : MemOpt_Attr<"Remat", "remat"> {
  let summary = "What memopt-remat did to a function";
  let description = [{
    Attached to a function as `memopt.remat` by `--memopt-remat`. Sizes are
    in bytes, costs in the units of the cost model (docs/Remat.md); all are
    non-negative, and the peak is within the budget.

    * `budget_bytes`: the activation budget.
    * `input_peak_bytes`: the peak of the order the pass was given.
    * `reordered_peak_bytes` (optional): the peak of the scheduler's order
      that remat started from, when the pass reordered (`reorder=true`).
    * `peak_bytes`: the peak after remat.
    * `base_cost`: the cost of running every op once.
    * `added_cost`: the cost of the recomputations.
    * `recomputed_ops`: ops cloned to recompute a value.
    * `algorithm`: the solver whose schedule was kept (`greedy`, `exact`).
    * `status`: `optimal` when no schedule with the same first-run order adds
      less cost (proven), else `feasible`.
    * `cost_lower_bound` (optional): a proven lower bound on the added cost of
      any schedule with that first-run order.
    * `solve_time_us` (optional): time the solvers (scheduler included)
      took, recorded with `record-times=true` only.
  }];
  let parameters = (ins
    "int64_t":$budget_bytes,
    "int64_t":$input_peak_bytes,
    OptionalParameter<"std::optional<int64_t>">:$reordered_peak_bytes,
    "int64_t":$peak_bytes,
    "int64_t":$base_cost,
    "int64_t":$added_cost,
    "int64_t":$recomputed_ops,
    StringRefParameter<"the solver whose schedule was kept">:$algorithm,
    EnumParameter<MemOpt_SolveStatus>:$status,
    OptionalParameter<"std::optional<int64_t>">:$cost_lower_bound,
    OptionalParameter<"std::optional<int64_t>">:$solve_time_us
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // MEMOPT_DIALECT_MEMOPTATTRS_TD
