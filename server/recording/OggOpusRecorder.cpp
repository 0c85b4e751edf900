// SPDX-License-Identifier: Apache-2.0
#include "recording/OggOpusRecorder.hpp"

#include "random/SecureRandom.hpp"
#include "recording/OpusSilence.hpp"

#include <ogg/ogg.h>
#include <opus/opus.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace tccc::server {

namespace {

constexpr std::size_t kMaxPacketBytes = 1275 * 3 + 7;  // RFC 6716 §3.2.1: the largest Opus packet
constexpr int kMaxPacketSamples = 5760;                // 120 ms

void putLe16(std::vector<std::uint8_t>& out, unsigned v) {
  out.push_back(static_cast<std::uint8_t>(v & 0xff));
  out.push_back(static_cast<std::uint8_t>((v >> 8) & 0xff));
}

void putLe32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>((v >> (8 * i)) & 0xff));
}

void putText(std::vector<std::uint8_t>& out, const std::string& s) {
  putLe32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

}  // namespace

struct OggOpusRecorder::OggState {
  ogg_stream_state stream{};
  OggState() { ogg_stream_init(&stream, static_cast<int>(SecureRandom::between(1, 0x7fffffff))); }
  ~OggState() { ogg_stream_clear(&stream); }
};

OggOpusRecorder::OggOpusRecorder(RecordingDiskWriter& writer, std::string path, std::int64_t startWallMs,
                                 WallClock clock)
    : mWriter(writer),
      mFile(writer.open(std::move(path))),
      mStartWallMs(startWallMs),
      mClock(std::move(clock)),
      mOgg(std::make_unique<OggState>()) {
  writeHeaders();
  // The pre-roll that the header's pre-skip removes again (see the header comment).
  for (int done = 0; done < kPreSkip; done += 960) append({OpusSilence::packet(960), 960});
}

OggOpusRecorder::~OggOpusRecorder() = default;

