// SPDX-License-Identifier: Apache-2.0
#include "asr/PocketSphinxVocabulary.hpp"

#include "asr/Recogniser.hpp"

#include <sphinxbase/fsg_model.h>
#include <sphinxbase/jsgf.h>
#include <sphinxbase/logmath.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace tccc::server::asr {

std::set<std::string> wordsOfJsgfGrammar(const std::string& path) {
  if (!std::ifstream(path)) throw AsrError("cannot read the ASR grammar " + path);
  // The log base and language weight only scale transition scores, which we do not read.
  std::unique_ptr<logmath_t, int (*)(logmath_t*)> logMath(logmath_init(1.0001, 0, 0), logmath_free);
  std::unique_ptr<fsg_model_t, int (*)(fsg_model_t*)> fsg(jsgf_read_file(path.c_str(), logMath.get(), 1.0f),
                                                          fsg_model_free);
  if (!fsg) throw AsrError("the ASR grammar " + path + " is not a JSGF grammar with a public rule");
  std::set<std::string> words;
  for (int id = 0; id < fsg_model_n_word(fsg.get()); ++id) {
    std::string word = fsg_model_word_str(fsg.get(), id);
    // Fillers and silence (<sil>, ++NOISE++) come from the acoustic model's own noise dictionary.
    if (!word.empty() && word.front() != '<' && word.rfind("++", 0) != 0) words.insert(word);
  }
  if (words.empty()) throw AsrError("the ASR grammar " + path + " has no words");
  return words;
}

std::set<std::string> wordsOfKeywordList(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw AsrError("cannot read the ASR keyword list " + path);
  std::set<std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream tokens(line.substr(0, line.find('/')));
    std::string word;
    while (tokens >> word) words.insert(word);
  }
  if (words.empty()) throw AsrError("the ASR keyword list " + path + " has no phrase");
  return words;
}

std::string dictionarySlice(const std::string& path, const std::set<std::string>& words) {
  std::ifstream in(path);
  if (!in) throw AsrError("cannot read the ASR dictionary " + path);
  std::set<std::string> found;
  std::string slice, line;
  while (std::getline(in, line)) {
    auto end = line.find_first_of(" \t");
    if (end == std::string::npos) continue;
    std::string word = line.substr(0, end);
    if (auto alternate = word.find('('); alternate != std::string::npos && word.back() == ')')
      word.resize(alternate);  // "read(2)" is a second pronunciation of "read"
    if (!words.count(word)) continue;
    found.insert(word);
    slice += line;
    slice += '\n';
  }
  std::string missing;
  for (const auto& w : words) {
    if (found.count(w)) continue;
    if (!missing.empty()) missing += ", ";
    missing += w;
  }
  if (!missing.empty()) throw AsrError("the ASR dictionary " + path + " has no pronunciation for: " + missing);
  return slice;
}

}  // namespace tccc::server::asr
