//===- ReportWriters.cpp - Pictures and tables of a memory report ---------===//

#include "memopt/Report/ReportWriters.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace memopt;
using namespace memopt::report;

unsigned report::bucketStart(unsigned bucket, unsigned buckets,
                             unsigned steps) {
  if (buckets == 0)
    return 0;
  return unsigned(uint64_t(bucket) * steps / buckets);
}

std::vector<int64_t> report::bucketMax(llvm::ArrayRef<int64_t> values,
                                       unsigned maxBuckets) {
  unsigned steps = values.size();
  unsigned buckets = std::min(steps, maxBuckets);
  std::vector<int64_t> result(buckets, 0);
  for (unsigned bucket = 0; bucket < buckets; ++bucket) {
    unsigned begin = bucketStart(bucket, buckets, steps);
    unsigned end = bucketStart(bucket + 1, buckets, steps);
    result[bucket] =
        *std::max_element(values.begin() + begin, values.begin() + end);
  }
  return result;
}

int64_t Timeline::peakBytes() const {
  return buckets.empty() ? 0 : *llvm::max_element(buckets);
}

std::vector<int64_t> Timeline::columns(unsigned columns) const {
  unsigned count = std::min(steps, columns);
  unsigned buckets = this->buckets.size();
  std::vector<int64_t> result(count, 0);
  if (buckets == 0)
    return result;
  // Bucket `b` covers steps [start(b), start(b + 1)); walk both partitions.
  unsigned bucket = 0;
  for (unsigned column = 0; column < count; ++column) {
    unsigned begin = bucketStart(column, count, steps);
    unsigned end = bucketStart(column + 1, count, steps);
    while (bucket + 1 < buckets &&
           bucketStart(bucket + 1, buckets, steps) <= begin)
      ++bucket;
    int64_t largest = 0;
    for (unsigned b = bucket;
         b < buckets && bucketStart(b, buckets, steps) < end; ++b)
      largest = std::max(largest, this->buckets[b]);
    result[column] = largest;
  }
  return result;
}

std::string report::renderSparkline(llvm::ArrayRef<int64_t> columns,
                                    int64_t scaleMax) {
  static const char *const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string line;
  for (int64_t value : columns) {
    if (value <= 0 || scaleMax <= 0) {
      line += ' ';
      continue;
    }
    // The nearest eighth, at least one so that any live byte shows.
    int64_t level = std::llround(8.0 * double(value) / double(scaleMax));
    line += kBlocks[std::clamp<int64_t>(level, 1, 8) - 1];
  }
  return line;
}

unsigned report::columnOfStep(unsigned step, unsigned steps, unsigned columns) {
  unsigned count = std::min(steps, columns);
  if (count == 0)
    return 0;
  // The last column whose first step is at or before `step`.
  unsigned column = unsigned(uint64_t(step) * count / steps);
  while (column + 1 < count && bucketStart(column + 1, count, steps) <= step)
    ++column;
  while (column > 0 && bucketStart(column, count, steps) > step)
    --column;
  return column;
}

StepBytes report::computeStepBytes(const MemoryGraph &graph,
                                   llvm::ArrayRef<unsigned> order,
                                   const ModelOptions &options) {
  StepBytes bytes;
  unsigned steps = order.size();
  bytes.during = computeProfile(graph, order, options).liveBytes;
  bytes.before.assign(steps, 0);
  bytes.after.assign(steps, 0);
  if (steps == 0)
    return bytes;
  std::vector<Lifetime> lifetimes = computeLifetimes(graph, order);
  // Difference arrays over the steps each value is live before (after its
  // producer's step) and after (before its last step, or to the end when
  // returned).
  std::vector<int64_t> beforeDelta(steps + 1, 0), afterDelta(steps + 1, 0);
  for (unsigned id = 0; id < graph.numValues(); ++id) {
    if (!graph.isActivation(id))
      continue;
    int64_t size = graph.value(id).size;
    Lifetime lifetime = lifetimes[id];
    if (lifetime.start < lifetime.end) {
      beforeDelta[lifetime.start + 1] += size;
      beforeDelta[lifetime.end + 1] -= size;
    }
    unsigned afterEnd =
        graph.value(id).escapes ? lifetime.end + 1 : lifetime.end;
    if (lifetime.start < afterEnd) {
      afterDelta[lifetime.start] += size;
      afterDelta[afterEnd] -= size;
    }
  }
  int64_t before = 0, after = 0;
  for (unsigned step = 0; step < steps; ++step) {
    before += beforeDelta[step];
    after += afterDelta[step];
    // In-place results share their operand's bytes: never above `during`.
    bytes.before[step] = std::min(before, bytes.during[step]);
    bytes.after[step] = std::min(after, bytes.during[step]);
  }
  return bytes;
}

