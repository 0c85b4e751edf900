// SPDX-License-Identifier: Apache-2.0
// The per-participant Ogg Opus recorder: real libopus packets in, files decoded with libopusfile
// out. Durations, where the tone and the silence are (gaps, pauses, a late first packet), what a
// killed writer leaves behind, and write failures that must stop the recording, not the caller.
#include "../StoreTestSupport.hpp"
#include "OpusTestSupport.hpp"
#include "recording/OggOpusRecorder.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

using namespace tccc::server;
using tccc::server::test::Decoded;
using tccc::server::test::decodeFile;
using tccc::server::test::TempDir;
using tccc::server::test::ToneEncoder;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kStart = 1700000000000;
constexpr double kLoud = 0.1;    // the tone's RMS is ~0.21
constexpr double kQuiet = 0.01;  // silence decodes to (nearly) zero

/// Drives one recorder like a media thread: 20 ms packets with RTP timestamps and a wall clock.
struct Rig {
  explicit Rig(const std::string& path, RecordingDiskWriter::Options options = {})
      : writer(options), recorder(writer, path, kStart, [this] { return now; }) {}

  /// `count` packets of the tone, one every 20 ms of wall time; `send` false drops them (lost).
  void tone(int count, bool send = true) {
    for (int i = 0; i < count; ++i) {
      auto packet = encoder.next();
      if (send) recorder.writePacket(packet.data(), packet.size(), rtp);
      rtp += 960;
      now += 20;
    }
  }
  /// Finishes the file and waits for the writer; returns (ok, error).
  std::pair<bool, std::string> finish() {
    std::promise<std::pair<bool, std::string>> done;
    recorder.finish([&](bool ok, const std::string& error) { done.set_value({ok, error}); });
    return done.get_future().get();
  }
  void waitForDisk() {
    for (int i = 0; i < 500 && writer.stats().queuedBytes > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }

  std::int64_t now = kStart;
  std::uint32_t rtp = 123456789;
  ToneEncoder encoder{440};
  RecordingDiskWriter writer;
  OggOpusRecorder recorder;
};

}  // namespace

TEST(OggOpusRecorderTest, ToneDecodesToItsDurationWithHeadersAndTags) {
  TempDir dir;
  const std::string path = dir.file("a/b/rec.ogg");  // directories are created
  Rig rig(path);
  rig.tone(100);
  EXPECT_EQ(rig.recorder.durationMs(), 2000);
  auto [ok, error] = rig.finish();
  ASSERT_TRUE(ok) << error;
  EXPECT_FALSE(fs::exists(path + ".part"));
  Decoded d = decodeFile(path);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.channels, 1);
  EXPECT_EQ(d.pcmTotal, 96000);  // 100 × 960: the pre-roll is skipped exactly
  EXPECT_EQ(d.frames(), 96000);
  EXPECT_NE(d.tags.find("TCCC_START_MS=1700000000000"), std::string::npos);
  EXPECT_GT(d.rms(0.1, 1.9), kLoud);
  EXPECT_EQ(rig.recorder.stats().packets, 100u);
}

TEST(OggOpusRecorderTest, SilenceWhereTheTimelineHasNoPackets) {
  struct Case {
    const char* name;
    int leadMs;  // the first packet arrives this long after the start
    int before, lost, after;
  };
  const Case cases[] = {
      {"gap of 25 packets", 0, 50, 25, 50},
      {"late first packet", 300, 50, 0, 0},
      {"lead-in and a gap", 100, 25, 10, 25},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    Rig rig(dir.file("rec.ogg"));
    rig.now += c.leadMs;
    rig.tone(c.before);
    rig.tone(c.lost, false);
    rig.tone(c.after);
    ASSERT_TRUE(rig.finish().first);
    Decoded d = decodeFile(dir.file("rec.ogg"));
    ASSERT_TRUE(d.ok);
    const double lead = c.leadMs / 1000.0, gapStart = lead + c.before * 0.02, gapEnd = gapStart + c.lost * 0.02;
    EXPECT_NEAR(d.seconds(), gapEnd + c.after * 0.02, 0.001);
    if (c.leadMs > 0) {
      EXPECT_LT(d.rms(0, lead - 0.02), kQuiet);
    }
    EXPECT_GT(d.rms(lead + 0.05, gapStart - 0.05), kLoud);
    if (c.lost > 0) {
      EXPECT_LT(d.rms(gapStart + 0.03, gapEnd - 0.03), kQuiet);
      EXPECT_GT(d.rms(gapEnd + 0.05, gapEnd + c.after * 0.02 - 0.05), kLoud);
    }
  }
}

