//===- ReportWritersTest.cpp - Bucketing, scaling and well-formed output --===//

#include "memopt/Report/ReportWriters.h"

#include "gtest/gtest.h"

#include <random>

using namespace memopt;
using namespace memopt::report;

namespace {

TEST(ReportWriters, BucketsPartitionTheSteps) {
  for (unsigned steps : {1u, 7u, 100u, 101u, 50000u})
    for (unsigned buckets : {1u, 3u, 64u, 440u}) {
      unsigned count = std::min(steps, buckets);
      EXPECT_EQ(bucketStart(0, count, steps), 0u);
      EXPECT_EQ(bucketStart(count, count, steps), steps);
      for (unsigned b = 0; b < count; ++b)
        EXPECT_LT(bucketStart(b, count, steps),
                  bucketStart(b + 1, count, steps))
            << "empty bucket " << b << " of " << count << " over " << steps;
    }
}

TEST(ReportWriters, BucketMaxKeepsThePeakAndShortSeriesExact) {
  std::mt19937 random(7);
  for (unsigned trial = 0; trial < 50; ++trial) {
    std::vector<int64_t> values(1 + random() % 2000);
    for (int64_t &value : values)
      value = random() % 100000;
    int64_t peak = *std::max_element(values.begin(), values.end());
    for (unsigned buckets : {1u, 10u, 256u, 5000u}) {
      std::vector<int64_t> bucketed = bucketMax(values, buckets);
      ASSERT_EQ(bucketed.size(), std::min<size_t>(values.size(), buckets));
      EXPECT_EQ(*std::max_element(bucketed.begin(), bucketed.end()), peak);
      if (buckets >= values.size()) {
        EXPECT_EQ(bucketed, values);
      }
      // Each bucket is the largest value of the steps it covers.
      for (unsigned b = 0; b < bucketed.size(); ++b) {
        unsigned begin = bucketStart(b, bucketed.size(), values.size());
        unsigned end = bucketStart(b + 1, bucketed.size(), values.size());
        EXPECT_EQ(bucketed[b], *std::max_element(values.begin() + begin,
                                                 values.begin() + end));
      }
    }
  }
}

TEST(ReportWriters, RebucketingIsAnUpperBoundThatKeepsThePeak) {
  std::mt19937 random(11);
  for (unsigned trial = 0; trial < 50; ++trial) {
    std::vector<int64_t> values(1 + random() % 3000);
    for (int64_t &value : values)
      value = random() % 1000;
    Timeline recorded{"input", unsigned(values.size()), bucketMax(values, 256)};
    for (unsigned width : {1u, 56u, 440u}) {
      std::vector<int64_t> columns = recorded.columns(width);
      std::vector<int64_t> exact = bucketMax(values, width);
      ASSERT_EQ(columns.size(), exact.size());
      for (unsigned c = 0; c < columns.size(); ++c)
        EXPECT_GE(columns[c], exact[c]);
      EXPECT_EQ(*std::max_element(columns.begin(), columns.end()),
                recorded.peakBytes());
    }
  }
}

TEST(ReportWriters, SparklineScalesToEighths) {
  EXPECT_EQ(renderSparkline({0, 1, 4, 8}, 8), " ▁▄█");
  EXPECT_EQ(renderSparkline({5, 10}, 10), "▄█");
  EXPECT_EQ(renderSparkline({}, 10), "");
  // Any live byte shows.
  EXPECT_EQ(renderSparkline({1}, 1000000), "▁");
}

TEST(ReportWriters, ColumnOfStepFallsInItsBucket) {
  for (unsigned steps : {5u, 99u, 1000u})
    for (unsigned columns : {3u, 56u, 80u})
      for (unsigned step = 0; step < steps; ++step) {
        unsigned count = std::min(steps, columns);
        unsigned column = columnOfStep(step, steps, columns);
        ASSERT_LT(column, count);
        EXPECT_LE(bucketStart(column, count, steps), step);
        EXPECT_GT(bucketStart(column + 1, count, steps), step);
      }
}

/// a -> b -> c with a returned value c; sizes 10, 20, 30.
MemoryGraph chain() {
  MemoryGraph graph;
  unsigned a = graph.addNode("a"), b = graph.addNode("b"),
           c = graph.addNode("c");
  unsigned va = graph.addValue(10, a), vb = graph.addValue(20, b),
           vc = graph.addValue(30, c);
  graph.addUse(va, b);
  graph.addUse(vb, c);
  graph.markEscaping(vc);
  return graph;
}

TEST(ReportWriters, StepBytesAroundEachStep) {
  MemoryGraph graph = chain();
  StepBytes bytes = computeStepBytes(graph, inputOrder(graph), {});
  EXPECT_EQ(bytes.during, (std::vector<int64_t>{10, 30, 50}));
  EXPECT_EQ(bytes.before, (std::vector<int64_t>{0, 10, 20}));
  EXPECT_EQ(bytes.after, (std::vector<int64_t>{10, 20, 30}));
}

TEST(ReportWriters, XmlEscaping) {
  EXPECT_EQ(escapeXml("a<b>&\"c\""), "a&lt;b&gt;&amp;&quot;c&quot;");
  EXPECT_EQ(escapeXml(std::string("x\x01y")), "x y");
}

FunctionPicture picture(unsigned steps) {
  FunctionPicture function;
  function.name = "f<&>";
  std::vector<int64_t> live(steps);
  for (unsigned step = 0; step < steps; ++step)
    live[step] = 1000 + (step * 7919) % 5000;
  function.bytes.during = live;
  function.bytes.before = live;
  function.bytes.after = live;
  function.stepOps.assign(steps, "tosa.add");
  function.stepLocations.assign(steps, "model.py:1:2");
  auto peak = std::max_element(live.begin(), live.end());
  function.peakBytes = *peak;
  function.peakStep = peak - live.begin();
  function.history.push_back(
      {"input", steps + steps / 10, bucketMax(live, 256)});
  for (unsigned step = 0; step < steps; ++step)
    function.buffers.push_back({"v" + std::to_string(step), "tosa.add", step,
                                step + 1, int64_t(step % 10) * 100, 100});
  return function;
}

TEST(ReportWriters, LargeFunctionsStayBounded) {
  FunctionPicture function = picture(50000);
  std::string timeline = renderTimelineSvg(function);
  std::string arena = renderArenaSvg(function);
  EXPECT_LT(timeline.size(), 200000u);
  EXPECT_LT(arena.size(), 800000u);
  EXPECT_NE(arena.find("the 3,000 largest of 50,000 buffers are drawn"),
            std::string::npos);
  EXPECT_NE(timeline.find("data-bytes=\"" + std::to_string(function.peakBytes) +
                          "\""),
            std::string::npos);
}

TEST(ReportWriters, HtmlHasASectionPerFunctionAndEscapesNames) {
  std::vector<FunctionPicture> functions = {picture(20), picture(3)};
  functions[1].skipped = "cannot be modelled";
  std::string html;
  llvm::raw_string_ostream os(html);
  writeHtml(os, functions, "report");
  EXPECT_EQ(html.find("f<&>"), std::string::npos);
  size_t sections = 0;
  for (size_t at = html.find("<section"); at != std::string::npos;
       at = html.find("<section", at + 1))
    ++sections;
  EXPECT_EQ(sections, 2u);
  size_t timelines = 0;
  for (size_t at = html.find("class=\"timeline\""); at != std::string::npos;
       at = html.find("class=\"timeline\"", at + 1))
    ++timelines;
  EXPECT_EQ(timelines, 1u);
}

TEST(ReportWriters, CsvQuotesFields) {
  FunctionPicture function = picture(2);
  function.name = "f";
  function.stepLocations = {"a.py:1:2", "\"x\",y"};
  std::string csv;
  llvm::raw_string_ostream os(csv);
  writeCsv(os, function);
  EXPECT_EQ(csv, "function,step,op,location,live_bytes_before,live_bytes,"
                 "live_bytes_after\n"
                 "f,0,tosa.add,a.py:1:2,1000,1000,1000\n"
                 "f,1,tosa.add,\"\"\"x\"\",y\",3919,3919,3919\n");
}

} // namespace
