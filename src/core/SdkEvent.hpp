// SPDX-License-Identifier: Apache-2.0
// An SDK event as the integrator sees it (`tccc.on(name, cb)` receives `data`). The state machines
// produce these; Core turns them into Emit commands.
#ifndef TCCC_CORE_SDK_EVENT_HPP
#define TCCC_CORE_SDK_EVENT_HPP

#include "protocol/Protocol.hpp"

#include <string>
#include <vector>

namespace tccc::core {

struct SdkEvent {
  std::string name;
  protocol::Json data;
};

using SdkEvents = std::vector<SdkEvent>;

}  // namespace tccc::core

#endif
