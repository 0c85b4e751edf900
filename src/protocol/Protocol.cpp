// SPDX-License-Identifier: Apache-2.0
#include "protocol/Protocol.hpp"

namespace tccc::protocol {
namespace {

// Walks the text once, outside string literals, to find the deepest nesting. Doing this before
// parsing keeps a hostile "[[[[…" frame from exhausting the (small, in WebAssembly) stack. It also
// refuses a NUL byte anywhere: JSON has no place for one (inside a string it must be escaped), and
// nlohmann's lexer takes it for the end of the input, so `{}` followed by NULs and then anything
// at all would be accepted as `{}`.
bool depthWithin(std::string_view text, int maxDepth) {
  int depth = 0;
  bool inString = false;
  bool escaped = false;
  for (char c : text) {
    if (c == '\0') return false;
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        break;
      case '[':
      case '{':
        if (++depth > maxDepth) return false;
        break;
      case ']':
      case '}':
        --depth;
        break;
      default:
        break;
    }
  }
  return true;
}

Error protocolError(std::string detail) { return Error(Errc::Protocol, std::move(detail)); }

Json withEnvelope(const char* type) {
  Json j = Json::object();
  j["v"] = kVersion;
  j["type"] = type;
  return j;
}

}  // namespace

Json parseJson(std::string_view text, std::size_t maxBytes, int maxDepth) {
  // depthWithin also refuses a NUL byte: nlohmann accepted `{…}\0<anything>` where the lite JSON
  // (the SDK) refused it (found by fuzz_json too), so the server and the SDK now read the same frames.
  if (text.size() > maxBytes || !depthWithin(text, maxDepth)) return Json(Json::value_t::discarded);
  return Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

std::string dump(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::optional<std::string> readString(const Json& object, std::string_view key, std::size_t maxLength, Error* error) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    if (error) *error = Error(Errc::InvalidArgument, std::string(key) + " must be a string");
    return std::nullopt;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > maxLength) {
    if (error)
      *error =
          Error(Errc::InvalidArgument, std::string(key) + " is longer than " + std::to_string(maxLength) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> readInt(const Json& object, std::string_view key, Error* error, bool allowString) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_float()) {
    double d = it->get<double>();
    // In range first: converting a double beyond int64 (or NaN) is undefined behaviour.
    if (d > -9.2e18 && d < 9.2e18 && d == static_cast<double>(static_cast<std::int64_t>(d)))
      return static_cast<std::int64_t>(d);
  }
  if (allowString && it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (!s.empty() && s.size() <= 18) {
      std::int64_t v = 0;
      bool digits = true;
      for (char c : s) {
        if (c < '0' || c > '9') {
          digits = false;
          break;
        }
        v = v * 10 + (c - '0');
      }
      if (digits) return v;
    }
  }
  if (error) *error = Error(Errc::InvalidArgument, std::string(key) + " must be an integer");
  return std::nullopt;
}

std::optional<bool> readBool(const Json& object, std::string_view key, Error* error) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_boolean()) return it->get<bool>();
  if (error) *error = Error(Errc::InvalidArgument, std::string(key) + " must be a boolean");
  return std::nullopt;
}

