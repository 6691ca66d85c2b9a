//===- MemOptDialect.td - The memopt dialect ---------------*- tablegen -*-===//

#ifndef MEMOPT_DIALECT_MEMOPTDIALECT_TD
#define MEMOPT_DIALECT_MEMOPTDIALECT_TD

include "mlir/IR/OpBase.td"

def MemOpt_Dialect : Dialect {
  let name = "memopt";
  let cppNamespace = "::memopt";
  let summary = "Memory planning attributes: lifetimes, buffers and summaries";
  let description = [{
    The memopt dialect describes how a program uses memory. It has no
    operations: its attributes annotate the IR that memopt's passes analyse
    and transform.

    Discardable attributes placed on operations:

    * `memopt.lifetimes`: an array with one `#memopt.lifetime` per result, the
      inclusive steps during which the result is live. Steps number the
      non-terminator operations of the enclosing block in their current order
      from 0.
    * `memopt.sizes`: an `array<i64>` with the size in bytes of each result.
    * `memopt.resident`: a unit attribute on operations whose results are
      resident (constants and globals); they are never in the activation peak.
    * `memopt.buffers`: an array with one `#memopt.buffer` per result, the
      byte range each result occupies in the function's arena.
    * `memopt.summary`: a `#memopt.summary` on a function, with the
      activation peak, resident bytes, lower bound and, when a pass chose
      them, the algorithm, its status and the arena size.
    * `memopt.arena_size`: an integer on a function that takes its arena as
      an argument (`memopt-arena{arena-mode=arg}`): the bytes the caller
      must pass, at most 2^63 - 1 (an unsigned attribute is read unsigned).
    * `memopt.caller_allocated_results`: a unit attribute on a function
      whose caller allocates the buffers of its results (the calling
      convention of `buffer-results-to-out-params{hoist-static-allocs}`,
      or weight gradients accumulated into buffers the training loop
      owns). A returned value that an op of the body defines is then
      resident, not part of the activation peak; a returned view (a slice
      or reshape of a larger value) or an argument still counts as before.

    The per-result arrays describe the IR they were computed on. On a
    destination-style op on buffers (a linalg op that one-shot
    bufferization rebuilt with its attributes), entry i describes the
    destination buffer i. An array whose count differs from the op's
    results (or destination buffers) is stale: the verifier checks its form
    only, and memopt ignores it.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
}

#endif // MEMOPT_DIALECT_MEMOPTDIALECT_TD
