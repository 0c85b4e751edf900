// SPDX-License-Identifier: Apache-2.0
#include "asr/AsrEngineFactory.hpp"

#include "asr/PocketSphinxEngine.hpp"

namespace tccc::server::asr {

std::shared_ptr<AsrEngine> makeAsrEngine(const AsrEngineSettings& settings) {
  if (settings.engine != "pocketsphinx") throw AsrError("unknown ASR engine \"" + settings.engine + "\"");
  if (!settings.grammar.empty() && !settings.keywords.empty())
    throw AsrError("an ASR grammar and a keyword list are alternatives: give one");
  PocketSphinxOptions options;
  if (!settings.model.empty()) options.acousticModel = settings.model;
  if (!settings.dictionary.empty()) options.dictionary = settings.dictionary;
  if (!settings.languageModel.empty()) options.languageModel = settings.languageModel;
  options.grammarFile = settings.grammar;
  options.keywordFile = settings.keywords;
  return std::make_shared<PocketSphinxEngine>(options);
}

}  // namespace tccc::server::asr