std::string report::escapeXml(llvm::StringRef text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      escaped += "&amp;";
      break;
    case '<':
      escaped += "&lt;";
      break;
    case '>':
      escaped += "&gt;";
      break;
    case '"':
      escaped += "&quot;";
      break;
    default:
      // Control characters are not allowed in XML 1.0.
      if ((unsigned char)c < 0x20 && c != '\n' && c != '\t')
        escaped += ' ';
      else
        escaped += c;
    }
  }
  return escaped;
}

std::string report::withSeparators(int64_t value) {
  std::string digits = std::to_string(value >= 0 ? value : -value);
  std::string result;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      result += ',';
    result += digits[i];
  }
  return value < 0 ? "-" + result : result;
}

std::string report::formatBytes(int64_t bytes) {
  std::string text = withSeparators(bytes) + " B";
  if (bytes >= (1 << 20))
    text += llvm::formatv(" ({0:F2} MiB)", bytes / double(1 << 20)).str();
  else if (bytes >= (1 << 10))
    text += llvm::formatv(" ({0:F1} KiB)", bytes / double(1 << 10)).str();
  return text;
}

/// An axis label: `512 B`, `1.5 KiB`, `12 MiB`.
static std::string shortBytes(double bytes) {
  static const char *const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  unsigned unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  std::string number = bytes == std::floor(bytes)
                           ? llvm::formatv("{0:F0}", bytes).str()
                           : llvm::formatv("{0:F1}", bytes).str();
  return number + " " + kUnits[unit];
}

/// The smallest of 1, 2, 5 times a power of `base` steps that is at least
/// `rough`.
static double niceStep(double rough, double base) {
  double power = 1;
  while (power * base <= rough)
    power *= base;
  for (double factor : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0})
    if (factor * power >= rough)
      return factor * power;
  return rough;
}

/// A coordinate with one decimal.
static std::string coord(double value) {
  return llvm::formatv("{0:F1}", value).str();
}

namespace {
/// The plot area of an SVG picture and its scales.
struct Frame {
  double width = 960, height = 280;
  double left = 92, right = 24, top = 40, bottom = 40;
  unsigned steps = 1;
  double yMax = 1;

  double plotWidth() const { return width - left - right; }
  double plotHeight() const { return height - top - bottom; }
  double x(double step) const { return left + plotWidth() * step / steps; }
  double y(double bytes) const {
    return top + plotHeight() * (1 - bytes / yMax);
  }

  /// Axes, grid lines and labels.
  void drawAxes(llvm::raw_ostream &os, llvm::StringRef yTitle) const {
    os << "<g class=\"axes\">";
    // Address ticks in 1-2-5 steps of powers of 1024 (units) times 10.
    double step = niceStep(yMax / 5, 2);
    for (double tick = 0; tick <= yMax + 1e-9; tick += step) {
      std::string ty = coord(y(tick));
      os << "<line class=\"grid\" x1=\"" << coord(left) << "\" x2=\""
         << coord(width - right) << "\" y1=\"" << ty << "\" y2=\"" << ty
         << "\"/><text class=\"tick\" x=\"" << coord(left - 6) << "\" y=\""
         << ty << "\" text-anchor=\"end\" dy=\"4\">" << shortBytes(tick)
         << "</text>";
    }
    double stepTick = niceStep(steps / 8.0, 10);
    for (double tick = 0; tick <= steps; tick += stepTick)
      os << "<text class=\"tick\" x=\"" << coord(x(tick)) << "\" y=\""
         << coord(height - bottom + 16) << "\" text-anchor=\"middle\">"
         << (int64_t)tick << "</text>";
    os << "<text class=\"axis-title\" x=\"" << coord(width - right) << "\" y=\""
       << coord(height - 6) << "\" text-anchor=\"end\">step"
       << "</text><text class=\"axis-title\" x=\"8\" y=\"" << coord(top - 12)
       << "\">" << yTitle << "</text>";
    os << "<rect class=\"frame\" x=\"" << coord(left) << "\" y=\"" << coord(top)
       << "\" width=\"" << coord(plotWidth()) << "\" height=\""
       << coord(plotHeight()) << "\"/></g>";
  }
};
} // namespace

