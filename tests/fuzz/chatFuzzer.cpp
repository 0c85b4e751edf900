// SPDX-License-Identifier: Apache-2.0
// Chat input (server/chat and its checks in src/protocol): the data of every chat.* request of
// both sockets validated as the server validates it (text not blank, at most 4000 code points,
// ids and counts in range), then a message stored and paged back as ChatRouting does, and its
// wire form serialised. Whatever passes validation must store, page and serialise cleanly.
#include "chat/MemoryChatRepository.hpp"
#include "protocol/Protocol.hpp"
#include "protocol/Validator.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace tccc::protocol;
using tccc::server::ChatMessageRecord;
using tccc::server::MemoryChatRepository;

void check(bool ok) {
  if (!ok) std::abort();
}

void exercise(const MethodSpec& method, const Json& input) {
  Json data;
  if (validateFields(method, input, data, method.name)) return;
  MemoryChatRepository repository;
  const std::string session = data.value("sessionId", "s-1");
  if (data.contains("text")) {
    const std::string& text = data["text"].get_ref<const std::string&>();
    check(!isBlank(text));
    check(countCodePoints(text) <= 4000);
    ChatMessageRecord m;
    m.sdkAppId = 1400000000;
    m.sessionId = session;
    m.seq = 1;
    m.senderRole = "visitor";
    m.clientMsgId = data.value("clientMsgId", "");
    m.content = text;
    repository.appendChatMessage(m);
    // A retry with the same clientMsgId stores nothing new.
    repository.appendChatMessage(m);
    check(repository.lastChatSeq(m.sdkAppId, session) == 1);
    // The wire form is JSON text whatever bytes the content holds.
    const std::string wire = dump(Json{{"content", text}, {"clientMsgId", m.clientMsgId}});
    check(!parseJson(wire).is_discarded());
  }
  // chat.history: ChatRouting::history asks for one more than the limit to learn hasMore.
  const std::int64_t after = data.value("afterSeq", std::int64_t{0});
  const std::int64_t want = data.value("limit", std::int64_t{50});
  auto rows = repository.listChatMessages(1400000000, session, after, want + 1);
  check(static_cast<std::int64_t>(rows.size()) <= want + 1);
  (void)repository.queryChatMessages(1400000000, session, after % 2 == 0, after, want);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  Json input = parseJson(std::string_view(reinterpret_cast<const char*>(bytes), size));
  if (input.is_discarded()) return 0;
  for (std::string_view name : {"chat.send", "chat.history", "chat.start", "chat.resume", "chat.end"}) {
    if (const MethodSpec* m = findAgentMethod(name)) exercise(*m, input);
    if (const MethodSpec* m = findCustomerMethod(name)) exercise(*m, input);
  }
  return 0;
}