std::int64_t OggOpusRecorder::nowMs() const {
  if (mClock) return mClock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t OggOpusRecorder::positionSamples() const { return mGranule + (mHeld ? mHeld->samples : 0) - kPreSkip; }

std::int64_t OggOpusRecorder::durationMs() const {
  return std::max<std::int64_t>(0, positionSamples()) * 1000 / kSampleRate;
}

void OggOpusRecorder::writeHeaders() {
  // RFC 7845 §5.1: identification header, on a page of its own.
  std::vector<std::uint8_t> head{'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1};
  putLe16(head, kPreSkip);
  putLe32(head, kSampleRate);  // the original input rate: the sender's, as far as we know
  putLe16(head, 0);            // output gain
  head.push_back(0);           // channel mapping family 0: mono or stereo, no table
  ogg_packet packet{};
  packet.packet = head.data();
  packet.bytes = static_cast<long>(head.size());
  packet.b_o_s = 1;
  packet.granulepos = 0;
  packet.packetno = mPacketNo++;
  ogg_stream_packetin(&mOgg->stream, &packet);
  drainPages(true);

  // §5.2: comment header. The wall-clock start travels with the file, for tools that align it
  // with the other participants' files without the catalogue.
  std::vector<std::uint8_t> tags{'O', 'p', 'u', 's', 'T', 'a', 'g', 's'};
  putText(tags, "tccc-server");
  putLe32(tags, 1);
  putText(tags, "TCCC_START_MS=" + std::to_string(mStartWallMs));
  packet = ogg_packet{};
  packet.packet = tags.data();
  packet.bytes = static_cast<long>(tags.size());
  packet.granulepos = 0;
  packet.packetno = mPacketNo++;
  ogg_stream_packetin(&mOgg->stream, &packet);
  drainPages(true);
}

void OggOpusRecorder::writePacket(const std::uint8_t* opus, std::size_t n, std::uint32_t rtpTimestamp48k) {
  if (mFinished || failed()) return;
  if (!opus || n == 0 || n > kMaxPacketBytes) {
    ++mStats.invalid;
    return;
  }
  const int samples = opus_packet_get_nb_samples(opus, static_cast<opus_int32>(n), kSampleRate);
  if (samples <= 0 || samples > kMaxPacketSamples) {
    ++mStats.invalid;
    return;
  }
  if (paused()) return;  // the gap is filled with silence when packets come back
  if (!mStarted) {
    mStarted = true;
    mNextRtpTimestamp = rtpTimestamp48k;
    // The first packet arrives some time after offset 0: silence until then.
    const std::int64_t lead = (nowMs() - mStartWallMs) * (kSampleRate / 1000);
    if (lead > 0) fillSilence(std::min(lead, kMaxGapSamples));
  }
  // Wrapping 32-bit arithmetic: the sign says ahead or behind.
  std::int64_t gap = static_cast<std::int32_t>(rtpTimestamp48k - mNextRtpTimestamp);
  if (gap < 0 && gap > -kMaxGapSamples) {
    ++mStats.lateOrDuplicate;  // its place in the file is taken already
    return;
  }
  if (gap < 0 || gap > kMaxGapSamples) gap = 0;  // a new timeline: continue from here
  if (gap > 0) fillSilence(gap);
  append({std::vector<std::uint8_t>(opus, opus + n), samples});
  ++mStats.packets;
  mNextRtpTimestamp = rtpTimestamp48k + static_cast<std::uint32_t>(samples);
}

void OggOpusRecorder::fillSilence(std::int64_t samples) {
  mStats.silenceSamples += static_cast<std::uint64_t>(samples);
  // The largest frames first; what is under 2.5 ms (the smallest Opus frame) is left out.
  for (int size : {960, 480, 240, 120}) {
    while (samples >= size) {
      append({OpusSilence::packet(size), size});
      samples -= size;
      if (failed()) return;
    }
  }
}

void OggOpusRecorder::append(Packet packet) {
  if (mHeld) commit(*mHeld, false);
  mHeld = std::move(packet);
}

void OggOpusRecorder::commit(const Packet& p, bool endOfStream) {
  mGranule += p.samples;
  ogg_packet packet{};
  packet.packet = const_cast<unsigned char*>(p.bytes.data());  // libogg copies it; the API is not const
  packet.bytes = static_cast<long>(p.bytes.size());
  packet.e_o_s = endOfStream ? 1 : 0;
  packet.granulepos = mGranule;
  packet.packetno = mPacketNo++;
  ogg_stream_packetin(&mOgg->stream, &packet);
  drainPages(endOfStream || mGranule - mLastPageGranule >= kSampleRate);
}

void OggOpusRecorder::drainPages(bool force) {
  ogg_page page;
  while (force ? ogg_stream_flush(&mOgg->stream, &page) : ogg_stream_pageout(&mOgg->stream, &page)) {
    std::vector<std::uint8_t> bytes;
    bytes.reserve(static_cast<std::size_t>(page.header_len + page.body_len));
    bytes.insert(bytes.end(), page.header, page.header + page.header_len);
    bytes.insert(bytes.end(), page.body, page.body + page.body_len);
    if (ogg_page_granulepos(&page) >= 0) mLastPageGranule = ogg_page_granulepos(&page);
    // A refused write has marked the file failed; the stream goes on in memory only, unused.
    mWriter.write(mFile, std::move(bytes));
  }
}

void OggOpusRecorder::pause() {
  if (mFinished || paused()) return;
  mPausedAtWallMs = nowMs();
  mPausedAtPositionMs = durationMs();
}

void OggOpusRecorder::resume() {
  if (mFinished || !paused()) return;
  const std::int64_t length = std::max<std::int64_t>(0, nowMs() - *mPausedAtWallMs);
  mPausedSpans.push_back({mPausedAtPositionMs, mPausedAtPositionMs + length});
  mPausedAtWallMs.reset();
}

void OggOpusRecorder::finish(RecordingDiskWriter::Finished done) {
  if (mFinished) return;
  if (paused()) resume();
  mFinished = true;
  // A stream with no audio at all still gets one frame: some players refuse an empty one.
  if (positionSamples() <= 0) append({OpusSilence::packet(960), 960});
  if (mHeld) commit(*mHeld, true);
  mHeld.reset();
  mWriter.finish(mFile, std::move(done));
}

}  // namespace tccc::server
