// SPDX-License-Identifier: Apache-2.0
// Builds a JSON object member by member, in place. Json{{"key", value}, …} first makes a
// two-element array for every member and then copies each one (nested trees too) into the object:
// about three times the allocations, on paths that build a tree per call (the phone CDR, every
// session.state an agent is sent). The result is the same object.
#ifndef TCCC_SERVER_ROUTING_JSONOBJECT_HPP
#define TCCC_SERVER_ROUTING_JSONOBJECT_HPP

#include "protocol/Protocol.hpp"

#include <utility>

namespace tccc::server::routing {

class JsonObject {
 public:
  JsonObject() : mJson(protocol::Json::object()) {}

  /// Adds `key` (a key already there keeps its value, as in Json{{…}}).
  template <class V>
  JsonObject& add(const char* key, V&& value) {
    mJson.get_ref<protocol::Json::object_t&>().emplace(key, std::forward<V>(value));
    return *this;
  }

  protocol::Json take() { return std::move(mJson); }

 private:
  protocol::Json mJson;
};

}  // namespace tccc::server::routing

#endif
