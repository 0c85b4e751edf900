// SPDX-License-Identifier: Apache-2.0
// One text frame off an agent or customer socket: protocol::decode, then the request's data checked
// against its method in both method tables, as the server (and the SDK core) do. Built twice, on
// nlohmann (fuzz_protocol) and on the lite JSON of the browser build (fuzz_protocol_lite).
// Beyond "no crash", it checks what the codec promises (tests/fixtures/README.md): a decoded frame
// round-trips through encode(), and validation is idempotent on its own output.
#include "protocol/Protocol.hpp"
#include "protocol/Validator.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace tccc::protocol;

// libFuzzer records the input as a crash; the message says which promise broke.
void check(bool ok, const char* what, const std::string& detail = {}) {
  if (ok) return;
  std::fprintf(stderr, "broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void validateBothWays(const MethodSpec& method, const Json& data) {
  for (DataSource source : {DataSource::Wire, DataSource::Api}) {
    Json out;
    tccc::Error error = validateFields(method, data, out, method.name, source);
    if (error) {
      check(!error.message.empty(), "an error says why");
      continue;
    }
    // The normalised form is what the server acts on and what the SDK sends: it must pass the
    // same check again unchanged (an API caller's form lacks what the core adds, like
    // clientRequestId, so it is checked as API data again).
    Json again;
    tccc::Error second = validateFields(method, out, again, method.name, source);
    check(!second, "validated data validates again", second.message + " on " + dump(out));
    check(dump(again) == dump(out), "validation is idempotent", dump(out) + " -> " + dump(again));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Decoded decoded = decode(text);
  if (!decoded.ok()) {
    check(static_cast<bool>(decoded.error), "a refused frame has an error");
    return 0;
  }
  // decode(encode(decode(text))) == decode(text), compared through their encodings.
  const std::string once = encode(*decoded.frame);
  Decoded back = decode(once);
  check(back.ok(), "an encoded frame decodes", once);
  check(encode(*back.frame) == once, "encode(decode(encode(f))) == encode(f)", once);

  if (const auto* request = std::get_if<Request>(&*decoded.frame)) {
    if (const MethodSpec* m = findAgentMethod(request->method)) validateBothWays(*m, request->data);
    if (const MethodSpec* m = findCustomerMethod(request->method)) validateBothWays(*m, request->data);
    // The field readers the handlers use on data of any shape.
    tccc::Error error;
    (void)readString(request->data, "sessionId", 64, &error);
    (void)readInt(request->data, "seq", &error, true);
    (void)readBool(request->data, "video", &error);
  }
  return 0;
}
