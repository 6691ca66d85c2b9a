//===- MemOptDialect.cpp - The memopt dialect -----------------------------===//

#include "memopt/Dialect/MemOptDialect.h"
#include "memopt/Dialect/ByteSize.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace memopt;

#include "memopt/Dialect/MemOptDialect.cpp.inc"
#include "memopt/Dialect/MemOptEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "memopt/Dialect/MemOptAttrs.cpp.inc"

void MemOptDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "memopt/Dialect/MemOptAttrs.cpp.inc"
      >();
}

LogicalResult
LifetimeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     int64_t start, int64_t end) {
  if (start < 0)
    return emitError() << "lifetime start must be non-negative, got " << start;
  if (start > end)
    return emitError() << "lifetime start " << start << " is after its end "
                       << end;
  return success();
}

LogicalResult BufferAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t offset, int64_t size,
                                 int64_t alignment) {
  if (offset < 0)
    return emitError() << "buffer offset must be non-negative, got " << offset;
  if (size < 0)
    return emitError() << "buffer size must be non-negative, got " << size;
  if (alignment <= 0 || !llvm::isPowerOf2_64(alignment))
    return emitError() << "buffer alignment must be a positive power of two, "
                          "got "
                       << alignment;
  if (offset % alignment != 0)
    return emitError() << "buffer offset " << offset
                       << " is not a multiple of its alignment " << alignment;
  // getEnd() must not overflow for the readers of the buffer.
  int64_t end;
  if (llvm::AddOverflow(offset, size, end))
    return emitError() << "buffer end " << offset << " + " << size
                       << " overflows 64 bits";
  return success();
}

LogicalResult TimelineAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                   StringRef order, int64_t steps,
                                   DenseI64ArrayAttr liveBytes) {
  if (steps < 0)
    return emitError() << "timeline steps must be non-negative, got " << steps;
  if (!liveBytes)
    return emitError() << "timeline needs live_bytes";
  int64_t buckets = liveBytes.size();
  if (buckets > steps || buckets > kMaxBuckets || (steps > 0 && buckets == 0))
    return emitError() << "timeline of " << steps << " steps cannot have "
                       << buckets << " buckets (1 to min(steps, " << kMaxBuckets
                       << "))";
  if (llvm::any_of(liveBytes.asArrayRef(), [](int64_t b) { return b < 0; }))
    return emitError() << "timeline live bytes must be non-negative";
  return success();
}

LogicalResult
SummaryAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                    int64_t peakBytes, int64_t residentBytes,
                    int64_t lowerBoundBytes, StringRef algorithm,
                    SolveStatus status, std::optional<int64_t> inputPeakBytes,
                    std::optional<int64_t> scheduleTimeUs,
                    std::optional<int64_t> segments,
                    std::optional<int64_t> optimalSegments,
                    std::optional<int64_t> arenaBytes,
                    StringAttr arenaAlgorithm,
                    std::optional<SolveStatus> arenaStatus,
                    std::optional<int64_t> arenaTimeUs,
                    BoolAttr inPlace) {
  if (peakBytes < 0 || residentBytes < 0 || lowerBoundBytes < 0 ||
      inputPeakBytes.value_or(0) < 0 || arenaBytes.value_or(0) < 0)
    return emitError() << "summary sizes must be non-negative";
  if (scheduleTimeUs.value_or(0) < 0 || arenaTimeUs.value_or(0) < 0)
    return emitError() << "summary times must be non-negative";
  if (segments.value_or(0) < 0 || optimalSegments.value_or(0) < 0)
    return emitError() << "summary segment counts must be non-negative";
  if (lowerBoundBytes > peakBytes)
    return emitError() << "summary lower bound " << lowerBoundBytes
                       << " exceeds the peak " << peakBytes;
  // The bound holds for every order, the input order included.
  if (inputPeakBytes && lowerBoundBytes > *inputPeakBytes)
    return emitError() << "summary lower bound " << lowerBoundBytes
                       << " exceeds the input-order peak " << *inputPeakBytes;
  if (optimalSegments.value_or(0) > segments.value_or(0))
    return emitError() << "summary has more optimal segments than segments";
  return success();
}

