// SPDX-License-Identifier: Apache-2.0
#include "media/WavFile.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

namespace tccc::media {

namespace {

constexpr std::uint32_t kOutputRate = WavFile::kSampleRate;

std::uint32_t le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at])) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 3])) << 24;
}
std::uint16_t le16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<std::uint8_t>(b[at]) | static_cast<std::uint8_t>(b[at + 1]) << 8);
}

std::int16_t clip(double v) { return static_cast<std::int16_t>(std::lround(std::clamp(v, -1.0, 1.0) * 32767.0)); }

}  // namespace

std::variant<std::vector<std::int16_t>, std::string> WavFile::parse(const std::string& b) {
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0)
    return std::string("not a RIFF/WAVE file");
  std::size_t pos = 12;
  int format = 0, channels = 0, bits = 0;
  std::uint32_t rate = 0;
  const char* data = nullptr;
  std::size_t dataSize = 0;
  while (pos + 8 <= b.size()) {
    std::string id = b.substr(pos, 4);
    std::size_t size = le32(b, pos + 4);
    std::size_t body = pos + 8;
    std::size_t avail = b.size() - body;
    if (id == "fmt ") {
      if (size < 16 || size > avail) return std::string("the fmt chunk is truncated");
      format = le16(b, body);
      channels = le16(b, body + 2);
      rate = le32(b, body + 4);
      bits = le16(b, body + 14);
      if (format == 0xFFFE && size >= 40) format = le16(b, body + 24);  // WAVE_FORMAT_EXTENSIBLE subformat
    } else if (id == "data") {
      data = b.data() + body;
      dataSize = std::min(size, avail);  // some writers leave the size 0 or too big when streaming
      if (size == 0 || size == 0xFFFFFFFFu) dataSize = avail;
      break;
    }
    if (size > avail) break;
    pos = body + size + (size & 1);
  }
  if (!format) return std::string("no fmt chunk");
  if (!data) return std::string("no data chunk");
  bool pcm = format == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
  bool flt = format == 3 && bits == 32;
  if (!pcm && !flt) return std::string("only PCM (8/16/24/32-bit) or 32-bit float WAV files can be played");
  if (channels < 1 || channels > 8) return std::string("1 to 8 channels are supported");
  if (rate < 8000 || rate > 192000) return std::string("the sample rate must be 8-192 kHz");
  std::size_t bytesPer = static_cast<std::size_t>(bits / 8);
  std::size_t frames = dataSize / (bytesPer * channels);
  if (frames == 0) return std::string("the WAV file holds no audio");
  std::vector<double> mono(frames);
  const auto* p = reinterpret_cast<const std::uint8_t*>(data);
  for (std::size_t i = 0; i < frames; ++i) {
    double sum = 0;
    for (int c = 0; c < channels; ++c) {
      const std::uint8_t* s = p + (i * channels + c) * bytesPer;
      double v = 0;
      if (flt) {
        float f;
        std::memcpy(&f, s, 4);
        v = std::isfinite(f) ? f : 0.0;
      } else if (bits == 8) {
        v = (s[0] - 128) / 128.0;
      } else if (bits == 16) {
        v = static_cast<std::int16_t>(s[0] | s[1] << 8) / 32768.0;
      } else if (bits == 24) {
        std::int32_t x = s[0] | s[1] << 8 | s[2] << 16;
        if (x & 0x800000) x |= ~0xFFFFFF;
        v = x / 8388608.0;
      } else {
        std::int32_t x =
            static_cast<std::int32_t>(s[0] | s[1] << 8 | s[2] << 16 | static_cast<std::uint32_t>(s[3]) << 24);
        v = x / 2147483648.0;
      }
      sum += v;
    }
    mono[i] = sum / channels;
  }
  // Linear interpolation to 48 kHz: plenty for speech prompts played down a phone line.
  std::size_t outFrames = static_cast<std::size_t>(static_cast<double>(frames) * kOutputRate / rate);
  std::vector<std::int16_t> out(std::max<std::size_t>(outFrames, 1));
  for (std::size_t i = 0; i < out.size(); ++i) {
    double x = static_cast<double>(i) * rate / kOutputRate;
    std::size_t i0 = std::min(static_cast<std::size_t>(x), frames - 1);
    std::size_t i1 = std::min(i0 + 1, frames - 1);
    double f = x - static_cast<double>(i0);
    out[i] = clip(mono[i0] * (1 - f) + mono[i1] * f);
  }
  return out;
}

std::variant<std::vector<std::int16_t>, std::string> WavFile::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string("cannot open the file");
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) return std::string("cannot read the file");
  if (static_cast<std::size_t>(size) > kMaxBytes) return std::string("the file is larger than 64 MiB");
  in.seekg(0);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) return std::string("cannot read the file");
  return parse(bytes);
}

}  // namespace tccc::media