static const char *const kHistoryColors[] = {"#d62728", "#ff7f0e", "#2ca02c",
                                             "#9467bd", "#8c564b"};
static const char *const kCurrentColor = "#1f77b4";

/// The steps-by-bytes outline of `columns` over `steps` steps.
static std::string outline(const Frame &frame, llvm::ArrayRef<int64_t> columns,
                           unsigned steps) {
  std::string path;
  llvm::raw_string_ostream os(path);
  unsigned count = columns.size();
  for (unsigned column = 0; column < count; ++column) {
    double x0 = frame.x(bucketStart(column, count, steps));
    double x1 = frame.x(bucketStart(column + 1, count, steps));
    std::string y = coord(frame.y(columns[column]));
    if (column == 0)
      os << "M" << coord(x0) << " " << y;
    else
      os << "V" << y;
    os << "H" << coord(x1);
  }
  return path;
}

/// The current order of `function` as a Timeline of one bucket per step.
static Timeline currentTimeline(const FunctionPicture &function) {
  Timeline timeline;
  timeline.order = function.currentOrder;
  timeline.steps = function.bytes.during.size();
  timeline.buckets = function.bytes.during;
  return timeline;
}

std::string report::renderTimelineSvg(const FunctionPicture &function,
                                      const PictureLimits &limits) {
  Timeline current = currentTimeline(function);
  Frame frame;
  frame.steps = std::max(1u, current.steps);
  int64_t largest = std::max(current.peakBytes(), function.lowerBoundBytes);
  for (const Timeline &old : function.history) {
    frame.steps = std::max(frame.steps, old.steps);
    largest = std::max(largest, old.peakBytes());
  }
  frame.yMax = std::max<double>(1, largest * 1.12);
  // Columns in proportion to each order's length, on shared axes.
  auto columnsFor = [&](unsigned steps) {
    return std::max(1u,
                    unsigned(uint64_t(limits.columns) * steps / frame.steps));
  };

  std::string svg;
  llvm::raw_string_ostream os(svg);
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" "
        "data-function=\""
     << escapeXml(function.name) << "\" data-peak-bytes=\""
     << function.peakBytes << "\" width=\"" << frame.width << "\" height=\""
     << frame.height << "\" viewBox=\"0 0 " << frame.width << " "
     << frame.height << "\">";
  os << "<title>memory timeline of @" << escapeXml(function.name) << "</title>";
  frame.drawAxes(os, "live activation bytes");

  // Earlier orders first, the current one on top.
  double legendX = frame.left;
  auto legend = [&](const char *color, const std::string &text, bool dashed) {
    os << "<line x1=\"" << coord(legendX) << "\" x2=\"" << coord(legendX + 18)
       << "\" y1=\"14\" y2=\"14\" stroke=\"" << color << "\" stroke-width=\"3\""
       << (dashed ? " stroke-dasharray=\"5 3\"" : "")
       << "/><text class=\"legend\" x=\"" << coord(legendX + 22)
       << "\" y=\"18\">" << escapeXml(text) << "</text>";
    legendX += 30 + 7.0 * text.size();
  };
  for (auto [index, old] : llvm::enumerate(function.history)) {
    const char *color = kHistoryColors[index % std::size(kHistoryColors)];
    std::vector<int64_t> columns = old.columns(columnsFor(old.steps));
    os << "<path class=\"order\" data-order=\"" << escapeXml(old.order)
       << "\" d=\"" << outline(frame, columns, old.steps)
       << "\" fill=\"none\" stroke=\"" << color
       << "\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"><title>"
       << escapeXml(old.order) << " order: peak "
       << escapeXml(formatBytes(old.peakBytes())) << ", " << old.steps
       << " steps</title></path>";
    legend(color, old.order + " order: peak " + shortBytes(old.peakBytes()),
           true);
  }
  unsigned count = std::min(current.steps, columnsFor(current.steps));
  std::vector<int64_t> columns = current.columns(count);
  if (!columns.empty()) {
    std::string line = outline(frame, columns, current.steps);
    os << "<path class=\"current-area\" d=\"" << line << "V"
       << coord(frame.y(0)) << "H" << coord(frame.x(0)) << "Z\" fill=\""
       << kCurrentColor << "\" fill-opacity=\"0.18\"/>";
    os << "<path class=\"order current\" data-order=\""
       << escapeXml(current.order) << "\" d=\"" << line
       << "\" fill=\"none\" stroke=\"" << kCurrentColor
       << "\" stroke-width=\"1.8\"/>";
  }
  legend(kCurrentColor,
         current.order + " order (current): peak " +
             shortBytes(current.peakBytes()),
         false);

  if (function.lowerBoundBytes > 0) {
    std::string y = coord(frame.y(function.lowerBoundBytes));
    os << "<line class=\"lower-bound\" x1=\"" << coord(frame.left) << "\" x2=\""
       << coord(frame.width - frame.right) << "\" y1=\"" << y << "\" y2=\"" << y
       << "\" stroke=\"#555\" stroke-dasharray=\"2 3\"/><text class=\"note\" "
          "x=\""
       << coord(frame.width - frame.right - 4) << "\" y=\"" << y
       << "\" dy=\"12\" text-anchor=\"end\">lower bound "
       << escapeXml(shortBytes(function.lowerBoundBytes)) << "</text>";
  }

  // Hover targets: one column each, naming the step where it peaks.
  os << "<g class=\"hover\">";
  for (unsigned column = 0; column < columns.size(); ++column) {
    unsigned begin = bucketStart(column, count, current.steps);
    unsigned end = bucketStart(column + 1, count, current.steps);
    unsigned top = begin;
    for (unsigned step = begin; step < end; ++step)
      if (function.bytes.during[step] > function.bytes.during[top])
        top = step;
    os << "<rect x=\"" << coord(frame.x(begin)) << "\" y=\"" << coord(frame.top)
       << "\" width=\"" << coord(frame.x(end) - frame.x(begin))
       << "\" height=\"" << coord(frame.plotHeight()) << "\"><title>";
    if (end - begin > 1)
      os << "steps " << begin << "-" << end - 1 << ": ";
    os << escapeXml(shortBytes(function.bytes.during[top])) << " at step "
       << top;
    if (top < function.stepOps.size())
      os << " " << escapeXml(function.stepOps[top]);
    if (top < function.stepLocations.size() &&
        !function.stepLocations[top].empty())
      os << " (" << escapeXml(function.stepLocations[top]) << ")";
    os << "</title></rect>";
  }
  os << "</g>";

  if (current.steps > 0) {
    double x = frame.x(function.peakStep + 0.5);
    double y = frame.y(function.peakBytes);
    std::string op = function.peakStep < function.stepOps.size()
                         ? function.stepOps[function.peakStep]
                         : "";
    os << "<line class=\"peak-line\" x1=\"" << coord(x) << "\" x2=\""
       << coord(x) << "\" y1=\"" << coord(y) << "\" y2=\"" << coord(frame.y(0))
       << "\" stroke=\"#000\" stroke-dasharray=\"3 2\"/>"
       << "<circle cx=\"" << coord(x) << "\" cy=\"" << coord(y)
       << "\" r=\"4\" fill=\"#000\"><title>peak at step " << function.peakStep
       << " " << escapeXml(op) << "</title></circle>";
    bool leftHalf = x < frame.left + frame.plotWidth() / 2;
    os << "<text class=\"peak\" data-bytes=\"" << function.peakBytes
       << "\" x=\"" << coord(x + (leftHalf ? 7 : -7)) << "\" y=\""
       << coord(std::max(frame.top + 12, y - 6)) << "\" text-anchor=\""
       << (leftHalf ? "start" : "end") << "\">peak "
       << escapeXml(formatBytes(function.peakBytes)) << " at step "
       << function.peakStep << " (" << escapeXml(op) << ")</text>";
  }
  os << "</svg>";
  return svg;
}

