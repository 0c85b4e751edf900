// SPDX-License-Identifier: Apache-2.0
// A fixed-size ring of 16-bit samples between exactly one writer thread and one reader thread,
// without locks: PortAudio's callback must never wait for the SDK's thread (nor the reverse), so
// the two sides only publish their positions with atomics. Full: the writer drops what does not
// fit (late audio is worth nothing, and the ring never grows). Empty: the reader gets less.
#ifndef TCCC_NATIVE_MEDIA_SAMPLERING_HPP
#define TCCC_NATIVE_MEDIA_SAMPLERING_HPP

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tccc::native {

class SampleRing {
 public:
  explicit SampleRing(std::size_t capacity) : mBuffer(capacity + 1) {}

  /// Writes up to `count` samples; returns how many fit (the rest is dropped by the caller).
  std::size_t write(const std::int16_t* samples, std::size_t count) {
    const std::size_t head = mHead.load(std::memory_order_relaxed);
    const std::size_t tail = mTail.load(std::memory_order_acquire);
    const std::size_t n = std::min(count, free(head, tail));
    for (std::size_t i = 0; i < n; ++i) mBuffer[(head + i) % mBuffer.size()] = samples[i];
    mHead.store((head + n) % mBuffer.size(), std::memory_order_release);
    return n;
  }

  /// Reads up to `count` samples; returns how many there were.
  std::size_t read(std::int16_t* out, std::size_t count) {
    const std::size_t tail = mTail.load(std::memory_order_relaxed);
    const std::size_t head = mHead.load(std::memory_order_acquire);
    const std::size_t n = std::min(count, used(head, tail));
    for (std::size_t i = 0; i < n; ++i) out[i] = mBuffer[(tail + i) % mBuffer.size()];
    mTail.store((tail + n) % mBuffer.size(), std::memory_order_release);
    return n;
  }

  /// Samples waiting (exact for the reader; a lower bound for the writer).
  std::size_t available() const {
    return used(mHead.load(std::memory_order_acquire), mTail.load(std::memory_order_acquire));
  }

 private:
  std::size_t used(std::size_t head, std::size_t tail) const { return (head + mBuffer.size() - tail) % mBuffer.size(); }
  std::size_t free(std::size_t head, std::size_t tail) const { return mBuffer.size() - 1 - used(head, tail); }

  std::vector<std::int16_t> mBuffer;  // one slot stays empty to tell full from empty
  std::atomic<std::size_t> mHead{0};  // written by the writer only
  std::atomic<std::size_t> mTail{0};  // written by the reader only
};

}  // namespace tccc::native

#endif
