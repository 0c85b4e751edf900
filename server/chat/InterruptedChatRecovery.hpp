// SPDX-License-Identifier: Apache-2.0
// At start-up, before any chat is taken: every chat the live-chat journal still holds was live when
// the server last stopped without ending it (SIGKILL, crash, power cut). Each becomes its IM CDR,
// ended when the chat or the server was last known alive, with EndStatus 0 (TCCC's "error"), and
// its journal entry is deleted in the same transaction (docs/reliability.md, "Server crash: live
// chats").
#ifndef TCCC_SERVER_CHAT_INTERRUPTEDCHATRECOVERY_HPP
#define TCCC_SERVER_CHAT_INTERRUPTEDCHATRECOVERY_HPP

#include "chat/ChatRepository.hpp"

#include <cstdint>
#include <vector>

namespace tccc::server {

class InterruptedChatRecovery {
 public:
  /// IMCdrInfo.EndStatus for an end caused by the platform rather than by either party.
  static constexpr int kEndStatus = 0;

  explicit InterruptedChatRecovery(LiveChatJournal& journal) : mJournal(journal) {}

  /// Recovers every entry, every tenant's, in one transaction. `aliveAtMs`: the server's last
  /// liveness mark (0: none). Returns how many IM CDRs it made.
  std::int64_t run(std::int64_t aliveAtMs);
  /// The same for `entries` only: those the contact center could not resume.
  std::int64_t run(const std::vector<LiveChatRecord>& entries, std::int64_t aliveAtMs);

  /// The IM CDR of a chat that was live when the server was last known alive at `aliveAtMs`.
  static ImCdrRecord close(const LiveChatRecord& entry, std::int64_t aliveAtMs);

 private:
  LiveChatJournal& mJournal;
};

}  // namespace tccc::server

#endif
