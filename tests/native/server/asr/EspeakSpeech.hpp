// SPDX-License-Identifier: Apache-2.0
// Synthetic speech for the ASR tests and bench: espeak-ng says a sentence, sox makes it 48 kHz mono
// 16-bit, the server's WAV reader loads it. Written into a temporary directory, never committed.
#ifndef TCCC_TESTS_SERVER_ASR_ESPEAKSPEECH_HPP
#define TCCC_TESTS_SERVER_ASR_ESPEAKSPEECH_HPP

#include "media/AudioSource.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace tccc::server::asr::test {

class EspeakSpeech {
 public:
  static bool available() {
    return std::system("command -v espeak-ng >/dev/null 2>&1 && command -v sox >/dev/null 2>&1") == 0;
  }

  EspeakSpeech() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tccc-asr-speech-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    mDir = pattern;
  }
  ~EspeakSpeech() {
    std::error_code ec;
    std::filesystem::remove_all(mDir, ec);
  }
  const std::string& dir() const { return mDir; }

  /// 48 kHz mono PCM of `text` at `wordsPerMinute`.
  std::vector<std::int16_t> say(const std::string& text, int wordsPerMinute = 150) {
    const std::string raw = mDir + "/" + std::to_string(mCount) + ".wav";
    const std::string wav = mDir + "/" + std::to_string(mCount++) + "-48k.wav";
    std::string cmd = "espeak-ng -w '" + raw + "' -s " + std::to_string(wordsPerMinute) + " '" + text +
                      "' && sox -q '" + raw + "' -r 48000 -c 1 -b 16 '" + wav + "'";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("espeak-ng/sox failed: " + cmd);
    auto loaded = media::WavFile::load(wav);
    if (auto* why = std::get_if<std::string>(&loaded)) throw std::runtime_error(*why);
    return std::get<std::vector<std::int16_t>>(loaded);
  }

  /// Writes a file into the temporary directory (grammars, keyword lists).
  std::string write(const std::string& name, const std::string& text) {
    std::string path = mDir + "/" + name;
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return path;
  }

 private:
  std::string mDir;
  int mCount = 0;
};

}  // namespace tccc::server::asr::test

#endif