/// A stable colour per op name.
static std::string colorOf(llvm::StringRef op) {
  uint32_t hash = 2166136261u;
  for (char c : op)
    hash = (hash ^ (unsigned char)c) * 16777619u;
  return llvm::formatv("hsl({0},55%,62%)", hash % 360).str();
}

std::string report::renderArenaSvg(const FunctionPicture &function,
                                   const PictureLimits &limits) {
  if (function.buffers.empty())
    return "";
  unsigned steps = function.bytes.during.size();
  int64_t arena = function.arenaBytes.value_or(0);
  for (const ArenaBuffer &buffer : function.buffers) {
    steps = std::max(steps, buffer.end + 1);
    arena = std::max(arena, buffer.offset + buffer.size);
  }
  Frame frame;
  frame.height = 320;
  frame.steps = std::max(1u, steps);
  frame.yMax = std::max<double>(1, std::max(arena, function.peakBytes) * 1.06);

  // The largest buffers (bytes x steps) when there are too many to draw.
  std::vector<unsigned> drawn(function.buffers.size());
  std::iota(drawn.begin(), drawn.end(), 0);
  auto area = [&](unsigned index) {
    const ArenaBuffer &buffer = function.buffers[index];
    return double(buffer.size) * (buffer.end - buffer.start + 1);
  };
  double totalArea = 0, drawnArea = 0;
  for (unsigned index : drawn)
    totalArea += area(index);
  if (drawn.size() > limits.maxBuffers) {
    llvm::stable_sort(
        drawn, [&](unsigned a, unsigned b) { return area(a) > area(b); });
    drawn.resize(limits.maxBuffers);
    llvm::sort(drawn);
  }
  for (unsigned index : drawn)
    drawnArea += area(index);

  std::string svg;
  llvm::raw_string_ostream os(svg);
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"arena\" "
        "data-function=\""
     << escapeXml(function.name) << "\" data-arena-bytes=\"" << arena
     << "\" data-buffers=\"" << function.buffers.size() << "\" width=\""
     << frame.width << "\" height=\"" << frame.height << "\" viewBox=\"0 0 "
     << frame.width << " " << frame.height << "\">";
  os << "<title>arena map of @" << escapeXml(function.name) << "</title>";
  frame.drawAxes(os, "arena offset");
  os << "<text class=\"legend\" x=\"" << coord(frame.left)
     << "\" y=\"18\">a rectangle per buffer (offset and size by its "
        "steps, coloured by op); black: live bytes per step</text>";
  os << "<g class=\"buffers\" stroke=\"#fff\" stroke-width=\"0.4\">";
  for (unsigned index : drawn) {
    const ArenaBuffer &buffer = function.buffers[index];
    double x0 = frame.x(buffer.start), x1 = frame.x(buffer.end + 1);
    double y0 = frame.y(buffer.offset + buffer.size),
           y1 = frame.y(buffer.offset);
    os << "<rect x=\"" << coord(x0) << "\" y=\"" << coord(y0) << "\" width=\""
       << coord(std::max(0.6, x1 - x0)) << "\" height=\""
       << coord(std::max(0.6, y1 - y0)) << "\" fill=\"" << colorOf(buffer.op)
       << "\"><title>" << escapeXml(buffer.name) << " " << escapeXml(buffer.op)
       << ": " << escapeXml(formatBytes(buffer.size)) << " at offset "
       << buffer.offset << ", steps " << buffer.start << ".." << buffer.end
       << "</title></rect>";
  }
  os << "</g>";

  // Live bytes per column: what a perfect packing would need at each step.
  Timeline current = currentTimeline(function);
  unsigned count = std::min(current.steps, limits.columns);
  if (count > 0)
    os << "<path class=\"live\" d=\""
       << outline(frame, current.columns(count), current.steps)
       << "\" fill=\"none\" stroke=\"#222\" stroke-width=\"1\"/>";
  auto level = [&](const char *cssClass, int64_t bytes, const char *color,
                   const char *dash, const std::string &label, double dy) {
    std::string y = coord(frame.y(bytes));
    os << "<line class=\"" << cssClass << "\" x1=\"" << coord(frame.left)
       << "\" x2=\"" << coord(frame.width - frame.right) << "\" y1=\"" << y
       << "\" y2=\"" << y << "\" stroke=\"" << color
       << "\" stroke-width=\"1.5\"" << dash << "/><text class=\"note\" x=\""
       << coord(frame.width - frame.right - 4) << "\" y=\"" << y << "\" dy=\""
       << dy << "\" text-anchor=\"end\" fill=\"" << color << "\">"
       << escapeXml(label) << "</text>";
  };
  level("max-live", function.peakBytes, "#d62728", " stroke-dasharray=\"6 3\"",
        "max-live " + shortBytes(function.peakBytes), 13);
  std::string over =
      function.peakBytes > 0
          ? llvm::formatv(" (+{0:F1}%)", 100.0 * (arena - function.peakBytes) /
                                             function.peakBytes)
                .str()
          : "";
  level("arena-size", arena, "#000", "", "arena " + shortBytes(arena) + over,
        -4);
  if (drawn.size() < function.buffers.size())
    os << "<text class=\"note\" x=\"" << coord(frame.left) << "\" y=\""
       << coord(frame.height - 4) << "\">the " << withSeparators(drawn.size())
       << " largest of " << withSeparators(function.buffers.size())
       << " buffers are drawn ("
       << llvm::formatv("{0:F1}", 100.0 * drawnArea / totalArea)
       << "% of the byte-steps)</text>";
  os << "</svg>";
  return svg;
}

