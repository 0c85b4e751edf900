// SPDX-License-Identifier: Apache-2.0
// The connections the server has open, in all and per remote address, against their caps: one
// address (a flood, a buggy client in a loop) cannot take every slot and lock the others out.
// A slot is a shared_ptr whose deleter gives it back; it may outlive the server (shutdown order),
// so the counts live in a shared object. Event-loop thread only.
#ifndef TCCC_SERVER_HTTP_CONNECTIONLEDGER_HPP
#define TCCC_SERVER_HTTP_CONNECTIONLEDGER_HPP

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

namespace tccc::server {

class ConnectionLedger {
 public:
  enum class Refusal { None, ServerFull, AddressFull };

  ConnectionLedger(std::size_t maxTotal, std::size_t maxPerAddress)
      : mCounts(std::make_shared<Counts>()), mMaxTotal(maxTotal), mMaxPerAddress(maxPerAddress) {}

  /// A slot for a connection from `address`, or null with the reason it was refused.
  std::shared_ptr<void> acquire(const std::string& address, Refusal& refusal) {
    refusal = Refusal::None;
    if (mCounts->total >= mMaxTotal) {
      refusal = Refusal::ServerFull;
      return nullptr;
    }
    std::size_t& fromAddress = mCounts->perAddress[address];
    if (fromAddress >= mMaxPerAddress) {
      refusal = Refusal::AddressFull;
      return nullptr;
    }
    ++fromAddress;
    ++mCounts->total;
    // Non-null (the counts themselves, which the deleter keeps alive and never frees) so that a
    // slot tests true.
    return std::shared_ptr<void>(mCounts.get(), [counts = mCounts, address](void*) {
      --counts->total;
      auto it = counts->perAddress.find(address);
      if (it != counts->perAddress.end() && --it->second == 0) counts->perAddress.erase(it);
    });
  }

  std::size_t total() const { return mCounts->total; }
  std::size_t fromAddress(const std::string& address) const {
    auto it = mCounts->perAddress.find(address);
    return it == mCounts->perAddress.end() ? 0 : it->second;
  }

 private:
  struct Counts {
    std::size_t total = 0;
    // An address with no connection left has no entry: a scan of many addresses cannot grow it.
    std::unordered_map<std::string, std::size_t> perAddress;
  };
  std::shared_ptr<Counts> mCounts;
  std::size_t mMaxTotal;
  std::size_t mMaxPerAddress;
};

}  // namespace tccc::server

#endif
