//===- OrderCheckTest.cpp - The IR-level check of reorderings -------------===//

#include "memopt/Analysis/OrderCheck.h"
#include "memopt/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace memopt;

namespace {

/// Parses `source` and gives the body of its first function.
class OrderCheckTest : public ::testing::Test {
protected:
  void parse(StringRef source) {
    DialectRegistry registry;
    registerMemOptOptDialects(registry);
    context.appendDialectRegistry(registry);
    context.allowUnregisteredDialects();
    module = parseSourceString<ModuleOp>(source, &context);
    ASSERT_TRUE(module);
    body = &(*module->getOps<func::FuncOp>().begin()).getBody().front();
    for (Operation &op : *body)
      input.push_back(&op);
  }

  /// The op of the input at `index`.
  Operation *op(unsigned index) { return input[index]; }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  Block *body = nullptr;
  SmallVector<Operation *> input;
};

TEST_F(OrderCheckTest, AcceptsTheInputAndIndependentSwaps) {
  parse(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %a = arith.addf %x, %x : tensor<4xf32>
      %b = arith.mulf %x, %x : tensor<4xf32>
      %c = arith.subf %a, %b : tensor<4xf32>
      return %c : tensor<4xf32>
    })mlir");
  EXPECT_EQ(checkReordering(*body, input, {}), std::nullopt);
  op(1)->moveBefore(op(0));
  EXPECT_EQ(checkReordering(*body, input, {}), std::nullopt);
}

TEST_F(OrderCheckTest, RejectsAUseBeforeItsDefinition) {
  parse(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %a = arith.addf %x, %x : tensor<4xf32>
      %c = arith.subf %a, %a : tensor<4xf32>
      return %c : tensor<4xf32>
    })mlir");
  op(1)->moveBefore(op(0));
  std::optional<std::string> problem = checkReordering(*body, input, {});
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("uses a value defined by 'arith.addf'"),
            std::string::npos)
      << *problem;
}

TEST_F(OrderCheckTest, RejectsAUseInsideARegionBeforeItsDefinition) {
  parse(R"mlir(
    func.func @f(%x: tensor<4xf32>, %p: i1) -> tensor<4xf32> {
      %a = arith.addf %x, %x : tensor<4xf32>
      %r = scf.if %p -> tensor<4xf32> {
        scf.yield %a : tensor<4xf32>
      } else {
        scf.yield %x : tensor<4xf32>
      }
      return %r : tensor<4xf32>
    })mlir");
  op(1)->moveBefore(op(0));
  EXPECT_TRUE(checkReordering(*body, input, {}));
}

TEST_F(OrderCheckTest, KeepsWritesOrderedWithReadsButLetsReadsSwap) {
  parse(R"mlir(
    func.func @f(%m: memref<4xf32>, %v: f32) -> f32 {
      %c0 = arith.constant 0 : index
      %r1 = memref.load %m[%c0] : memref<4xf32>
      %r2 = memref.load %m[%c0] : memref<4xf32>
      memref.store %v, %m[%c0] : memref<4xf32>
      %r3 = memref.load %m[%c0] : memref<4xf32>
      %s = arith.addf %r1, %r2 : f32
      %t = arith.addf %s, %r3 : f32
      return %t : f32
    })mlir");
  op(2)->moveBefore(op(1));
  EXPECT_EQ(checkReordering(*body, input, {}), std::nullopt);
  restoreOrder(*body, input);
  op(3)->moveBefore(op(2));
  EXPECT_TRUE(checkReordering(*body, input, {}));
  restoreOrder(*body, input);
  op(4)->moveBefore(op(3));
  EXPECT_TRUE(checkReordering(*body, input, {}));
}

TEST_F(OrderCheckTest, UnregisteredOpsAreBarriersUnlessDeclaredPure) {
  parse(R"mlir(
    func.func @f() -> (tensor<4xf32>, tensor<4xf32>) {
      %a = "onnx.Relu"() : () -> tensor<4xf32>
      %b = "onnx.Relu"() : () -> tensor<4xf32>
      return %a, %b : tensor<4xf32>, tensor<4xf32>
    })mlir");
  op(1)->moveBefore(op(0));
  EXPECT_TRUE(checkReordering(*body, input, {}));
  EXPECT_EQ(checkReordering(*body, input, {"onnx"}), std::nullopt);
}

TEST_F(OrderCheckTest, PinsAnUnregisteredLastOp) {
  parse(R"mlir(
    func.func @f(%x: tensor<4xf32>) {
      %a = arith.addf %x, %x : tensor<4xf32>
      "foo.ret"() : () -> ()
    })mlir");
  op(1)->moveBefore(op(0));
  std::optional<std::string> problem = checkReordering(*body, input, {"foo"});
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("may be a terminator"), std::string::npos);
}

TEST_F(OrderCheckTest, RestoresTheInputOrder) {
  parse(R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %a = arith.addf %x, %x : tensor<4xf32>
      %b = arith.mulf %a, %a : tensor<4xf32>
      %c = arith.subf %b, %b : tensor<4xf32>
      return %c : tensor<4xf32>
    })mlir");
  op(2)->moveBefore(op(0));
  op(1)->moveBefore(op(2));
  restoreOrder(*body, input);
  SmallVector<Operation *> now(llvm::make_pointer_range(*body));
  EXPECT_EQ(now, input);
}

} // namespace
