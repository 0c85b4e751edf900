// SPDX-License-Identifier: Apache-2.0
#include "media/WavWriter.hpp"

namespace tccc::media {

namespace {
void put16(std::ofstream& o, std::uint16_t v) {
  char b[2] = {static_cast<char>(v & 0xFF), static_cast<char>(v >> 8)};
  o.write(b, 2);
}
void put32(std::ofstream& o, std::uint32_t v) {
  char b[4] = {static_cast<char>(v & 0xFF), static_cast<char>((v >> 8) & 0xFF), static_cast<char>((v >> 16) & 0xFF),
               static_cast<char>(v >> 24)};
  o.write(b, 4);
}
}  // namespace

WavWriter::WavWriter(const std::string& path, int channels, int sampleRate)
    : mOut(path, std::ios::binary | std::ios::trunc), mChannels(channels), mRate(sampleRate) {
  if (!mOut) return;
  writeHeader(0);
  mOk = static_cast<bool>(mOut);
}

WavWriter::~WavWriter() { close(); }

void WavWriter::writeHeader(std::uint32_t dataBytes) {
  mOut.write("RIFF", 4);
  put32(mOut, 36 + dataBytes);
  mOut.write("WAVEfmt ", 8);
  put32(mOut, 16);
  put16(mOut, 1);  // PCM
  put16(mOut, static_cast<std::uint16_t>(mChannels));
  put32(mOut, static_cast<std::uint32_t>(mRate));
  put32(mOut, static_cast<std::uint32_t>(mRate * mChannels * 2));
  put16(mOut, static_cast<std::uint16_t>(mChannels * 2));
  put16(mOut, 16);
  mOut.write("data", 4);
  put32(mOut, dataBytes);
}

bool WavWriter::write(const std::int16_t* interleaved, std::size_t frames) {
  if (!mOk || mClosed) return false;
  std::uint64_t bytes = static_cast<std::uint64_t>(frames) * mChannels * 2;
  if (mDataBytes + bytes > kMaxDataBytes) return false;
  // WAV is little-endian, as is every machine this server is built for (x86-64, arm64).
  mOut.write(reinterpret_cast<const char*>(interleaved), static_cast<std::streamsize>(bytes));
  if (!mOut) {
    mOk = false;
    return false;
  }
  mDataBytes += bytes;
  return true;
}

void WavWriter::close() {
  if (mClosed) return;
  mClosed = true;
  if (!mOut.is_open()) return;
  if (mOk) {
    mOut.seekp(0);
    writeHeader(static_cast<std::uint32_t>(mDataBytes));
  }
  mOut.close();
}

}  // namespace tccc::media
