//===- memopt-pack.cpp - Pack MiniMalloc CSV instances --------------------===//
//
// Part of memopt. Reads buffer-interval CSVs (MiniMalloc's format), packs each
// with the chosen algorithm and reports, per instance, the max-live lower
// bound, the arena of every algorithm that ran, the ratio of the arena to the
// bound, the status and the time:
//
//   memopt-pack [--algorithm=auto] [--capacity=N] [--effort=E]
//               [--time-limit=S] [--output=out.csv] [--json] file.csv...
//
//===----------------------------------------------------------------------===//

#include "memopt/Packing/Packing.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace memopt;
namespace cl = llvm::cl;

static cl::OptionCategory packCategory("memopt-pack options");
static cl::list<std::string> inputFiles(cl::Positional, cl::OneOrMore,
                                        cl::desc("<instance.csv>..."),
                                        cl::cat(packCategory));
static cl::opt<std::string> algorithmName(
    "algorithm", cl::init("auto"),
    cl::desc("size-best-fit, start-best-fit, conflicts, best, exact or auto"),
    cl::cat(packCategory));
static cl::opt<int64_t>
    capacity("capacity",
             cl::desc("Arena size the buffers must fit in (default: none)"),
             cl::cat(packCategory));
static cl::opt<double>
    effort("effort", cl::init(1),
           cl::desc("Multiplies the exact search's node budget (default 1)"),
           cl::cat(packCategory));
static cl::opt<double> timeLimit(
    "time-limit", cl::init(10),
    cl::desc("Wall-clock safety net of the exact search, in seconds; inf for "
             "none (default 10)"),
    cl::cat(packCategory));
static cl::opt<std::string>
    outputFile("output",
               cl::desc("Write the packing as CSV with offsets (one input "
                        "file only)"),
               cl::cat(packCategory));
static cl::opt<bool> emitJson("json", cl::desc("Print JSON, not a table"),
                              cl::cat(packCategory));

namespace {
struct Report {
  std::string file;
  size_t numBuffers;
  PackingResult result;
};
} // namespace

static void printTable(llvm::ArrayRef<Report> reports) {
  llvm::raw_ostream &os = llvm::outs();
  os << llvm::left_justify("instance", 16) << llvm::right_justify("buffers", 8)
     << llvm::right_justify("lower bound", 13)
     << llvm::right_justify("arena", 12) << llvm::right_justify("arena/LB", 10)
     << "  " << llvm::left_justify("status", 11) << llvm::left_justify("by", 15)
     << llvm::right_justify("time (s)", 9) << "  arena per algorithm\n";
  for (const Report &report : reports) {
    const PackingResult &result = report.result;
    double ratio = result.lowerBoundBytes
                       ? double(result.arenaBytes) / result.lowerBoundBytes
                       : 1.0;
    os << llvm::left_justify(report.file, 16)
       << llvm::format_decimal(report.numBuffers, 8)
       << llvm::format_decimal(result.lowerBoundBytes, 13)
       << llvm::format_decimal(result.arenaBytes, 12)
       << llvm::format("%10.4f", ratio) << "  "
       << llvm::left_justify(getPackingStatusName(result.status), 11)
       << llvm::left_justify(result.algorithm, 15)
       << llvm::format("%9.3f", result.seconds) << " ";
    for (const auto &[name, arena] : result.candidates)
      os << " " << name << "=" << arena;
    if (result.stoppedByTimeLimit)
      os << "  (stopped by the time limit)";
    os << "\n";
  }
}

static void printJson(llvm::ArrayRef<Report> reports) {
  llvm::json::OStream json(llvm::outs(), /*IndentSize=*/2);
  json.array([&] {
    for (const Report &report : reports) {
      const PackingResult &result = report.result;
      json.object([&] {
        json.attribute("instance", report.file);
        json.attribute("buffers", int64_t(report.numBuffers));
        json.attribute("lowerBound", result.lowerBoundBytes);
        json.attribute("arena", result.arenaBytes);
        json.attribute("status", getPackingStatusName(result.status));
        json.attribute("algorithm", result.algorithm);
        json.attribute("seconds", result.seconds);
        json.attribute("stoppedByTimeLimit", result.stoppedByTimeLimit);
        json.attributeObject("candidates", [&] {
          for (const auto &[name, arena] : result.candidates)
            json.attribute(name, arena);
        });
      });
    }
  });
  llvm::outs() << "\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(packCategory);
  cl::ParseCommandLineOptions(argc, argv,
                              "memopt buffer packer for MiniMalloc CSVs\n");
  std::optional<PackingAlgorithm> algorithm =
      parsePackingAlgorithm(algorithmName);
  if (!algorithm) {
    llvm::errs() << "error: unknown algorithm '" << algorithmName << "'\n";
    return 1;
  }
  if (!outputFile.empty() && inputFiles.size() != 1) {
    llvm::errs() << "error: --output takes exactly one input file\n";
    return 1;
  }
  if (capacity.getNumOccurrences() && capacity < 0) {
    llvm::errs() << "error: --capacity must not be negative, got " << capacity
                 << "\n";
    return 1;
  }
  PackingOptions options;
  options.algorithm = *algorithm;
  options.effort = effort;
  options.timeLimitSeconds = timeLimit;
  if (std::optional<std::string> invalid = verifyPackingOptions(options)) {
    llvm::errs() << "error: " << *invalid << " (--effort=" << effort
                 << ", --time-limit=" << timeLimit << ")\n";
    return 1;
  }

  std::vector<Report> reports;
  bool allFit = true;
  for (const std::string &file : inputFiles) {
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> text =
        llvm::MemoryBuffer::getFile(file);
    if (!text) {
      llvm::errs() << "error: cannot read " << file << ": "
                   << text.getError().message() << "\n";
      return 1;
    }
    std::string error;
    std::optional<PackingProblem> problem =
        readMiniMallocCsv((*text)->getBuffer(), error);
    if (!problem) {
      llvm::errs() << file << ": error: " << error << "\n";
      return 1;
    }
    if (capacity.getNumOccurrences())
      problem->capacity = capacity;
    PackingResult result = packBuffers(*problem, options);
    if (result.status == PackingStatus::Invalid) {
      llvm::errs() << file << ": error: " << result.error << "\n";
      return 1;
    }
    if (std::optional<std::string> violation = checkPacking(*problem, result)) {
      llvm::errs() << file
                   << ": internal error: invalid packing: " << *violation
                   << "\n";
      return 1;
    }
    allFit &= result.status == PackingStatus::Optimal ||
              result.status == PackingStatus::Feasible;
    if (!outputFile.empty()) {
      std::error_code errorCode;
      llvm::raw_fd_ostream out(outputFile, errorCode, llvm::sys::fs::OF_Text);
      if (errorCode) {
        llvm::errs() << "error: cannot write " << outputFile << ": "
                     << errorCode.message() << "\n";
        return 1;
      }
      out << writeMiniMallocCsv(*problem, &result);
    }
    reports.push_back({llvm::sys::path::filename(file).str(),
                       problem->buffers.size(), std::move(result)});
  }
  if (emitJson)
    printJson(reports);
  else
    printTable(reports);
  return allFit ? 0 : 2;
}
