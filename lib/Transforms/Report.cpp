//===- Report.cpp - Print the memory report of every function -------------===//

#include "PassUtils.h"
#include "memopt/Analysis/MemoryAnnotations.h"
#include "memopt/Report/ReportWriters.h"
#include "memopt/Transforms/Passes.h"

#include "memopt/Dialect/ByteSize.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstdlib>

namespace memopt {
#define GEN_PASS_DEF_MEMOPTREPORT
#include "memopt/Transforms/Passes.h.inc"
} // namespace memopt

using namespace mlir;
using namespace memopt;

namespace {

/// A value live at the peak, for the report.
struct LiveValue {
  /// Where the input defines it: `file:line:col`, with the name the input's
  /// location carried (`name@file:line:col`), or the SSA name when the input
  /// has no location.
  std::string name;
  std::string op;
  int64_t bytes;
  Lifetime lifetime;
};

/// Everything the report says about one function.
struct FunctionReport {
  std::string function;
  unsigned ops = 0;
  int64_t peakBytes = 0;
  unsigned peakStep = 0;
  std::string peakOp;
  int64_t residentBytes = 0;
  /// Whether the caller allocates the results (their buffers are resident).
  bool callerAllocatedResults = false;
  int64_t lowerBoundBytes = 0;
  /// Whether a solver proved a bound above the largest working set.
  bool lowerBoundFromSolver = false;
  bool inPlace = false;
  SmallVector<std::string> assumedPureDialects;
  SmallVector<std::pair<std::string, unsigned>> barrierOpsByDialect;
  SmallVector<LiveValue> largestAtPeak;
  /// What earlier passes recorded; null when none ran or the body changed
  /// since.
  SummaryAttr summary;
  /// What memopt-remat recorded; null when it did not run or the peak
  /// changed since.
  RematAttr remat;
  /// What memopt-partition-concat recorded, if it rewrote the function.
  DictionaryAttr concatPartition;
  /// `tensor.empty` ops that stand ahead of other ops before their first
  /// user, and their bytes: bufferization allocates them where they stand,
  /// earlier than the model counts them.
  unsigned earlyEmpties = 0;
  int64_t earlyEmptyBytes = 0;
  /// Why the function could not be modelled; empty when it could.
  std::string skipped;
  /// Live bytes per step of the current order.
  std::vector<int64_t> liveBytes;
  /// The earlier orders recorded in `memopt.timelines`, while the summary is
  /// current.
  std::vector<report::Timeline> history;
};

std::string printOperand(Value value, AsmState &state) {
  std::string text;
  llvm::raw_string_ostream os(text);
  value.printAsOperand(os, state);
  return text;
}

/// `location` as `file:line:col`, prefixed by the name a NameLoc carries;
/// empty when unknown.
std::string describeLocation(Location location) {
  return TypeSwitch<Location, std::string>(location)
      .Case([](FileLineColLoc loc) {
        return llvm::formatv("{0}:{1}:{2}", loc.getFilename().getValue(),
                             loc.getLine(), loc.getColumn())
            .str();
      })
      .Case([](NameLoc loc) {
        std::string child = describeLocation(loc.getChildLoc());
        return loc.getName().str() + (child.empty() ? "" : "@" + child);
      })
      .Case([](CallSiteLoc loc) { return describeLocation(loc.getCallee()); })
      .Case([](FusedLoc loc) {
        for (Location part : loc.getLocations())
          if (std::string text = describeLocation(part); !text.empty())
            return text;
        return std::string();
      })
      .Default([](Location) { return std::string(); });
}

/// How the report names `value`: where the input defines it.
std::string describeValue(Value value, AsmState &state) {
  Location location = value.getLoc();
  std::string text = describeLocation(location);
  if (text.empty())
    return printOperand(value, state);
  if (auto result = dyn_cast<OpResult>(value);
      result && result.getOwner()->getNumResults() > 1)
    text += "#" + std::to_string(result.getResultNumber());
  if (auto argument = dyn_cast<BlockArgument>(value))
    text = "argument #" + std::to_string(argument.getArgNumber()) + " " + text;
  return text;
}

/// The orders recorded in the `memopt.timelines` of `function`.
std::vector<report::Timeline> getRecordedTimelines(Operation *function) {
  std::vector<report::Timeline> timelines;
  if (auto array = function->getAttrOfType<ArrayAttr>(attr_names::kTimelines))
    for (TimelineAttr timeline : array.getAsRange<TimelineAttr>()) {
      ArrayRef<int64_t> buckets = timeline.getLiveBytes().asArrayRef();
      timelines.push_back(
          {timeline.getOrder().str(), unsigned(timeline.getSteps()),
           std::vector<int64_t>(buckets.begin(), buckets.end())});
    }
  return timelines;
}

/// Counts the `tensor.empty` ops of `block` with another op (not an empty)
/// between them and their first user: the model places an empty right before
/// its first user, bufferization allocates it where it stands.
void countEarlyEmpties(Block &block, FunctionReport &report) {
  for (auto empty : block.getOps<tensor::EmptyOp>()) {
    Operation *firstUser = nullptr;
    for (Operation *user : empty->getUsers()) {
      Operation *inBlock = block.findAncestorOpInBlock(*user);
      if (inBlock && (!firstUser || inBlock->isBeforeInBlock(firstUser)))
        firstUser = inBlock;
    }
    if (!firstUser)
      continue;
    for (Operation *op = empty->getNextNode(); op != firstUser;
         op = op->getNextNode()) {
      if (isa<tensor::EmptyOp>(op))
        continue;
      ByteSize size = getByteSize(empty.getType());
      ++report.earlyEmpties;
      report.earlyEmptyBytes += size.isKnown() ? size.bytes : 0;
      break;
    }
  }
}

FunctionReport buildReport(FunctionOpInterface function,
                           const BlockMemoryModel &model,
                           const ModelOptions &modelOptions,
                           unsigned topValues) {
  FunctionReport report;
  report.function = function.getName().str();
  report.ops = model.graph.numNodes();
  report.inPlace = modelOptions.inPlace;
  report.assumedPureDialects = model.assumedPureDialects;
  report.barrierOpsByDialect = model.barrierOpsByDialect;
  std::vector<unsigned> order = inputOrder(model.graph);
  MemoryProfile profile = computeProfile(model.graph, order, modelOptions);
  report.peakBytes = profile.peakBytes;
  report.peakStep = profile.peakStep;
  report.residentBytes = model.graph.residentBytes();
  report.callerAllocatedResults =
      function->hasAttr(attr_names::kCallerAllocatedResults);
  report.lowerBoundBytes = scheduleLowerBound(model.graph, modelOptions);
  countEarlyEmpties(function.getFunctionBody().front(), report);
  // What earlier passes recorded holds while the body is the one they saw,
  // a bound the scheduler proved included.
  report.summary = getCurrentSummary(function, model, modelOptions);
  if (report.summary &&
      report.summary.getLowerBoundBytes() > report.lowerBoundBytes) {
    report.lowerBoundBytes = report.summary.getLowerBoundBytes();
    report.lowerBoundFromSolver = true;
  }
  report.liveBytes = profile.liveBytes;
  if (report.summary)
    report.history = getRecordedTimelines(function);
  if (auto remat = function->getAttrOfType<RematAttr>(attr_names::kRemat);
      remat && remat.getPeakBytes() == report.peakBytes)
    report.remat = remat;
  report.concatPartition =
      function->getAttrOfType<DictionaryAttr>(attr_names::kConcatPartition);
  if (model.nodeOps.empty())
    return report;
  report.peakOp = model.nodeOps[profile.peakStep]->getName().getStringRef();

  std::vector<Lifetime> lifetimes = computeLifetimes(model.graph, order);
  SmallVector<unsigned> live;
  for (unsigned id = 0; id < model.graph.numValues(); ++id)
    if (model.graph.isActivation(id) &&
        lifetimes[id].start <= profile.peakStep &&
        profile.peakStep <= lifetimes[id].end)
      live.push_back(id);
  llvm::stable_sort(live, [&](unsigned a, unsigned b) {
    return model.graph.value(a).size > model.graph.value(b).size;
  });
  if (live.size() > topValues)
    live.resize(topValues);
  AsmState state(function);
  for (unsigned id : live) {
    Value value = model.irValues[id];
    if (model.graph.value(id).scratch) {
      // The peak inside the regions of the op that holds it.
      Operation *owner = model.nodeOps[*model.graph.value(id).producer];
      std::string name = owner->getName().getStringRef().str();
      report.largestAtPeak.push_back({"scratch of " + name, name,
                                      model.graph.value(id).size,
                                      lifetimes[id]});
      continue;
    }
    Operation *definingOp = value.getDefiningOp();
    report.largestAtPeak.push_back(
        {describeValue(value, state),
         definingOp ? definingOp->getName().getStringRef().str() : "argument",
         model.graph.value(id).size, lifetimes[id]});
  }
  return report;
}

/// The timeline rows of the text report: one line of block characters per
/// recorded order and for the current one, on the same scale, and a mark
/// under the current order's peak. `columns` is the width of the lines.
void printTimeline(llvm::raw_ostream &os, const FunctionReport &report,
                   unsigned columns) {
  std::vector<report::Timeline> orders = report.history;
  orders.push_back(
      {report.summary ? report.summary.getAlgorithm().str() : "input",
       unsigned(report.liveBytes.size()), report.liveBytes});
  unsigned steps = 0;
  int64_t scaleMax = 0;
  for (const report::Timeline &order : orders) {
    steps = std::max(steps, order.steps);
    scaleMax = std::max(scaleMax, order.peakBytes());
  }
  if (steps == 0)
    return;
  // Columns in proportion to each order's length, on a shared axis.
  auto columnsOf = [&](const report::Timeline &order) {
    return std::max(1u, unsigned(uint64_t(columns) * order.steps / steps));
  };
  for (const report::Timeline &order : orders) {
    std::string label =
        orders.size() == 1 ? "timeline" : "timeline " + order.order;
    os << "  " << llvm::left_justify(label, 20) << " "
       << report::renderSparkline(order.columns(columnsOf(order)), scaleMax)
       << "\n";
  }
  unsigned peakColumn = report::columnOfStep(
      report.peakStep, orders.back().steps, columnsOf(orders.back()));
  os << std::string(23 + peakColumn, ' ') << "^ peak at step "
     << report.peakStep << "\n";
}

/// Added cost as a percentage of the base cost.
double addedCostPercent(RematAttr remat) {
  return remat.getBaseCost() ? 100.0 * double(remat.getAddedCost()) /
                                   double(remat.getBaseCost())
                             : 0.0;
}

void printRematText(llvm::raw_ostream &os, RematAttr remat) {
  auto row = [&](StringRef label) -> llvm::raw_ostream & {
    return os << "  " << llvm::left_justify(label, 20);
  };
  row("remat budget") << report::formatBytes(remat.getBudgetBytes()) << "\n";
  row("remat peak") << "given order "
                    << report::formatBytes(remat.getInputPeakBytes());
  if (std::optional<int64_t> reordered = remat.getReorderedPeakBytes())
    os << ", reordered " << report::formatBytes(*reordered);
  os << ", after remat " << report::formatBytes(remat.getPeakBytes()) << "\n";
  row("remat cost") << "base " << report::withSeparators(remat.getBaseCost())
                    << ", added "
                    << report::withSeparators(remat.getAddedCost())
                    << llvm::formatv(" ({0:F3}%)", addedCostPercent(remat))
                    << ", " << remat.getRecomputedOps() << " ops recomputed\n";
  row("remat status") << remat.getAlgorithm() << ", "
                      << stringifySolveStatus(remat.getStatus());
  if (std::optional<int64_t> bound = remat.getCostLowerBound())
    os << ", added cost at least " << report::withSeparators(*bound);
  if (std::optional<int64_t> time = remat.getSolveTimeUs())
    os << llvm::formatv(", {0:F3} s", *time / 1e6);
  os << "\n";
}

llvm::json::Object rematToJson(RematAttr remat) {
  llvm::json::Object object{
      {"budget_bytes", remat.getBudgetBytes()},
      {"input_peak_bytes", remat.getInputPeakBytes()},
      {"peak_bytes", remat.getPeakBytes()},
      {"base_cost", remat.getBaseCost()},
      {"added_cost", remat.getAddedCost()},
      {"added_cost_percent", addedCostPercent(remat)},
      {"recomputed_ops", remat.getRecomputedOps()},
      {"algorithm", remat.getAlgorithm().str()},
      {"status", stringifySolveStatus(remat.getStatus()).str()}};
  if (std::optional<int64_t> reordered = remat.getReorderedPeakBytes())
    object["reordered_peak_bytes"] = *reordered;
  if (std::optional<int64_t> bound = remat.getCostLowerBound())
    object["cost_lower_bound"] = *bound;
  if (std::optional<int64_t> time = remat.getSolveTimeUs())
    object["solve_seconds"] = *time / 1e6;
  return object;
}

void printText(llvm::raw_ostream &os, const FunctionReport &report,
               unsigned timelineColumns = 0) {
  os << "memopt report for @" << report.function << "\n";
  if (!report.skipped.empty()) {
    os << "  skipped: " << report.skipped << "\n\n";
    return;
  }
  auto row = [&](StringRef label) -> llvm::raw_ostream & {
    return os << "  " << llvm::left_justify(label, 20);
  };
  row("ops") << report.ops << "\n";
  row("activation peak") << report::formatBytes(report.peakBytes);
  if (report.ops)
    os << " at step " << report.peakStep << " (" << report.peakOp << ")";
  os << "\n";
  row("lower bound") << report::formatBytes(report.lowerBoundBytes)
                     << (report.lowerBoundFromSolver
                             ? " (proven by the scheduler)\n"
                             : " (working set of one op and the values "
                               "every order keeps live across it)\n");
  row("resident") << report::formatBytes(report.residentBytes)
                  << (report.callerAllocatedResults
                          ? " (arguments, constants, globals, results the "
                            "caller allocates)\n"
                          : " (arguments, constants, globals)\n");
  if (report.earlyEmpties)
    row("early empties")
        << report.earlyEmpties << " tensor.empty op(s) of "
        << report::formatBytes(report.earlyEmptyBytes)
        << " stand ahead of other ops before their first users: "
           "bufferization allocates them there, earlier than counted here "
           "(--memory-schedule places them)\n";
  if (SummaryAttr summary = report.summary) {
    if (std::optional<int64_t> inputPeak = summary.getInputPeakBytes()) {
      row("input-order peak") << report::formatBytes(*inputPeak);
      if (*inputPeak > 0)
        os << llvm::formatv(" (schedule saves {0:F1}%)",
                            100.0 * (*inputPeak - report.peakBytes) /
                                *inputPeak);
      os << "\n";
    }
    row("schedule") << summary.getAlgorithm() << ", "
                    << stringifySolveStatus(summary.getStatus());
    if (std::optional<int64_t> segments = summary.getSegments())
      os << ", " << summary.getOptimalSegments().value_or(0) << " of "
         << *segments << " segments proven optimal";
    if (std::optional<int64_t> time = summary.getScheduleTimeUs())
      os << llvm::formatv(", {0:F3} s", *time / 1e6);
    os << "\n";
    if (std::optional<int64_t> arena = summary.getArenaBytes()) {
      row("arena") << report::formatBytes(*arena);
      if (summary.getArenaAlgorithm())
        os << ", " << summary.getArenaAlgorithm().getValue();
      if (std::optional<SolveStatus> status = summary.getArenaStatus())
        os << ", " << stringifySolveStatus(*status);
      if (std::optional<int64_t> time = summary.getArenaTimeUs())
        os << llvm::formatv(", {0:F3} s", *time / 1e6);
      os << "\n";
    }
  }
  if (report.remat)
    printRematText(os, report.remat);
  if (DictionaryAttr partition = report.concatPartition) {
    auto field = [&](StringRef name) {
      auto value = partition.getAs<IntegerAttr>(name);
      return value ? value.getInt() : 0;
    };
    row("concat partition")
        << field("partitioned")
        << " concats never materialised; scheduled peak "
        << report::formatBytes(field("peak_before")) << " -> "
        << report::formatBytes(field("peak_after")) << ", "
        << field("ops_added") << " ops added\n";
  }
  for (const auto &[dialect, count] : report.barrierOpsByDialect)
    row("barriers") << count << " " << dialect
                    << " ops keep their order (not in pure-dialects): the "
                       "bound and 'optimal' hold among such orders\n";
  row("model") << (report.inPlace ? "in-place reuse of dying operands"
                                  : "no in-place reuse");
  if (!report.assumedPureDialects.empty()) {
    os << "; assumed side-effect free:";
    for (const std::string &dialect : report.assumedPureDialects)
      os << " " << dialect;
  }
  os << "\n";
  if (!report.largestAtPeak.empty()) {
    os << "  largest live values at the peak:\n";
    for (const LiveValue &value : report.largestAtPeak)
      os << "    "
         << llvm::right_justify(report::withSeparators(value.bytes), 16)
         << " B  " << llvm::left_justify(value.name, 24) << " "
         << llvm::left_justify(value.op, 28) << " steps "
         << value.lifetime.start << ".." << value.lifetime.end << "\n";
  }
  if (timelineColumns)
    printTimeline(os, report, timelineColumns);
  os << "\n";
}

llvm::json::Object toJson(const FunctionReport &report) {
  llvm::json::Object object{{"function", report.function}};
  if (!report.skipped.empty()) {
    object["skipped"] = report.skipped;
    return object;
  }
  object["ops"] = report.ops;
  object["peak_bytes"] = report.peakBytes;
  object["peak_step"] = report.peakStep;
  object["peak_op"] = report.peakOp;
  object["resident_bytes"] = report.residentBytes;
  object["caller_allocated_results"] = report.callerAllocatedResults;
  object["lower_bound_bytes"] = report.lowerBoundBytes;
  object["in_place"] = report.inPlace;
  llvm::json::Array pure;
  for (const std::string &dialect : report.assumedPureDialects)
    pure.push_back(dialect);
  object["assumed_pure_dialects"] = std::move(pure);
  llvm::json::Object barriers;
  for (const auto &[dialect, count] : report.barrierOpsByDialect)
    barriers[dialect] = count;
  object["barrier_ops"] = std::move(barriers);
  llvm::json::Array live;
  for (const LiveValue &value : report.largestAtPeak)
    live.push_back(llvm::json::Object{{"value", value.name},
                                      {"op", value.op},
                                      {"bytes", value.bytes},
                                      {"start", value.lifetime.start},
                                      {"end", value.lifetime.end}});
  object["largest_live_at_peak"] = std::move(live);
  if (report.earlyEmpties) {
    object["early_empties"] = report.earlyEmpties;
    object["early_empty_bytes"] = report.earlyEmptyBytes;
  }
  if (DictionaryAttr partition = report.concatPartition) {
    llvm::json::Object fields;
    for (NamedAttribute field : partition)
      if (auto value = dyn_cast<IntegerAttr>(field.getValue()))
        fields[field.getName().getValue()] = value.getInt();
    object["concat_partition"] = std::move(fields);
  }
  if (SummaryAttr summary = report.summary) {
    object["algorithm"] = summary.getAlgorithm().str();
    object["status"] = stringifySolveStatus(summary.getStatus()).str();
    if (auto inputPeak = summary.getInputPeakBytes())
      object["input_peak_bytes"] = *inputPeak;
    if (auto time = summary.getScheduleTimeUs())
      object["schedule_seconds"] = *time / 1e6;
    if (auto segments = summary.getSegments())
      object["segments"] = *segments;
    if (auto segments = summary.getOptimalSegments())
      object["optimal_segments"] = *segments;
    if (auto arena = summary.getArenaBytes())
      object["arena_bytes"] = *arena;
    if (summary.getArenaAlgorithm())
      object["arena_algorithm"] = summary.getArenaAlgorithm().str();
    if (auto status = summary.getArenaStatus())
      object["arena_status"] = stringifySolveStatus(*status).str();
    if (auto time = summary.getArenaTimeUs())
      object["arena_seconds"] = *time / 1e6;
  }
  if (report.remat)
    object["remat"] = rematToJson(report.remat);
  return object;
}

/// What the HTML and CSV reports show of `function`, modelled by `model`.
report::FunctionPicture buildPicture(FunctionOpInterface function,
                                     const BlockMemoryModel &model,
                                     const ModelOptions &modelOptions,
                                     const FunctionReport &report) {
  report::FunctionPicture picture;
  picture.name = report.function;
  llvm::raw_string_ostream text(picture.textReport);
  printText(text, report);
  picture.history = report.history;
  if (report.summary)
    picture.currentOrder = report.summary.getAlgorithm().str();
  std::vector<unsigned> order = inputOrder(model.graph);
  picture.bytes = report::computeStepBytes(model.graph, order, modelOptions);
  for (Operation *op : model.nodeOps) {
    picture.stepOps.push_back(op->getName().getStringRef().str());
    picture.stepLocations.push_back(describeLocation(op->getLoc()));
  }
  picture.peakBytes = report.peakBytes;
  picture.peakStep = report.peakStep;
  picture.lowerBoundBytes = report.lowerBoundBytes;
  if (report.summary)
    picture.arenaBytes = report.summary.getArenaBytes();

  // The buffers that memopt-assign-offsets placed, over their lifetimes.
  std::vector<Lifetime> lifetimes = computeLifetimes(model.graph, order);
  AsmState state(function);
  for (Operation *op : model.nodeOps) {
    auto buffers = op->getAttrOfType<ArrayAttr>(attr_names::kBuffers);
    if (!buffers || buffers.size() != op->getNumResults())
      continue;
    for (auto [result, attr] : llvm::zip(op->getResults(), buffers)) {
      auto buffer = dyn_cast<BufferAttr>(attr);
      std::optional<unsigned> id = model.getOwnValueId(result);
      if (!buffer || !id || buffer.getSize() == 0)
        continue;
      picture.buffers.push_back({describeValue(result, state),
                                 op->getName().getStringRef().str(),
                                 lifetimes[*id].start, lifetimes[*id].end,
                                 buffer.getOffset(), buffer.getSize()});
    }
  }
  return picture;
}

/// Columns of the text timeline: the report's width (`width`, else
/// $COLUMNS, else 80) less the label.
unsigned timelineColumns(unsigned width) {
  if (width == 0) {
    const char *columns = std::getenv("COLUMNS");
    unsigned fromEnvironment = 0;
    if (columns && !StringRef(columns).getAsInteger(10, fromEnvironment))
      width = fromEnvironment;
  }
  if (width == 0)
    width = 80;
  return std::max(8u, width > 24 ? width - 24 : 0u);
}

struct MemOptReportPass
    : public memopt::impl::MemOptReportBase<MemOptReportPass> {
  using Base::Base;

  void runOnOperation() final {
    if (!llvm::is_contained({"text", "json", "html", "csv"}, format)) {
      getOperation().emitError()
          << "memopt-report: unknown format '" << format
          << "'; expected 'text', 'json', 'html' or 'csv'";
      return signalPassFailure();
    }
    ExtractionOptions extraction = makeExtractionOptions(pureDialects);
    ModelOptions modelOptions = makeModelOptions(inPlace);
    std::vector<FunctionReport> reports;
    std::vector<report::FunctionPicture> pictures;
    bool drawn = format == "html" || format == "csv";
    for (FunctionOpInterface function : getDefinedFunctions(getOperation())) {
      FailureOr<BlockMemoryModel> model =
          buildFunctionMemoryModel(function, extraction);
      if (failed(model)) {
        FunctionReport skipped;
        skipped.function = function.getName().str();
        skipped.skipped = "cannot be modelled (see the warning)";
        if (drawn)
          pictures.push_back({skipped.function, skipped.skipped});
        reports.push_back(std::move(skipped));
        continue;
      }
      reports.push_back(buildReport(function, *model, modelOptions, topValues));
      if (drawn)
        pictures.push_back(
            buildPicture(function, *model, modelOptions, reports.back()));
    }

    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> file =
        mlir::openOutputFile(output, &error);
    if (!file) {
      getOperation().emitError() << "memopt-report: " << error;
      return signalPassFailure();
    }
    llvm::raw_ostream &os = file->os();
    if (format == "json") {
      llvm::json::Array array;
      for (const FunctionReport &report : reports)
        array.push_back(toJson(report));
      os << llvm::formatv("{0:2}", llvm::json::Value(std::move(array))) << "\n";
    } else if (format == "html") {
      report::writeHtml(os, pictures, "memopt memory report");
    } else if (format == "csv") {
      report::writeCsv(os, pictures);
    } else {
      unsigned columns = timelineColumns(width);
      for (const FunctionReport &report : reports)
        printText(os, report, columns);
    }
    os.flush();
    file->keep();
    markAllAnalysesPreserved();
  }
};

} // namespace
