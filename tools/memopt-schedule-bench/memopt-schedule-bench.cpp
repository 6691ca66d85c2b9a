//===- memopt-schedule-bench.cpp - Schedulers on remat graphs -------------===//
//
// Part of memopt. Loads Checkmate / Moccasin JSON graphs, runs each schedule
// algorithm on them with a time limit and prints the peaks and times, with
// the best proven optimum, as a table and optionally as JSON.
//
//===----------------------------------------------------------------------===//

#include "memopt/Schedule/RematGraphImport.h"
#include "memopt/Schedule/Scheduler.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace memopt;

static llvm::cl::OptionCategory benchCategory("memopt-schedule-bench options");
static llvm::cl::list<std::string>
    inputFiles(llvm::cl::Positional, llvm::cl::OneOrMore,
               llvm::cl::cat(benchCategory), llvm::cl::desc("<graph.json>..."));
static llvm::cl::list<std::string> algorithmNames(
    "algorithms", llvm::cl::CommaSeparated, llvm::cl::cat(benchCategory),
    llvm::cl::desc("Algorithms to run (default: all): input, rpo, list, "
                   "dfs, lpmf, heuristics, dp, ilp, auto"));
static llvm::cl::opt<double>
    timeLimit("time-limit", llvm::cl::init(10), llvm::cl::cat(benchCategory),
              llvm::cl::desc("Wall-clock safety net of each run, in seconds; "
                             "inf for none"));
static llvm::cl::opt<double>
    effort("effort", llvm::cl::init(1), llvm::cl::cat(benchCategory),
           llvm::cl::desc("Multiplies the work each search may do"));
static llvm::cl::opt<bool>
    inPlace("in-place", llvm::cl::init(false), llvm::cl::cat(benchCategory),
            llvm::cl::desc("Let in-place capable nodes reuse a dying "
                           "operand (no remat graph marks any)"));
static llvm::cl::opt<std::string>
    jsonOutput("json", llvm::cl::value_desc("file"),
               llvm::cl::cat(benchCategory),
               llvm::cl::desc("Also write the results as JSON ('-' for "
                              "standard output)"));

namespace {
struct Run {
  std::string algorithm;
  ScheduleResult result;
};

struct GraphReport {
  std::string name;
  unsigned nodes = 0, edges = 0;
  int64_t inputPeak = 0, lowerBound = 0;
  std::optional<int64_t> provenOptimum;
  std::vector<Run> runs;
};

std::string formatBytes(int64_t bytes) {
  return llvm::formatv("{0}", bytes).str();
}

void printTable(llvm::ArrayRef<GraphReport> reports,
                llvm::ArrayRef<std::string> algorithms) {
  llvm::raw_ostream &os = llvm::outs();
  os << llvm::left_justify("graph", 30) << llvm::right_justify("nodes", 6)
     << llvm::right_justify("input", 13) << llvm::right_justify("bound", 13);
  for (const std::string &algorithm : algorithms)
    os << llvm::right_justify(algorithm, 13) << llvm::right_justify("s", 7);
  os << llvm::right_justify("optimum", 13) << "\n";
  for (const GraphReport &report : reports) {
    os << llvm::left_justify(llvm::StringRef(report.name).take_front(29), 30)
       << llvm::right_justify(std::to_string(report.nodes), 6)
       << llvm::right_justify(formatBytes(report.inputPeak), 13)
       << llvm::right_justify(formatBytes(report.lowerBound), 13);
    for (const Run &run : report.runs) {
      std::string peak = formatBytes(run.result.peakBytes);
      if (run.result.status == ScheduleStatus::Optimal)
        peak += "*";
      os << llvm::right_justify(peak, 13)
         << llvm::right_justify(
                llvm::formatv("{0:f2}", run.result.seconds).str(), 7);
    }
    os << llvm::right_justify(
              report.provenOptimum ? formatBytes(*report.provenOptimum) : "-",
              13)
       << "\n";
  }
  os << "(* = proven optimal; bound = best proven lower bound)\n";
}

llvm::json::Value toJson(llvm::ArrayRef<GraphReport> reports) {
  llvm::json::Array graphs;
  for (const GraphReport &report : reports) {
    llvm::json::Array runs;
    for (const Run &run : report.runs) {
      const ScheduleResult &result = run.result;
      runs.push_back(llvm::json::Object{
          {"algorithm", run.algorithm},
          {"peak", result.peakBytes},
          {"lowerBound", result.lowerBoundBytes},
          {"optimal", result.status == ScheduleStatus::Optimal},
          {"producedBy", result.algorithm},
          {"seconds", result.seconds},
          {"segments", result.segments},
          {"optimalSegments", result.optimalSegments},
          {"timedOut", result.timedOut},
          {"stoppedByTimeLimit", result.stoppedByTimeLimit},
      });
    }
    llvm::json::Object graph{
        {"name", report.name},
        {"nodes", report.nodes},
        {"edges", report.edges},
        {"inputPeak", report.inputPeak},
        {"lowerBound", report.lowerBound},
        {"runs", std::move(runs)},
    };
    if (report.provenOptimum)
      graph["provenOptimum"] = *report.provenOptimum;
    graphs.push_back(std::move(graph));
  }
  return llvm::json::Object{{"timeLimit", double(timeLimit)},
                            {"effort", double(effort)},
                            {"inPlace", bool(inPlace)},
                            {"graphs", std::move(graphs)}};
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::HideUnrelatedOptions(benchCategory);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "memopt schedule benchmark on remat graphs\n");