static const char *const kStyle = R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1000px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
pre.numbers { font-size: 12px; background: #f7f7f7; padding: 8px; overflow-x: auto; }
svg { display: block; margin: 8px 0; font-size: 11px; }
svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #999; }
svg .tick, svg .note { fill: #555; } svg .axis-title { fill: #333; font-weight: bold; }
svg .legend { fill: #222; font-size: 12px; } svg .peak { font-weight: bold; font-size: 12px; }
svg .hover rect { fill: #000; fill-opacity: 0; } svg .hover rect:hover { fill-opacity: 0.08; }
svg .buffers rect:hover { stroke: #000; stroke-width: 1; }
p.how { color: #555; font-size: 13px; }
)";

void report::writeHtml(llvm::raw_ostream &os,
                       llvm::ArrayRef<FunctionPicture> functions,
                       llvm::StringRef title, const PictureLimits &limits) {
  os << "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
        "lang=\"en\">\n<head><meta charset=\"utf-8\"/><title>"
     << escapeXml(title) << "</title><style>" << kStyle
     << "</style></head>\n<body>\n<h1>" << escapeXml(title) << "</h1>\n"
     << "<p class=\"how\">Live activation bytes per step (operands and "
        "results of the running op together; arguments, constants and "
        "globals apart). Hover a column for its op and step. Steps are "
        "bucketed in long functions: a column shows the largest step it "
        "covers.</p>\n";
  for (const FunctionPicture &function : functions) {
    os << "<section class=\"function\" data-function=\""
       << escapeXml(function.name) << "\">\n<h2>@" << escapeXml(function.name)
       << "</h2>\n";
    if (!function.skipped.empty()) {
      os << "<p class=\"skipped\">skipped: " << escapeXml(function.skipped)
         << "</p>\n</section>\n";
      continue;
    }
    os << renderTimelineSvg(function, limits) << "\n";
    if (std::string arena = renderArenaSvg(function, limits); !arena.empty())
      os << "<h3>Arena after packing</h3>\n" << arena << "\n";
    os << "<pre class=\"numbers\">" << escapeXml(function.textReport)
       << "</pre>\n";
    os << "</section>\n";
  }
  os << "</body>\n</html>\n";
}

/// `field` quoted as CSV requires (RFC 4180).
static std::string csvField(llvm::StringRef field) {
  if (field.find_first_of(",\"\n\r") == llvm::StringRef::npos)
    return field.str();
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

void report::writeCsv(llvm::raw_ostream &os,
                      llvm::ArrayRef<FunctionPicture> functions) {
  os << "function,step,op,location,live_bytes_before,live_bytes,"
        "live_bytes_after\n";
  for (const FunctionPicture &function : functions) {
    std::string name = csvField(function.name);
    for (unsigned step = 0; step < function.bytes.during.size(); ++step) {
      os << name << "," << step << ",";
      if (step < function.stepOps.size())
        os << csvField(function.stepOps[step]);
      os << ",";
      if (step < function.stepLocations.size())
        os << csvField(function.stepLocations[step]);
      os << "," << function.bytes.before[step] << ","
         << function.bytes.during[step] << "," << function.bytes.after[step]
         << "\n";
    }
  }
}
