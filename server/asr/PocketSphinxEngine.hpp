// SPDX-License-Identifier: Apache-2.0
// The default AsrEngine: CMU PocketSphinx as packaged by Debian (0.8+5prealpha), US English.
// Three ways to search, the first one set wins:
//   grammarFile   a JSGF grammar: only its sentences can be recognised (IVR menus, tests);
//   keywordFile   a keyword list: spots those phrases in free speech;
//   languageModel the generic n-gram model: open vocabulary, weak on telephone and synthetic speech.
// With a grammar or keyword list each decoder loads only the dictionary slice those words need
// (PocketSphinxVocabulary.hpp); each stream still has its own acoustic model copy (~6 MB, the API
// of this version cannot share one between decoders), and with the generic language model its
// own copy of the model and dictionary (~90 MB and ~1 s to load): see docs/asr.md.
#ifndef TCCC_SERVER_ASR_POCKETSPHINXENGINE_HPP
#define TCCC_SERVER_ASR_POCKETSPHINXENGINE_HPP

#include "asr/Recogniser.hpp"

#include <string>

namespace tccc::server::asr {

struct PocketSphinxOptions {
  static constexpr const char* kModelRoot = "/usr/share/pocketsphinx/model/en-us";
  std::string acousticModel = std::string(kModelRoot) + "/en-us";  // directory (pocketsphinx -hmm)
  std::string dictionary = std::string(kModelRoot) + "/cmudict-en-us.dict";
  std::string languageModel = std::string(kModelRoot) + "/en-us.lm.bin";
  std::string grammarFile;  // JSGF; "" = none
  std::string keywordFile;  // keyword list; "" = none
};

class PocketSphinxEngine : public AsrEngine {
 public:
  /// Checks the files, prepares the dictionary slice and builds one decoder to prove the
  /// configuration works; throws AsrError saying what is wrong. Routes PocketSphinx's own logging
  /// (verbose, on stderr by default) to spdlog at debug level, process-wide.
  explicit PocketSphinxEngine(PocketSphinxOptions options);
  ~PocketSphinxEngine() override;

  std::string name() const override { return "pocketsphinx"; }
  std::unique_ptr<Recogniser> makeRecogniser() override;

 private:
  PocketSphinxOptions mOptions;
  std::string mDictionaryPath;  // the dictionary each decoder loads: the slice, or the full one
  std::string mSliceDir;        // private temporary directory holding the slice, removed with us
};

}  // namespace tccc::server::asr

#endif
