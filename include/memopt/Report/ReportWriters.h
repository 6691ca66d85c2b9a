//===- ReportWriters.h - Pictures and tables of a memory report -*- C++ -*-===//
//
// Part of memopt. Turns live-bytes timelines and arena placements into the
// report's pictures: a line of block characters for terminals, a
// self-contained XHTML file with inline SVG, and a per-step CSV. Plain string
// building; it knows nothing of MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef MEMOPT_REPORT_REPORTWRITERS_H
#define MEMOPT_REPORT_REPORTWRITERS_H

#include "memopt/Model/MemoryGraph.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace memopt::report {

/// First step of bucket `bucket` when `steps` steps are split into `buckets`
/// consecutive buckets of near-equal length; bucket `buckets` starts at
/// `steps`.
unsigned bucketStart(unsigned bucket, unsigned buckets, unsigned steps);

/// The largest value of each of min(values.size(), maxBuckets) buckets of
/// `values` (see bucketStart). The peak survives bucketing exactly.
std::vector<int64_t> bucketMax(llvm::ArrayRef<int64_t> values,
                               unsigned maxBuckets);

/// Live bytes of one order over `steps` steps, as bucket maxima
/// (`buckets.size()` buckets, see bucketStart; one per step when equal).
struct Timeline {
  /// What produced the order (`input`, a schedule or remat algorithm).
  std::string order;
  unsigned steps = 0;
  std::vector<int64_t> buckets;

  int64_t peakBytes() const;
  /// The timeline over min(steps, columns) columns: each column has the
  /// largest bucket overlapping the steps it covers (exact when every bucket
  /// is one step).
  std::vector<int64_t> columns(unsigned columns) const;
};

/// Block characters (▁▂▃▄▅▆▇█) for `columns`, scaled so that `scaleMax` is a
/// full block and rounded to the nearest eighth; zero is a space, any other
/// value at least ▁.
std::string renderSparkline(llvm::ArrayRef<int64_t> columns, int64_t scaleMax);

/// The column, out of min(steps, columns), that shows `step`.
unsigned columnOfStep(unsigned step, unsigned steps, unsigned columns);

/// Activation bytes live around each step of an order.
struct StepBytes {
  /// Before the op runs: values produced earlier and still needed.
  std::vector<int64_t> before;
  /// While it runs (the profile: operands and results together).
  std::vector<int64_t> during;
  /// After it ran: values still needed later or returned.
  std::vector<int64_t> after;
};

/// The live bytes around every step of `order` (which must be valid).
/// `before` and `after` never exceed `during`, whose maximum is the peak.
StepBytes computeStepBytes(const MemoryGraph &graph,
                           llvm::ArrayRef<unsigned> order,
                           const ModelOptions &options);

/// A buffer of the arena map: `size` bytes at `offset` from step `start`
/// through `end`.
struct ArenaBuffer {
  std::string name;
  std::string op;
  unsigned start = 0;
  unsigned end = 0;
  int64_t offset = 0;
  int64_t size = 0;
};

/// Everything the pictures show of one function.
struct FunctionPicture {
  std::string name;
  /// Why the function could not be modelled; empty when it could.
  std::string skipped;
  /// Earlier orders the passes recorded, oldest first.
  std::vector<Timeline> history;
  /// What produced the current order.
  std::string currentOrder = "input";
  /// Live bytes around each step of the current order.
  StepBytes bytes;
  /// Op name and source location of each step of the current order.
  std::vector<std::string> stepOps;
  std::vector<std::string> stepLocations;
  int64_t peakBytes = 0;
  unsigned peakStep = 0;
  int64_t lowerBoundBytes = 0;
  /// Placed buffers after offset assignment; empty when none were placed.
  std::vector<ArenaBuffer> buffers;
  std::optional<int64_t> arenaBytes;
  /// The numbers of the text report (peak, bound, largest values live at
  /// the peak, what the passes did), shown as preformatted text.
  std::string textReport;
};

/// Limits that keep the pictures of large functions small.
struct PictureLimits {
  /// Columns of the timeline and arena map (2 px each).
  unsigned columns = 440;
  /// Buffers drawn in the arena map, largest byte-steps first.
  unsigned maxBuffers = 3000;
};

/// `text` with XML's special characters escaped.
std::string escapeXml(llvm::StringRef text);

/// `value` with thousands separators: 1234567 -> `1,234,567`.
std::string withSeparators(int64_t value);

/// `bytes` as `1,234,567 B (1.18 MiB)`.
std::string formatBytes(int64_t bytes);

/// The memory timeline of `function`: every recorded order and the current
/// one on the same axes, the peak marked.
std::string renderTimelineSvg(const FunctionPicture &function,
                              const PictureLimits &limits = {});

/// The arena map of `function`: steps x addresses, a rectangle per buffer,
/// the max-live line and the arena size. Empty without buffers.
std::string renderArenaSvg(const FunctionPicture &function,
                           const PictureLimits &limits = {});

/// One self-contained XHTML document (inline SVG and CSS, no scripts) with
/// a section per function.
void writeHtml(llvm::raw_ostream &os, llvm::ArrayRef<FunctionPicture> functions,
               llvm::StringRef title, const PictureLimits &limits = {});

/// One CSV row per step: function, step, op, location, live bytes before,
/// during and after the step.
void writeCsv(llvm::raw_ostream &os, llvm::ArrayRef<FunctionPicture> functions);

} // namespace memopt::report

#endif // MEMOPT_REPORT_REPORTWRITERS_H
