//===- RandomProgramScheduleTest.cpp - Schedule random linalg programs ----===//
//
// Random destination-style programs (fills, matmuls, elementwise and
// reduction generics, tensor.empty inits that are single-use, shared or
// reused, views, in-place candidates) go through --memory-schedule with every
// algorithm, with and without in-place reuse. The output must verify and be
// a valid reordering of the input, checked on the IR's own use-def chains
// and effects.
//
//===----------------------------------------------------------------------===//

#include "memopt/Analysis/OrderCheck.h"
#include "memopt/InitAll.h"
#include "memopt/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace memopt;

namespace {

/// Writes a random destination-style function over 8x8 and 8x8x4 tensors.
std::string buildRandomProgram(unsigned seed, unsigned numOps) {
  std::mt19937 rng(seed);
  auto pick = [&](unsigned n) { return unsigned(rng() % n); };
  std::string body;
  llvm::raw_string_ostream os(body);
  unsigned next = 0;
  auto fresh = [&]() { return "%v" + std::to_string(next++); };
  const char *t2 = "tensor<8x8xf32>", *t3 = "tensor<8x8x4xf32>";
  const char *map2 = "affine_map<(d0, d1) -> (d0, d1)>";
  std::vector<std::string> values2 = {"%a", "%b"}, values3 = {"%c"};
  std::vector<std::string> empties2, fills;
  os << "  %z = arith.constant 0.0 : f32\n";
  auto anyValue2 = [&]() { return values2[pick(values2.size())]; };
  // An init: a shared or new tensor.empty, or a fill nobody used yet.
  auto init2 = [&]() -> std::string {
    unsigned kind = pick(3);
    if (kind == 0 && !empties2.empty())
      return empties2[pick(empties2.size())];
    if (kind == 1 && !fills.empty()) {
      std::string fill = fills.back();
      fills.pop_back();
      return fill;
    }
    std::string empty = fresh();
    os << "  " << empty << " = tensor.empty() : " << t2 << "\n";
    empties2.push_back(empty);
    return empty;
  };
  for (unsigned i = 0; i < numOps; ++i) {
    std::string result = fresh();
    switch (pick(7)) {
    case 0: {
      std::string init = init2();
      os << "  " << result << " = linalg.fill ins(%z : f32) outs(" << init
         << " : " << t2 << ") -> " << t2 << "\n";
      fills.push_back(result);
      break;
    }
    case 1: {
      std::string lhs = anyValue2(), rhs = anyValue2(), init = init2();
      os << "  " << result << " = linalg.matmul ins(" << lhs << ", " << rhs
         << " : " << t2 << ", " << t2 << ") outs(" << init << " : " << t2
         << ") -> " << t2 << "\n";
      break;
    }
    case 2: {
      std::string input = anyValue2(), init = init2();
      os << "  " << result << " = linalg.generic {indexing_maps = [" << map2
         << ", " << map2
         << "], iterator_types = [\"parallel\", \"parallel\"]} ins(" << input
         << " : " << t2 << ") outs(" << init << " : " << t2 << ") {\n"
         << "  ^bb0(%in: f32, %out: f32):\n"
         << "    %e = math.exp %in : f32\n    linalg.yield %e : f32\n  } -> "
         << t2 << "\n";
      break;
    }
    case 3: {
      std::string input = values3[pick(values3.size())], init = init2();
      os << "  " << result
         << " = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> "
            "(d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], "
            "iterator_types = [\"parallel\", \"parallel\", \"reduction\"]} "
            "ins("
         << input << " : " << t3 << ") outs(" << init << " : " << t2
         << ") {\n  ^bb0(%in: f32, %out: f32):\n"
         << "    %s = arith.addf %in, %out : f32\n    linalg.yield %s : f32\n"
         << "  } -> " << t2 << "\n";
      break;
    }
    case 4: {
      std::string lhs = anyValue2(), rhs = anyValue2();
      os << "  " << result << " = arith.addf " << lhs << ", " << rhs << " : "
         << t2 << "\n";
      break;
    }
    case 5: {
      std::string input = anyValue2();
      std::string flat = fresh();
      os << "  " << flat << " = tensor.collapse_shape " << input
         << " [[0, 1]] : " << t2 << " into tensor<64xf32>\n";
      os << "  " << result << " = tensor.expand_shape " << flat
         << " [[0, 1]] output_shape [8, 8] : tensor<64xf32> into " << t2
         << "\n";
      break;
    }
    default: {
      std::string lhs = anyValue2(), rhs = anyValue2(), init = init2();
      os << "  " << result << " = linalg.add ins(" << lhs << ", " << rhs
         << " : " << t2 << ", " << t2 << ") outs(" << init << " : " << t2
         << ") -> " << t2 << "\n";
      break;
    }
    }
    values2.push_back(result);
  }
  std::string returned = values2.back(), other = anyValue2();
  return llvm::formatv("func.func @f(%a: {0}, %b: {0}, %c: {1}) -> ({0}, {0}) "
                       "{{\n{2}  return {3}, {4} : {0}, {0}\n}\n",
                       t2, t3, body, returned, other)
      .str();
}

struct Case {
  unsigned seed;
  const char *algorithm;
  bool inPlace;
};

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  return llvm::formatv("Seed{0}_{1}{2}", info.param.seed, info.param.algorithm,
                       info.param.inPlace ? "_InPlace" : "")
      .str();
}

class RandomProgramSchedule : public ::testing::TestWithParam<Case> {};

TEST_P(RandomProgramSchedule, OutputVerifiesAndKeepsDependences) {
  const Case &param = GetParam();
  DialectRegistry registry;
  registerMemOptOptDialects(registry);
  MLIRContext context(registry);
  std::string source = buildRandomProgram(param.seed, 24);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(module) << source;
  Block &body = (*module->getOps<func::FuncOp>().begin()).getBody().front();
  SmallVector<Operation *> input(llvm::make_pointer_range(body));

  PassManager pm(&context);
  MemoryScheduleOptions options;
  options.algorithm = param.algorithm;
  options.inPlace = param.inPlace;
  options.timeLimit = 1.0;
  pm.addPass(createMemorySchedule(options));
  ASSERT_TRUE(succeeded(pm.run(*module))) << source;
  ASSERT_TRUE(succeeded(verify(*module))) << source;
  std::optional<std::string> problem = checkReordering(body, input, {});
  EXPECT_EQ(problem, std::nullopt) << source;
}

std::vector<Case> allCases() {
  std::vector<Case> cases;
  for (unsigned seed = 0; seed < 12; ++seed)
    for (const char *algorithm : {"rpo", "list", "dfs", "lpmf", "heuristics",
                                  "dp", "ilp", "auto"})
      for (bool inPlace : {false, true})
        cases.push_back({seed, algorithm, inPlace});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Programs, RandomProgramSchedule,
                         ::testing::ValuesIn(allCases()), caseName);

} // namespace
