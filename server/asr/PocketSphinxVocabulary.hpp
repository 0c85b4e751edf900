// SPDX-License-Identifier: Apache-2.0
// The words a closed-vocabulary search (JSGF grammar, keyword list) can produce, and the slice of
// the pronunciation dictionary that covers them. PocketSphinx loads the whole dictionary into every
// decoder: the 135,000-word CMU dictionary costs each stream ~270 ms and ~25 MB, the slice a few
// milliseconds and kilobytes (measured in docs/asr.md), so with a grammar we hand it only the slice.
#ifndef TCCC_SERVER_ASR_POCKETSPHINXVOCABULARY_HPP
#define TCCC_SERVER_ASR_POCKETSPHINXVOCABULARY_HPP

#include <set>
#include <string>

namespace tccc::server::asr {

/// Every word of the grammar's public rule (what pocketsphinx -jsgf searches). Throws AsrError when
/// the file cannot be read or parsed.
std::set<std::string> wordsOfJsgfGrammar(const std::string& path);

/// Every word of a PocketSphinx keyword list: one phrase per line, optionally followed by its
/// detection threshold ("please transfer /1e-20/"). Throws AsrError when the file cannot be read or
/// holds no phrase.
std::set<std::string> wordsOfKeywordList(const std::string& path);

/// The lines of the dictionary at `path` ("word PH ON EMES", alternates as "word(2) …") whose word
/// is in `words`, as dictionary text. Throws AsrError naming the words it has no pronunciation for:
/// PocketSphinx would otherwise drop them from the search with only a log line.
std::string dictionarySlice(const std::string& path, const std::set<std::string>& words);

}  // namespace tccc::server::asr

#endif