  std::vector<std::string> algorithms(algorithmNames.begin(),
                                      algorithmNames.end());
  if (algorithms.empty())
    algorithms = {"input",      "rpo", "list", "dfs", "lpmf",
                  "heuristics", "dp",  "ilp",  "auto"};
  for (const std::string &name : algorithms)
    if (!parseScheduleAlgorithm(name)) {
      llvm::errs() << "unknown algorithm '" << name << "'\n";
      return 1;
    }

  ScheduleOptions checked;
  checked.timeLimitSeconds = timeLimit;
  checked.effort = effort;
  if (std::optional<std::string> invalid = verifyScheduleOptions(checked)) {
    llvm::errs() << "error: " << *invalid << " (--time-limit=" << timeLimit
                 << ", --effort=" << effort << ")\n";
    return 1;
  }

  std::vector<GraphReport> reports;
  bool failed = false;
  for (const std::string &file : inputFiles) {
    llvm::Expected<RematGraph> imported = loadRematGraph(file);
    if (!imported) {
      llvm::errs() << file << ": " << llvm::toString(imported.takeError())
                   << "\n";
      return 1;
    }
    GraphReport report;
    report.name = llvm::sys::path::stem(file).str();
    report.nodes = imported->graph.numNodes();
    report.edges = imported->numEdges;
    for (const std::string &name : algorithms) {
      ScheduleOptions options;
      options.algorithm = *parseScheduleAlgorithm(name);
      options.timeLimitSeconds = timeLimit;
      options.effort = effort;
      options.model.inPlace = inPlace;
      ScheduleResult result = scheduleForMemory(imported->graph, options);
      if (std::optional<std::string> problem =
              checkSchedule(imported->graph, result, options.model)) {
        llvm::errs() << report.name << " / " << name
                     << ": check failed: " << *problem << "\n";
        failed = true;
      }
      report.inputPeak = result.inputPeakBytes;
      report.lowerBound = std::max(report.lowerBound, result.lowerBoundBytes);
      if (result.status == ScheduleStatus::Optimal)
        report.provenOptimum = result.peakBytes;
      report.runs.push_back({name, std::move(result)});
    }
    reports.push_back(std::move(report));
  }

  printTable(reports, algorithms);
  llvm::outs().flush();
  if (!jsonOutput.empty()) {
    std::error_code error;
    llvm::raw_fd_ostream os(jsonOutput, error);
    if (error) {
      llvm::errs() << "cannot write " << jsonOutput << ": " << error.message()
                   << "\n";
      return 1;
    }
    os << llvm::formatv("{0:2}", toJson(reports)) << "\n";
  }
  return failed ? 1 : 0;
}
