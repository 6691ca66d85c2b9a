//===- MiniMallocCsv.cpp - MiniMalloc's CSV problem format ----------------===//
//
// Part of memopt. The interval CSV that MiniMalloc reads and writes, so that
// planners can be compared on the same instances:
//
//   id,lower,upper,size[,alignment][,offset]
//
// one buffer per row, live on the half-open step interval [lower, upper).
//
//===----------------------------------------------------------------------===//

#include "PackingInternal.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace memopt;

namespace {
/// The columns a row may have.
enum Column { Id, Lower, Upper, Size, Alignment, Offset, NumColumns };
constexpr llvm::StringLiteral kColumnNames[NumColumns] = {
    "id", "lower", "upper", "size", "alignment", "offset"};
} // namespace

std::optional<PackingProblem> memopt::readMiniMallocCsv(llvm::StringRef text,
                                                        std::string &error) {
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  /// Position of each column in a row, or -1.
  int position[NumColumns] = {-1, -1, -1, -1, -1, -1};
  unsigned numFields = 0;
  PackingProblem problem;
  llvm::StringSet<> ids;
  bool seenHeader = false;
  for (auto [lineIndex, rawLine] : llvm::enumerate(lines)) {
    llvm::StringRef line = rawLine.trim();
    if (line.empty())
      continue;
    std::string where = "line " + std::to_string(lineIndex + 1) + ": ";
    llvm::SmallVector<llvm::StringRef> fields;
    line.split(fields, ',');
    for (llvm::StringRef &field : fields)
      field = field.trim();

    if (!seenHeader) {
      seenHeader = true;
      numFields = fields.size();
      for (auto [fieldIndex, field] : llvm::enumerate(fields)) {
        auto *known = llvm::find(kColumnNames, field);
        if (known == std::end(kColumnNames)) {
          error = where + "unknown column '" + field.str() + "'";
          return std::nullopt;
        }
        int &column = position[known - std::begin(kColumnNames)];
        if (column >= 0) {
          error = where + "column '" + field.str() + "' appears twice";
          return std::nullopt;
        }
        column = fieldIndex;
      }
      for (Column required : {Id, Lower, Upper, Size})
        if (position[required] < 0) {
          error =
              where + "missing column '" + kColumnNames[required].str() + "'";
          return std::nullopt;
        }
      continue;
    }

    if (fields.size() != numFields) {
      error = where + "expected " + std::to_string(numFields) +
              " fields, got " + std::to_string(fields.size());
      return std::nullopt;
    }
    int64_t numbers[NumColumns] = {0, 0, 0, 0, 1, 0};
    for (Column column : {Lower, Upper, Size, Alignment, Offset}) {
      if (position[column] < 0)
        continue;
      llvm::StringRef field = fields[position[column]];
      if (field.getAsInteger(10, numbers[column])) {
        error = where + "'" + field.str() + "' is not an integer (column '" +
                kColumnNames[column].str() + "')";
        return std::nullopt;
      }
    }
    PackingBuffer buffer;
    buffer.id = fields[position[Id]].str();
    if (!ids.insert(buffer.id).second) {
      error = where + "id '" + buffer.id + "' appears twice";
      return std::nullopt;
    }
    buffer.begin = numbers[Lower];
    buffer.end = numbers[Upper];
    buffer.size = numbers[Size];
    buffer.alignment = numbers[Alignment];
    problem.buffers.push_back(std::move(buffer));
  }
  if (!seenHeader) {
    error = "no header line";
    return std::nullopt;
  }
  if (std::optional<std::string> malformed = verifyPackingProblem(problem)) {
    error = *malformed;
    return std::nullopt;
  }
  return problem;
}

std::string memopt::writeMiniMallocCsv(const PackingProblem &problem,
                                       const PackingResult *result) {
  bool aligned = llvm::any_of(problem.buffers, [](const PackingBuffer &buffer) {
    return buffer.alignment > 1;
  });
  std::string text = "id,lower,upper,size";
  if (aligned)
    text += ",alignment";
  if (result)
    text += ",offset";
  text += "\n";
  for (auto [index, buffer] : llvm::enumerate(problem.buffers)) {
    text += buffer.id + "," + std::to_string(buffer.begin) + "," +
            std::to_string(buffer.end) + "," + std::to_string(buffer.size);
    if (aligned)
      text += "," + std::to_string(buffer.alignment);
    if (result)
      text += "," + std::to_string(result->offsets[index]);
    text += "\n";
  }
  return text;
}