TEST(OggOpusRecorderTest, LateDuplicateAndInvalidPacketsAreDropped) {
  TempDir dir;
  Rig rig(dir.file("rec.ogg"));
  rig.tone(10);
  auto packet = rig.encoder.next();
  rig.recorder.writePacket(packet.data(), packet.size(), rig.rtp - 960);   // a duplicate of the last one
  rig.recorder.writePacket(packet.data(), packet.size(), rig.rtp - 9600);  // very late
  const std::uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff};                 // code 3 with a bad frame count
  rig.recorder.writePacket(garbage, sizeof garbage, rig.rtp);
  rig.recorder.writePacket(nullptr, 0, rig.rtp);
  rig.tone(10);
  EXPECT_EQ(rig.recorder.stats().lateOrDuplicate, 2u);
  EXPECT_EQ(rig.recorder.stats().invalid, 2u);
  ASSERT_TRUE(rig.finish().first);
  EXPECT_NEAR(decodeFile(dir.file("rec.ogg")).seconds(), 0.4, 0.001);
}

TEST(OggOpusRecorderTest, PauseIsSilentAndRemembered) {
  TempDir dir;
  Rig rig(dir.file("rec.ogg"));
  rig.tone(50);
  rig.recorder.pause();
  EXPECT_TRUE(rig.recorder.paused());
  rig.tone(25);  // the sender goes on talking: not recorded
  rig.recorder.resume();
  rig.tone(50);
  rig.recorder.pause();  // still paused at the end: the span closes at finish
  rig.now += 200;
  ASSERT_TRUE(rig.finish().first);
  ASSERT_EQ(rig.recorder.pausedSpans().size(), 2u);
  EXPECT_EQ(rig.recorder.pausedSpans()[0].startMs, 1000);
  EXPECT_EQ(rig.recorder.pausedSpans()[0].endMs, 1500);
  EXPECT_EQ(rig.recorder.pausedSpans()[1].startMs, 2500);
  EXPECT_EQ(rig.recorder.pausedSpans()[1].endMs, 2700);
  Decoded d = decodeFile(dir.file("rec.ogg"));
  ASSERT_TRUE(d.ok);
  EXPECT_NEAR(d.seconds(), 2.5, 0.001);
  EXPECT_GT(d.rms(0.05, 0.95), kLoud);
  EXPECT_LT(d.rms(1.03, 1.47), kQuiet);
  EXPECT_GT(d.rms(1.55, 2.45), kLoud);
}

TEST(OggOpusRecorderTest, NoPacketsStillMakesAPlayableFile) {
  TempDir dir;
  Rig rig(dir.file("rec.ogg"));
  ASSERT_TRUE(rig.finish().first);
  Decoded d = decodeFile(dir.file("rec.ogg"));
  ASSERT_TRUE(d.ok);
  EXPECT_NEAR(d.seconds(), 0.02, 0.001);
}

TEST(OggOpusRecorderTest, PartFileMidCallDecodesUpToAboutNow) {
  TempDir dir;
  Rig rig(dir.file("rec.ogg"));
  rig.tone(150);  // 3 s
  rig.waitForDisk();
  // What a crash right now would leave: the .part file as it is, without end-of-stream.
  fs::copy_file(dir.file("rec.ogg.part"), dir.file("copy.ogg"));
  Decoded d = decodeFile(dir.file("copy.ogg"));
  ASSERT_TRUE(d.ok);
  EXPECT_GE(d.seconds(), 1.9);  // pages reach the writer at least once per second of audio
  EXPECT_LE(d.seconds(), 3.0);
  EXPECT_GT(d.rms(0.1, 1.8), kLoud);
  EXPECT_FALSE(fs::exists(dir.file("rec.ogg")));  // not announced before it is complete
}

