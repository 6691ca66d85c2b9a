// RUN: not memopt-opt %s --memopt-row-bands=bands=-1 2>&1 | FileCheck %s
// RUN: not memopt-opt %s --memopt-row-bands=budget=-5 2>&1 | FileCheck %s
// RUN: not memopt-opt %s --memopt-row-bands=max-added-compute=-0.5 2>&1 | FileCheck %s

// RUN: not memopt-opt %s --memopt-row-bands=mode=rows 2>&1 | FileCheck %s --check-prefix=MODE

// CHECK: error: memopt-row-bands: bands, budget and max-added-compute must not be negative
// MODE: error: memopt-row-bands: mode must be overlap, boundary or auto, not 'rows'
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
