// SPDX-License-Identifier: Apache-2.0
#include "store/StorageBreaker.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <exception>

namespace tccc::server {

StorageBreaker::StorageBreaker(boost::asio::io_context& io, Probe probe, std::function<std::int64_t()> clockMs,
                               std::chrono::milliseconds probeEvery)
    : mIo(io), mProbe(std::move(probe)), mClockMs(std::move(clockMs)), mProbeEvery(probeEvery), mTimer(io) {}

StorageBreaker::~StorageBreaker() {
  *mAlive = false;
  mProbeThread.join();
}

void StorageBreaker::trip(std::string_view source, std::string_view error) {
  const std::int64_t now = mClockMs();
  bool opened = false;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    ++mStatus.trips;
    mStatus.source = std::string(source);
    mStatus.lastError = std::string(error);
    mStatus.lastErrorAtMs = now;
    if (!mStatus.open) {
      mStatus.open = opened = true;
      mStatus.openSinceMs = now;
      mOpen.store(true, std::memory_order_release);
    }
  }
  if (!opened) return;
  spdlog::error(
      "storage failing ({}: {}): chat messages are refused and CDRs kept in memory until the disk takes writes "
      "again (probed every {} ms)",
      source, error, mProbeEvery.count());
  boost::asio::post(mIo, [this, alive = std::weak_ptr<bool>(mAlive)] {
    if (!alive.expired()) scheduleProbe();
  });
}

StorageBreaker::Status StorageBreaker::status() const {
  std::lock_guard<std::mutex> lock(mMutex);
  return mStatus;
}

void StorageBreaker::scheduleProbe() {
  if (mProbing) return;
  mProbing = true;
  mTimer.expires_after(mProbeEvery);
  mTimer.async_wait([this, alive = std::weak_ptr<bool>(mAlive)](boost::system::error_code ec) {
    if (ec || alive.expired()) return;
    const std::uint64_t trips = status().trips;
    boost::asio::post(mProbeThread, [this, trips, alive] {
      bool ok = false;
      std::string error;
      try {
        mProbe(mClockMs());
        ok = true;
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (alive.expired()) return;
      boost::asio::post(mIo, [this, trips, ok, error = std::move(error), alive] {
        if (!alive.expired()) onProbed(trips, ok, error);
      });
    });
  });
}

void StorageBreaker::onProbed(std::uint64_t tripsWhenStarted, bool ok, const std::string& error) {
  mProbing = false;
  std::int64_t openForMs = 0;
  {
    std::lock_guard<std::mutex> lock(mMutex);
    // A failure reported while the probe ran may be newer than what the probe proved: probe again.
    if (ok && mStatus.trips == tripsWhenStarted) {
      mStatus.open = false;
      mStatus.lastRecoveredAtMs = mClockMs();
      openForMs = mStatus.lastRecoveredAtMs - mStatus.openSinceMs;
      mOpen.store(false, std::memory_order_release);
    } else if (!ok) {
      ++mStatus.probesFailed;
      mStatus.lastError = error;
      mStatus.source = "probe";
    }
  }
  if (!isOpen()) {
    spdlog::warn("storage recovered after {} ms: the disk takes writes again", openForMs);
    return;
  }
  scheduleProbe();
}

}  // namespace tccc::server
