// The band choice under a budget, on the chain of the execution test: the
// least added compute within the budget (no MACs added: the stem and the
// pool banded apart), or, when no choice meets it, the lowest peak, with
// the segments saying so. The modelled peaks are what the bufferized
// programs allocate (5,284 B and 4,352 B).
// RUN: memopt-opt %S/../Execution/Inputs/row-bands-chain.mlir -o /dev/null \
// RUN:   --memopt-row-bands="mode=overlap budget=9000 max-added-compute=1" 2>&1 | FileCheck %s --check-prefix=WITHIN
// RUN: memopt-opt %S/../Execution/Inputs/row-bands-chain.mlir -o /dev/null \
// RUN:   --memopt-row-bands="mode=overlap budget=1000 max-added-compute=1" 2>&1 | FileCheck %s --check-prefix=OVER

// WITHIN: 15 bands of 1 rows (overlap); estimated peak 11340 -> 5180 bytes; added MACs 0 of 123480 (0.0%)
// WITHIN: 8 bands of 1 rows (overlap); estimated peak 9280 -> 5248 bytes; added MACs 0 of 0
// WITHIN: 2 segment(s) banded; modelled peak 11568 -> 5284 bytes

// OVER: 8 bands of 1 rows (overlap); estimated peak 11340 -> 4204 bytes; added MACs 57624 of 123480 (46.7%); over the budget
// OVER: 4 bands of 2 rows (overlap); estimated peak 5120 -> 4352 bytes; added MACs 27648 of 36864 (75.0%); over the budget
// OVER: 2 segment(s) banded; modelled peak 11568 -> 4352 bytes