LogicalResult RematAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                int64_t budgetBytes, int64_t inputPeakBytes,
                                std::optional<int64_t> reorderedPeakBytes,
                                int64_t peakBytes, int64_t baseCost,
                                int64_t addedCost, int64_t recomputedOps,
                                StringRef algorithm, SolveStatus status,
                                std::optional<int64_t> costLowerBound,
                                std::optional<int64_t> solveTimeUs) {
  if (budgetBytes < 0 || inputPeakBytes < 0 ||
      reorderedPeakBytes.value_or(0) < 0 || peakBytes < 0)
    return emitError() << "remat sizes must be non-negative";
  if (baseCost < 0 || addedCost < 0 || costLowerBound.value_or(0) < 0 ||
      recomputedOps < 0 || solveTimeUs.value_or(0) < 0)
    return emitError() << "remat costs, counts and times must be "
                          "non-negative";
  if (peakBytes > budgetBytes)
    return emitError() << "remat peak " << peakBytes
                       << " exceeds the budget " << budgetBytes;
  if (costLowerBound && *costLowerBound > addedCost)
    return emitError() << "remat cost lower bound " << *costLowerBound
                       << " exceeds the added cost " << addedCost;
  return success();
}

/// The values an op's per-result annotations describe: its results, or, for
/// a destination-style op on buffers, its init buffers. One-shot
/// bufferization rebuilds a linalg op on memrefs with its attributes, so the
/// annotation of result i then describes init i, the buffer it was written
/// into.
static ValueRange getAnnotatedValues(Operation *op) {
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op);
      dps && op->getNumResults() == 0 && dps.hasPureBufferSemantics())
    return dps.getDpsInits();
  return op->getResults();
}

/// Checks that `attr` is an array of attributes of type `T`. Whether it
/// still fits the op is checked by the callers only where it has one entry
/// per annotated value: an annotation whose count differs describes an op a
/// later transformation rebuilt with its attributes but other results (a
/// loop whose results canonicalization dropped); it is stale, and memopt's
/// readers ignore it rather than failing the program.
template <typename T>
static FailureOr<ArrayAttr>
verifyAnnotationArray(Operation *op, NamedAttribute attr, StringRef what) {
  auto array = dyn_cast<ArrayAttr>(attr.getValue());
  if (!array || !llvm::all_of(array, [](Attribute a) { return isa<T>(a); }))
    return op->emitOpError() << "'" << attr.getName().getValue()
                             << "' must be an array of " << what;
  return array;
}

