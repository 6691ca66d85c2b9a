//===- RematGraphImport.cpp - Checkmate and Moccasin graphs ---------------===//

#include "memopt/Schedule/RematGraphImport.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace memopt;

namespace {
llvm::Error malformed(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "remat graph: " + message);
}

/// An integer field of `object`.
std::optional<int64_t> integerField(const llvm::json::Object &object,
                                    llvm::StringRef key) {
  const llvm::json::Value *value = object.get(key);
  return value ? value->getAsInteger() : std::nullopt;
}
} // namespace

llvm::Expected<RematGraph> memopt::parseRematGraph(llvm::StringRef json) {
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    return parsed.takeError();
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return malformed("the top level is not an object");
  const llvm::json::Array *nodes = root->getArray("nodes");
  const llvm::json::Array *links = root->getArray("links");
  const llvm::json::Object *attributes = root->getObject("graph");
  if (!nodes || !links)
    return malformed("missing 'nodes' or 'links'");

  RematGraph result;
  if (attributes)
    if (std::optional<llvm::StringRef> name = attributes->getString("name"))
      result.name = name->str();

  // Dialect A (Checkmate) keys nodes by "id"; dialect B (random layered
  // graphs) by their position in the array.
  bool keyedById = !nodes->empty() && (*nodes)[0].getAsObject() &&
                   (*nodes)[0].getAsObject()->get("id");
  struct FileNode {
    int64_t id;
    int64_t size;
    int64_t cost;
    std::string name;
  };
  std::vector<FileNode> fileNodes;
  llvm::DenseMap<int64_t, unsigned> indexOfId;
  for (unsigned index = 0; index < nodes->size(); ++index) {
    const llvm::json::Object *node = (*nodes)[index].getAsObject();
    if (!node)
      return malformed("node " + llvm::Twine(index) + " is not an object");
    FileNode fileNode;
    std::optional<int64_t> id =
        keyedById ? integerField(*node, "id") : std::optional<int64_t>(index);
    std::optional<int64_t> size =
        integerField(*node, keyedById ? "cost_ram" : "out_cost");
    std::optional<int64_t> cost =
        integerField(*node, keyedById ? "cost_cpu" : "duration");
    if (!id || !size || *size < 0)
      return malformed("node " + llvm::Twine(index) +
                       " lacks an id or a non-negative output size");
    fileNode.id = *id;
    fileNode.size = *size;
    fileNode.cost = cost.value_or(0);
    if (std::optional<llvm::StringRef> name = node->getString("name"))
      fileNode.name = name->str();
    else if (std::optional<int64_t> number = integerField(*node, "name"))
      fileNode.name = std::to_string(*number);
    else
      fileNode.name = std::to_string(*id);
    if (!indexOfId.insert({*id, index}).second)
      return malformed("duplicate node id " + llvm::Twine(*id));
    fileNodes.push_back(std::move(fileNode));
  }

  // The reference order: graph.order, else increasing ids.
  std::vector<unsigned> order;
  const llvm::json::Array *givenOrder =
      attributes ? attributes->getArray("order") : nullptr;
  if (givenOrder) {
    std::vector<bool> seen(fileNodes.size(), false);
    for (const llvm::json::Value &entry : *givenOrder) {
      std::optional<int64_t> id = entry.getAsInteger();
      auto it = id ? indexOfId.find(*id) : indexOfId.end();
      if (it == indexOfId.end() || seen[it->second])
        return malformed("graph.order is not a permutation of the node ids");
      seen[it->second] = true;
      order.push_back(it->second);
    }
    if (order.size() != fileNodes.size())
      return malformed("graph.order is not a permutation of the node ids");
  } else {
    for (unsigned index = 0; index < fileNodes.size(); ++index)
      order.push_back(index);
    llvm::sort(order, [&](unsigned a, unsigned b) {
      return fileNodes[a].id < fileNodes[b].id;
    });
  }

  std::vector<unsigned> nodeOfIndex(fileNodes.size()),
      valueOfIndex(fileNodes.size());
  for (unsigned index : order) {
    FileNode &fileNode = fileNodes[index];
    unsigned node = result.graph.addNode(fileNode.name);
    nodeOfIndex[index] = node;
    valueOfIndex[index] =
        result.graph.addValue(fileNode.size, node, false, fileNode.name);
    result.fileIds.push_back(fileNode.id);
    result.computeCosts.push_back(fileNode.cost);
  }
  for (unsigned k = 0; k < links->size(); ++k) {
    const llvm::json::Object *link = (*links)[k].getAsObject();
    if (!link)
      return malformed("link " + llvm::Twine(k) + " is not an object");
    std::optional<int64_t> source =
        integerField(*link, keyedById ? "source" : "0");
    std::optional<int64_t> target =
        integerField(*link, keyedById ? "target" : "1");
    auto from = source ? indexOfId.find(*source) : indexOfId.end();
    auto to = target ? indexOfId.find(*target) : indexOfId.end();
    if (from == indexOfId.end() || to == indexOfId.end() || from == to)
      return malformed("link " + llvm::Twine(k) + " names unknown nodes");
    result.graph.addUse(valueOfIndex[from->second], nodeOfIndex[to->second]);
    ++result.numEdges;
  }
  std::string reason;
  if (!isValidSchedule(result.graph, inputOrder(result.graph), &reason))
    return malformed("the reference order is not topological: " + reason);
  return result;
}

llvm::Expected<RematGraph> memopt::loadRematGraph(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read " + path.str());
  return parseRematGraph((*buffer)->getBuffer());
}
