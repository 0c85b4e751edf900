// SPDX-License-Identifier: Apache-2.0
// The stereo mix of a call: the customer on the left, the agent on the right, lined up by their
// wall-clock starts, decoded with libopusfile.
#include "../StoreTestSupport.hpp"
#include "OpusTestSupport.hpp"
#include "recording/OggOpusRecorder.hpp"
#include "recording/StereoExport.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

using namespace tccc::server;
using tccc::server::test::Decoded;
using tccc::server::test::decodeFile;
using tccc::server::test::TempDir;
using tccc::server::test::ToneEncoder;

namespace {

constexpr std::int64_t kStart = 1700000000000;

/// A participant's file: `talk` 20 ms packets of a tone, then `quiet` packets' worth of nothing.
void record(const std::string& path, std::int64_t startMs, double hz, int talk, int quiet) {
  RecordingDiskWriter writer;
  ToneEncoder tone(hz);
  OggOpusRecorder recorder(writer, path, startMs, [startMs] { return startMs; });
  std::uint32_t rtp = 1000;
  for (int i = 0; i < talk; ++i, rtp += 960) {
    auto p = tone.next();
    recorder.writePacket(p.data(), p.size(), rtp);
  }
  rtp += static_cast<std::uint32_t>(960 * quiet);
  auto p = tone.next();  // one last packet places the end of the quiet stretch
  recorder.writePacket(p.data(), p.size(), rtp);
  std::promise<bool> done;
  recorder.finish([&](bool ok, const std::string&) { done.set_value(ok); });
  ASSERT_TRUE(done.get_future().get());
}

}  // namespace

TEST(StereoExportTest, CustomerLeftAgentRightAlignedByStartTime) {
  TempDir dir;
  // The customer talks for the first second, then listens; the agent joins 0.5 s later and talks on.
  record(dir.file("customer.ogg"), kStart, 440, 50, 50);
  record(dir.file("agent.ogg"), kStart + 500, 660, 75, 0);
  StereoExportJob job{
      {{dir.file("customer.ogg"), kStart}}, {{dir.file("agent.ogg"), kStart + 500}}, dir.file("mix.ogg")};

  std::promise<StereoExportResult> done;
  {
    StereoExporter exporter;
    exporter.submit(job, [&](const StereoExportResult& r) { done.set_value(r); });
  }
  StereoExportResult r = done.get_future().get();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.startMs, kStart);
  EXPECT_NEAR(r.durationMs, 2020, 20);
  EXPECT_FALSE(std::filesystem::exists(dir.file("mix.ogg.part")));

  Decoded d = decodeFile(dir.file("mix.ogg"));
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.channels, 2);
  EXPECT_NEAR(d.seconds(), 2.02, 0.03);
  EXPECT_NE(d.tags.find("TCCC_START_MS=1700000000000"), std::string::npos);
  const double loud = 0.1, quiet = 0.02;
  // Left: the customer only.
  EXPECT_GT(d.rms(0.05, 0.95, 0), loud);
  EXPECT_LT(d.rms(1.05, 1.95, 0), quiet);
  // Right: nothing before the agent joined, then the agent.
  EXPECT_LT(d.rms(0.0, 0.45, 1), quiet);
  EXPECT_GT(d.rms(0.55, 1.95, 1), loud);
}

TEST(StereoExportTest, SeveralAgentsShareTheRightChannel) {
  TempDir dir;
  record(dir.file("customer.ogg"), kStart, 440, 100, 0);
  record(dir.file("agent1.ogg"), kStart, 660, 25, 0);         // 0–0.5 s, then transferred
  record(dir.file("agent2.ogg"), kStart + 1000, 880, 50, 0);  // 1.0–2.0 s
  StereoExportJob job{{{dir.file("customer.ogg"), kStart}},
                      {{dir.file("agent1.ogg"), kStart}, {dir.file("agent2.ogg"), kStart + 1000}},
                      dir.file("mix.ogg")};
  StereoExportResult r = StereoExport::run(job);
  ASSERT_TRUE(r.ok) << r.error;
  Decoded d = decodeFile(dir.file("mix.ogg"));
  ASSERT_TRUE(d.ok);
  EXPECT_GT(d.rms(0.05, 0.45, 1), 0.1);
  EXPECT_LT(d.rms(0.6, 0.95, 1), 0.02);
  EXPECT_GT(d.rms(1.05, 1.95, 1), 0.1);
}

TEST(StereoExportTest, MissingOrBrokenInputFailsWithTheReason) {
  TempDir dir;
  { std::ofstream(dir.file("junk.ogg")) << "not an ogg file"; }
  struct Case {
    const char* name;
    StereoExportJob job;
    const char* expect;
  };
  const Case cases[] = {
      {"nothing", {{}, {}, dir.file("mix.ogg")}, "nothing to mix"},
      {"missing file", {{{dir.file("none.ogg"), kStart}}, {}, dir.file("mix.ogg")}, "cannot decode"},
      {"junk file", {{{dir.file("junk.ogg"), kStart}}, {}, dir.file("mix.ogg")}, "cannot decode"},
  };
  for (const auto& c : cases) {
    StereoExportResult r = StereoExport::run(c.job);
    EXPECT_FALSE(r.ok) << c.name;
    EXPECT_NE(r.error.find(c.expect), std::string::npos) << c.name << ": " << r.error;
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("mix.ogg")));
}
