// SPDX-License-Identifier: Apache-2.0
#include "core/AnswerFields.hpp"

#include <string>
#include <utility>

namespace tccc::core {

void pickFields(const Json& from, Json& to, const PickField* fields, std::size_t count) {
  for (const PickField* field = fields; field != fields + count; ++field) {
    Json value;  // null: nothing to write
    switch (field->kind) {
      case Pick::Text:
      case Pick::TextOrEmpty:
        if (auto text = protocol::readString(from, field->key, field->max))
          value = std::move(*text);
        else if (field->kind == Pick::TextOrEmpty)
          value = std::string();
        break;
      case Pick::Int:
        if (auto number = protocol::readInt(from, field->key)) value = *number;
        break;
      case Pick::Count: {
        auto number = protocol::readInt(from, field->key);
        value = number && *number >= 0 ? *number : std::int64_t{0};
        break;
      }
      case Pick::Bool:
        value = protocol::readBool(from, field->key).value_or(false);
        break;
    }
    if (!value.is_null()) to[std::string(field->key)] = std::move(value);
  }
}

}  // namespace tccc::core
