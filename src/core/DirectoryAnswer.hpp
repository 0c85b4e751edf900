// SPDX-License-Identifier: Apache-2.0
// The answer of `directory.list` (Agent.getDirectory) as the integrator gets it: rebuilt field by
// field from the server's, never passed through, so a page only ever sees the documented shape
// with bounded strings, whatever a server sends.
#ifndef TCCC_CORE_DIRECTORY_ANSWER_HPP
#define TCCC_CORE_DIRECTORY_ANSWER_HPP

#include "protocol/Protocol.hpp"

#include <optional>

namespace tccc::core {

using protocol::Json;

/// `{skillGroups: [...], agents: [...], truncated}` from the server's answer; nullopt when the answer
/// has no `skillGroups` and `agents` arrays. Malformed entries are dropped, each list is cut at 100.
std::optional<Json> normaliseDirectory(const Json& answer);

}  // namespace tccc::core

#endif
