// SPDX-License-Identifier: Apache-2.0
// The one place that turns configuration (--asr-engine, --asr-model, …) into an AsrEngine, so a new
// engine is added here and in docs/asr.md, and nowhere in the media plane.
#ifndef TCCC_SERVER_ASR_ASRENGINEFACTORY_HPP
#define TCCC_SERVER_ASR_ASRENGINEFACTORY_HPP

#include "asr/Recogniser.hpp"

#include <memory>
#include <string>

namespace tccc::server::asr {

struct AsrEngineSettings {
  std::string engine = "pocketsphinx";
  std::string model;          // acoustic model directory; "" = the engine's default
  std::string dictionary;     // "" = the engine's default
  std::string languageModel;  // "" = the engine's default
  std::string grammar;        // JSGF grammar file, or ""
  std::string keywords;       // keyword list file, or ""
};

/// The configured engine, ready (models checked, one recogniser built). Throws AsrError saying what
/// is wrong: the server should refuse to start rather than run without the recognition it was asked for.
std::shared_ptr<AsrEngine> makeAsrEngine(const AsrEngineSettings& settings);

}  // namespace tccc::server::asr

#endif