TEST(OggOpusRecorderTest, SigkilledWriterLeavesAPlayablePartFile) {
  TempDir dir;
  const std::string path = dir.file("killed.ogg");
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child records 3 s of audio and then hangs mid-call until it is killed.
    {
      RecordingDiskWriter writer;
      ToneEncoder encoder(440);
      OggOpusRecorder recorder(writer, path, kStart, [] { return kStart; });
      std::uint32_t rtp = 0;
      for (int i = 0; i < 150; ++i, rtp += 960) {
        auto p = encoder.next();
        recorder.writePacket(p.data(), p.size(), rtp);
      }
      for (;;) ::pause();
    }
  }
  // Wait until the file stops growing, then kill -9.
  std::uintmax_t last = 0;
  for (int stable = 0, i = 0; stable < 10 && i < 500; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::error_code ec;
    auto size = fs::file_size(path + ".part", ec);
    stable = (!ec && size > 0 && size == last) ? stable + 1 : 0;
    last = ec ? 0 : size;
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  Decoded d = decodeFile(path + ".part");
  ASSERT_TRUE(d.ok);
  EXPECT_GE(d.seconds(), 1.9);
  EXPECT_GT(d.rms(0.1, 1.8), kLoud);
}

TEST(OggOpusRecorderTest, FailingDiskStopsTheRecordingWithAClearError) {
  TempDir dir;
  // A file-size limit makes write(2) fail with EFBIG, a real I/O failure, even for root (for
  // whom a read-only directory changes nothing). SIGXFSZ would kill the process: ignore it.
  struct rlimit before {};
  ::getrlimit(RLIMIT_FSIZE, &before);
  auto oldHandler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit tight = before;
  tight.rlim_cur = 2000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tight), 0);
  std::pair<bool, std::string> result;
  {
    Rig rig(dir.file("rec.ogg"));
    rig.tone(300);  // ~6 s: well over 2000 bytes
    result = rig.finish();
    rig.tone(10);  // and the caller just goes on
    EXPECT_TRUE(rig.recorder.failed());
    EXPECT_NE(rig.recorder.error().find("cannot write"), std::string::npos) << rig.recorder.error();
  }
  ::setrlimit(RLIMIT_FSIZE, &before);
  ::signal(SIGXFSZ, oldHandler);
  EXPECT_FALSE(result.first);
  EXPECT_NE(result.second.find("rec.ogg.part"), std::string::npos) << result.second;
  EXPECT_NE(result.second.find("too large"), std::string::npos) << result.second;  // strerror(EFBIG)
  EXPECT_FALSE(fs::exists(dir.file("rec.ogg")));
}

TEST(OggOpusRecorderTest, FullWriterQueueFailsTheRecordingInsteadOfBlocking) {
  TempDir dir;
  RecordingDiskWriter::Options tiny;
  tiny.maxQueuedBytes = 10;  // smaller than the first header page
  Rig rig(dir.file("rec.ogg"), tiny);
  rig.tone(10);
  EXPECT_TRUE(rig.recorder.failed());
  EXPECT_NE(rig.recorder.error().find("cannot keep up"), std::string::npos) << rig.recorder.error();
  EXPECT_FALSE(rig.finish().first);
  EXPECT_EQ(rig.writer.stats().filesFailed, 1u);
}

TEST(OggOpusRecorderTest, UncreatableFileFails) {
  TempDir dir;
  { std::ofstream(dir.file("taken")) << "x"; }
  Rig rig(dir.file("taken/rec.ogg"));  // its directory is a file
  rig.tone(5);
  auto [ok, error] = rig.finish();
  EXPECT_FALSE(ok);
  EXPECT_NE(error.find("cannot create"), std::string::npos) << error;
}
