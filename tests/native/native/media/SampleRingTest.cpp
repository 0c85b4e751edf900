// SPDX-License-Identifier: Apache-2.0
// The bridge between PortAudio's thread and the SDK's: a full ring drops what does not fit (it
// never grows), an empty one gives less, and samples pass in order between two threads.
#include "media/SampleRing.hpp"

#ifdef TCCC_HAVE_PORTAUDIO
#include "media/PortAudioDevice.hpp"
#endif

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tccc::native {
namespace {

TEST(SampleRing, DropsWhenFullAndGivesLessWhenEmpty) {
  SampleRing ring(4);
  const std::int16_t in[6] = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(ring.write(in, 6), 4u);  // 5 and 6 dropped
  EXPECT_EQ(ring.write(in, 1), 0u);
  std::int16_t out[6] = {};
  EXPECT_EQ(ring.read(out, 6), 4u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[3], 4);
  EXPECT_EQ(ring.read(out, 6), 0u);
  EXPECT_EQ(ring.write(in + 4, 2), 2u);  // wraps around the end of the storage
  EXPECT_EQ(ring.read(out, 2), 2u);
  EXPECT_EQ(out[0], 5);
  EXPECT_EQ(out[1], 6);
}

TEST(SampleRing, PassesSamplesInOrderBetweenTwoThreads) {
  SampleRing ring(960);
  constexpr int kTotal = 200000;
  std::thread writer([&ring] {
    std::int16_t next = 0;
    for (int sent = 0; sent < kTotal;) {
      std::int16_t block[100];
      for (auto& s : block) s = next++;
      std::size_t done = 0;
      while (done < 100) done += ring.write(block + done, 100 - done);  // retry instead of dropping here
      sent += 100;
    }
  });
  std::int16_t expected = 0;
  int received = 0;
  bool inOrder = true;
  while (received < kTotal) {
    std::int16_t block[64];
    const std::size_t n = ring.read(block, 64);
    for (std::size_t i = 0; i < n; ++i) inOrder = inOrder && block[i] == expected++;
    received += static_cast<int>(n);
  }
  writer.join();
  EXPECT_TRUE(inOrder);
}

#ifdef TCCC_HAVE_PORTAUDIO
TEST(PortAudioDevice, OpensTheDefaultDevicesOrSaysWhyNot) {
  std::string error;
  auto device = PortAudioDevice::open(&error);
  if (device) {
    std::int16_t frame[kAudioFrameSamples] = {};
    device->playout(frame);  // a machine with a sound card: it runs
    SUCCEED();
  } else {
    EXPECT_NE(error.find("PortAudio"), std::string::npos) << error;  // CI: no sound card, a clear reason
  }
}
#endif

}  // namespace
}  // namespace tccc::native