Decoded decode(std::string_view text) {
  Decoded out;
  if (text.size() > kMaxFrameBytes) {
    out.error = Error(Errc::PayloadTooLarge, "frame is larger than 65536 bytes");
    return out;
  }
  Json j = parseJson(text);
  if (j.is_discarded()) {
    out.error = protocolError("frame is not valid JSON (or nests deeper than 32 levels)");
    return out;
  }
  if (!j.is_object()) {
    out.error = protocolError("frame must be a JSON object");
    return out;
  }
  // Read the id early so that even a malformed request can be answered.
  if (auto it = j.find("id"); it != j.end() && it->is_number_integer()) {
    auto id = it->get<std::int64_t>();
    if (id >= 1 && id <= kMaxRequestId) out.requestId = id;
  }
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer()) {
    out.error = protocolError("v must be an integer");
    return out;
  }
  if (v->get<std::int64_t>() != kVersion) {
    out.error = Error(Errc::UnsupportedVersion, "protocol version " + v->dump() + " is not supported");
    return out;
  }
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) {
    out.error = protocolError("type must be a string");
    return out;
  }
  const auto& t = type->get_ref<const std::string&>();

  auto readData = [&](Json& into) -> bool {
    auto d = j.find("data");
    if (d == j.end() || d->is_null()) {
      into = Json::object();
      return true;
    }
    if (!d->is_object()) {
      out.error = protocolError("data must be an object");
      return false;
    }
    into = std::move(*d);
    return true;
  };
  auto readId = [&](std::int64_t& into) -> bool {
    if (!out.requestId) {
      out.error = protocolError("id must be an integer from 1 to 2147483647");
      return false;
    }
    into = *out.requestId;
    return true;
  };
  auto readT = [&](std::int64_t& into) -> bool {
    auto it = j.find("t");
    if (it == j.end()) {
      into = 0;
      return true;
    }
    // An unsigned value above 2^63-1 would wrap to a negative t and not echo back unchanged.
    if (!it->is_number_integer() ||
        (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
      out.error = protocolError("t must be an integer");
      return false;
    }
    into = it->get<std::int64_t>();
    return true;
  };

  if (t == "req") {
    Request r;
    if (!readId(r.id)) return out;
    auto m = j.find("method");
    if (m == j.end() || !m->is_string() || m->get_ref<const std::string&>().empty() ||
        m->get_ref<const std::string&>().size() > kMaxMethodLength) {
      out.error = protocolError("method must be a non-empty string of at most 64 characters");
      return out;
    }
    r.method = m->get<std::string>();
    if (!readData(r.data)) return out;
    out.frame = std::move(r);
  } else if (t == "res") {
    Response r;
    if (!readId(r.id)) return out;
    auto ok = j.find("ok");
    if (ok == j.end() || !ok->is_boolean()) {
      out.error = protocolError("ok must be a boolean");
      return out;
    }
    r.ok = ok->get<bool>();
    if (r.ok) {
      if (!readData(r.data)) return out;
    } else {
      auto e = j.find("error");
      if (e == j.end() || !e->is_object()) {
        out.error = protocolError("a failed response needs an error object");
        return out;
      }
      auto code = e->find("code");
      if (code == e->end() || !code->is_number_integer()) {
        out.error = protocolError("error.code must be an integer");
        return out;
      }
      auto known = errcFromInt(code->get<std::int64_t>());
      std::string message;
      if (auto msg = e->find("message"); msg != e->end() && msg->is_string()) message = msg->get<std::string>();
      // A code this build does not know is still an error: keep its text, report it as internal.
      r.error = Error(known.value_or(Errc::Internal), message);
      if (r.error.code == Errc::None) r.error = Error(Errc::Protocol, "failed response with code 0");
    }
    out.frame = std::move(r);
  } else if (t == "evt") {
    Event e;
    auto seq = j.find("seq");
    if (seq == j.end() || !seq->is_number_integer() || seq->get<std::int64_t>() < 0) {
      out.error = protocolError("seq must be a non-negative integer");
      return out;
    }
    e.seq = seq->get<std::int64_t>();
    auto name = j.find("event");
    if (name == j.end() || !name->is_string() || name->get_ref<const std::string&>().empty() ||
        name->get_ref<const std::string&>().size() > kMaxMethodLength) {
      out.error = protocolError("event must be a non-empty string of at most 64 characters");
      return out;
    }
    e.event = name->get<std::string>();
    if (!readData(e.data)) return out;
    out.frame = std::move(e);
  } else if (t == "ping") {
    Ping p;
    if (!readT(p.t)) return out;
    out.frame = p;
  } else if (t == "pong") {
    Pong p;
    if (!readT(p.t)) return out;
    out.frame = p;
  } else {
    out.error = protocolError("unknown frame type '" + t.substr(0, 16) + "'");
  }
  return out;
}

// Requests, responses and events are written as text around their data, which is serialised once:
// building an envelope object would copy the data (a whole snapshot, in a login's answer) first.
namespace {

void appendString(std::string& out, std::string_view text) { out += dump(Json(std::string(text))); }

std::string frameHead(const char* type) {
  std::string out = "{\"v\":";
  out += std::to_string(kVersion);
  out += ",\"type\":\"";
  out += type;
  out += '"';
  return out;
}

void appendData(std::string& out, const Json& data) {
  out += ",\"data\":";
  out += data.is_object() ? dump(data) : std::string("{}");
}

}  // namespace

std::string encode(const Request& request) {
  std::string out = frameHead("req");
  out += ",\"id\":";
  out += std::to_string(request.id);
  out += ",\"method\":";
  appendString(out, request.method);
  appendData(out, request.data);
  out += '}';
  return out;
}

std::string encode(const Response& response) {
  std::string out = frameHead("res");
  out += ",\"id\":";
  out += std::to_string(response.id);
  if (response.ok) {
    out += ",\"ok\":true";
    appendData(out, response.data);
  } else {
    out += ",\"ok\":false,\"error\":{\"code\":";
    out += std::to_string(static_cast<int>(response.error.code));
    out += ",\"message\":";
    appendString(out, response.error.message);
    out += '}';
  }
  out += '}';
  return out;
}

std::string encode(const Event& event) {
  return encodeEvent(event.seq, event.event, event.data.is_object() ? dump(event.data) : std::string("{}"));
}

std::string encodeEvent(std::int64_t seq, std::string_view name, std::string_view dataJson) {
  std::string out = frameHead("evt");
  out += ",\"seq\":";
  out += std::to_string(seq);
  out += ",\"event\":";
  appendString(out, name);
  out += ",\"data\":";
  out += dataJson;
  out += '}';
  return out;
}

std::string encode(const Ping& ping) {
  Json j = withEnvelope("ping");
  j["t"] = ping.t;
  return dump(j);
}

std::string encode(const Pong& pong) {
  Json j = withEnvelope("pong");
  j["t"] = pong.t;
  return dump(j);
}

std::string encode(const Frame& frame) {
  return std::visit([](const auto& f) { return encode(f); }, frame);
}

}  // namespace tccc::protocol
