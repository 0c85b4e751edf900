// SPDX-License-Identifier: Apache-2.0
#include "asr/OpusPacketQueue.hpp"

#include <algorithm>
#include <cstring>

namespace tccc::server::asr {

OpusPacketQueue::OpusPacketQueue(std::size_t maxPackets, std::size_t maxBytes)
    : mBytes(std::max(maxBytes, kMaxPacketBytes)), mRecords(std::max<std::size_t>(maxPackets, 1)) {}

void OpusPacketQueue::dropOldestLocked() {
  const Record& oldest = mRecords[mHead];
  mByteHead = (mByteHead + oldest.size) % mBytes.size();
  mBytesUsed -= oldest.size;
  mHead = (mHead + 1) % mRecords.size();
  --mCount;
  ++mDropped;
  // The gap is in front of whatever the consumer gets next.
  if (mCount > 0)
    mRecords[mHead].afterDrop = true;
  else
    mDropPending = true;
}

bool OpusPacketQueue::push(const std::uint8_t* data, std::size_t size, std::uint32_t rtpTimestamp) {
  if (size == 0 || size > kMaxPacketBytes) return false;
  std::lock_guard<std::mutex> lock(mMutex);
  while (mCount == mRecords.size() || mBytesUsed + size > mBytes.size()) dropOldestLocked();
  // Bytes are contiguous in ring order, possibly wrapping: copy in at most two pieces.
  const std::size_t offset = (mByteHead + mBytesUsed) % mBytes.size();
  const std::size_t first = std::min(size, mBytes.size() - offset);
  std::memcpy(mBytes.data() + offset, data, first);
  std::memcpy(mBytes.data(), data + first, size - first);
  mBytesUsed += size;
  mRecords[(mHead + mCount) % mRecords.size()] = Record{offset, size, rtpTimestamp, mDropPending};
  ++mCount;
  mDropPending = false;
  return true;
}

bool OpusPacketQueue::pop(Packet& out) {
  std::lock_guard<std::mutex> lock(mMutex);
  if (mCount == 0) return false;
  const Record& r = mRecords[mHead];
  out.rtpTimestamp = r.rtpTimestamp;
  out.afterDrop = r.afterDrop;
  out.bytes.resize(r.size);
  const std::size_t first = std::min(r.size, mBytes.size() - r.offset);
  std::memcpy(out.bytes.data(), mBytes.data() + r.offset, first);
  std::memcpy(out.bytes.data() + first, mBytes.data(), r.size - first);
  mByteHead = (r.offset + r.size) % mBytes.size();
  mBytesUsed -= r.size;
  mHead = (mHead + 1) % mRecords.size();
  --mCount;
  return true;
}

std::size_t OpusPacketQueue::size() const {
  std::lock_guard<std::mutex> lock(mMutex);
  return mCount;
}

std::uint64_t OpusPacketQueue::dropped() const {
  std::lock_guard<std::mutex> lock(mMutex);
  return mDropped;
}

void OpusPacketQueue::clear() {
  std::lock_guard<std::mutex> lock(mMutex);
  mHead = mCount = mByteHead = mBytesUsed = 0;
  mDropPending = false;
}

}  // namespace tccc::server::asr