LogicalResult MemOptDialect::verifyOperationAttribute(Operation *op,
                                                      NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == attr_names::kLifetimes)
    return success(succeeded(verifyAnnotationArray<LifetimeAttr>(
        op, attr, "#memopt.lifetime attributes")));
  if (name == attr_names::kBuffers) {
    FailureOr<ArrayAttr> buffers = verifyAnnotationArray<BufferAttr>(
        op, attr, "#memopt.buffer attributes");
    if (failed(buffers))
      return failure();
    ValueRange annotated = getAnnotatedValues(op);
    if (buffers->size() != annotated.size())
      return success();
    for (auto [value, buffer] :
         llvm::zip(annotated, buffers->getAsRange<BufferAttr>())) {
      ByteSize size = getByteSize(value.getType());
      if (size.isKnown() && buffer.getSize() < size.bytes)
        return op->emitOpError()
               << "buffer of " << buffer.getSize() << " bytes cannot hold "
               << value.getType() << " (" << size.bytes << " bytes)";
    }
    return success();
  }
  if (name == attr_names::kSizes) {
    auto sizes = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!sizes)
      return op->emitOpError() << "'" << name << "' must be an array<i64>";
    if (llvm::any_of(sizes.asArrayRef(),
                     [](int64_t bytes) { return bytes < 0; }))
      return op->emitOpError() << "'" << name << "' must be non-negative";
    ValueRange annotated = getAnnotatedValues(op);
    if ((size_t)sizes.size() != annotated.size())
      return success();
    for (auto [result, bytes] : llvm::zip(annotated, sizes.asArrayRef())) {
      ByteSize size = getByteSize(result.getType());
      if (size.isKnown() && size.bytes != bytes)
        return op->emitOpError()
               << "'" << name << "' gives " << bytes << " bytes for "
               << result.getType() << ", which takes "
               << (size.isKnown() ? size.bytes : 0) << " bytes";
    }
    return success();
  }
  if (name == attr_names::kResident) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be a unit attribute";
    return success();
  }
  if (name == attr_names::kCallerAllocatedResults) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be a unit attribute";
    if (!isa<FunctionOpInterface>(op))
      return op->emitOpError() << "'" << name
                               << "' describes a function and cannot be "
                                  "placed on this op";
    return success();
  }
  if (name == attr_names::kTimelines) {
    auto array = dyn_cast<ArrayAttr>(attr.getValue());
    if (!array ||
        !llvm::all_of(array, [](Attribute a) { return isa<TimelineAttr>(a); }))
      return op->emitOpError() << "'" << name
                               << "' must be an array of #memopt.timeline "
                                  "attributes";
    if (!isa<FunctionOpInterface>(op))
      return op->emitOpError() << "'" << name
                               << "' describes a function and cannot be "
                                  "placed on this op";
    return success();
  }
  if (name == attr_names::kSummary) {
    if (!isa<SummaryAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name
                               << "' must be a #memopt.summary attribute";
    if (!isa<FunctionOpInterface>(op))
      return op->emitOpError() << "'" << name
                               << "' describes a function and cannot be "
                                  "placed on this op";
    return success();
  }
  if (name == attr_names::kRemat) {
    if (!isa<RematAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name
                               << "' must be a #memopt.remat attribute";
    if (!isa<FunctionOpInterface>(op))
      return op->emitOpError() << "'" << name
                               << "' describes a function and cannot be "
                                  "placed on this op";
    return success();
  }
  if (name == attr_names::kArenaSize) {
    auto size = dyn_cast<IntegerAttr>(attr.getValue());
    // Readers take the size as an int64_t: unsigned attributes are read
    // unsigned, signless and signed ones signed.
    bool fits = size && (size.getType().isUnsignedInteger()
                             ? size.getValue().getActiveBits() < 64
                             : !size.getValue().isNegative() &&
                                   size.getValue().getSignificantBits() <= 64);
    if (!fits)
      return op->emitOpError() << "'" << name
                               << "' must be a non-negative integer that "
                                  "fits in 64 bits";
    if (!isa<FunctionOpInterface>(op))
      return op->emitOpError() << "'" << name
                               << "' describes a function and cannot be "
                                  "placed on this op";
    return success();
  }
  if (name == attr_names::kCost || name == attr_names::kRecomputedFrom) {
    auto value = dyn_cast<IntegerAttr>(attr.getValue());
    if (!value || value.getValue().isNegative())
      return op->emitOpError() << "'" << name
                               << "' must be a non-negative integer";
    return success();
  }
  if (name == attr_names::kConcatPartition) {
    auto fields = dyn_cast<DictionaryAttr>(attr.getValue());
    if (!fields || !isa<FunctionOpInterface>(op))
      return op->emitOpError() << "'" << name
                               << "' must be a dictionary on a function";
    for (StringRef field :
         {"partitioned", "peak_before", "peak_after", "ops_added"})
      if (!fields.getAs<IntegerAttr>(field))
        return op->emitOpError() << "'" << name << "' needs an integer '"
                                 << field << "'";
    return success();
  }
  return op->emitOpError() << "has unknown memopt attribute '" << name << "'";
}
