// SPDX-License-Identifier: Apache-2.0
#include "asr/PocketSphinxEngine.hpp"

#include "asr/PocketSphinxVocabulary.hpp"

#include <pocketsphinx.h>
#include <spdlog/spdlog.h>
#include <sphinxbase/err.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

namespace tccc::server::asr {

namespace {

namespace fs = std::filesystem;

// PocketSphinx logs its whole configuration and model loading (dozens of lines per decoder) to
// stderr. The callback is process-wide; it forwards at debug level so `--log-level debug` still
// shows it, and costs one level check otherwise.
void forwardLog(void*, err_lvl_t level, const char* format, ...) {
  const bool problem = level >= ERR_WARN;
  if (!spdlog::should_log(problem ? spdlog::level::warn : spdlog::level::debug)) return;
  char text[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  std::string line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return;
  // Warnings are debug too unless they stop a decoder: the stock models trigger harmless ones.
  if (level >= ERR_ERROR)
    spdlog::warn("pocketsphinx: {}", line);
  else
    spdlog::debug("pocketsphinx: {}", line);
}

void routeLogging() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The configuration dump goes straight to the log file, not through the callback: close that
    // first (it only applies while the default callback is in place).
    err_set_logfp(nullptr);
    err_set_callback(forwardLog, nullptr);
  });
}

void requireFile(const std::string& path, const char* what, bool directory = false) {
  std::error_code ec;
  bool ok = directory ? fs::is_directory(path, ec) : fs::is_regular_file(path, ec);
  if (!ok) throw AsrError(std::string("the ASR ") + what + " " + path + " does not exist");
}

class PocketSphinxRecogniser : public Recogniser {
 public:
  explicit PocketSphinxRecogniser(const std::vector<std::string>& arguments) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("tccc-asr"));
    for (const auto& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
    cmd_ln_t* config = cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size() - 1), argv.data() + 1, TRUE);
    if (!config) throw AsrError("pocketsphinx refused its configuration (see the debug log)");
    mDecoder = ps_init(config);
    cmd_ln_free_r(config);  // the decoder keeps its own reference
    if (!mDecoder) throw AsrError("pocketsphinx could not load its model (see the debug log)");
  }
  ~PocketSphinxRecogniser() override {
    if (mInUtterance) ps_end_utt(mDecoder);
    ps_free(mDecoder);
  }

  void startUtterance() override {
    if (mInUtterance) ps_end_utt(mDecoder);
    mInUtterance = ps_start_utt(mDecoder) == 0;
  }

  void process(const std::int16_t* samples, std::size_t count) override {
    if (mInUtterance) ps_process_raw(mDecoder, samples, count, FALSE, FALSE);
  }

  std::string partial() override {
    if (!mInUtterance) return {};
    return hypothesis();
  }

  std::string endUtterance() override {
    if (!mInUtterance) return {};
    ps_end_utt(mDecoder);
    mInUtterance = false;
    return hypothesis();
  }

 private:
  std::string hypothesis() {
    int32 score = 0;
    const char* hyp = ps_get_hyp(mDecoder, &score);
    return hyp ? std::string(hyp) : std::string();
  }

  ps_decoder_t* mDecoder = nullptr;
  bool mInUtterance = false;
};

}  // namespace

PocketSphinxEngine::PocketSphinxEngine(PocketSphinxOptions options) : mOptions(std::move(options)) {
  routeLogging();
  requireFile(mOptions.acousticModel, "acoustic model directory", true);
  requireFile(mOptions.dictionary, "dictionary");
  mDictionaryPath = mOptions.dictionary;
  std::set<std::string> vocabulary;
  if (!mOptions.grammarFile.empty()) {
    requireFile(mOptions.grammarFile, "grammar");
    vocabulary = wordsOfJsgfGrammar(mOptions.grammarFile);
  } else if (!mOptions.keywordFile.empty()) {
    requireFile(mOptions.keywordFile, "keyword list");
    vocabulary = wordsOfKeywordList(mOptions.keywordFile);
  } else {
    requireFile(mOptions.languageModel, "language model");
  }
  if (!vocabulary.empty()) {
    std::string slice = dictionarySlice(mOptions.dictionary, vocabulary);
    std::string pattern = (fs::temp_directory_path() / "tccc-asr-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw AsrError("cannot create a temporary directory for the ASR dictionary");
    mSliceDir = pattern;
    mDictionaryPath = mSliceDir + "/vocabulary.dict";
    std::ofstream(mDictionaryPath) << slice;
  }
  makeRecogniser();  // fails now, at start-up, rather than on the first call
  spdlog::info("ASR: pocketsphinx, {} ({} words)",
               !mOptions.grammarFile.empty()   ? "grammar " + mOptions.grammarFile
               : !mOptions.keywordFile.empty() ? "keywords " + mOptions.keywordFile
                                               : "language model " + mOptions.languageModel,
               vocabulary.empty() ? std::string("all") : std::to_string(vocabulary.size()));
}

PocketSphinxEngine::~PocketSphinxEngine() {
  if (mSliceDir.empty()) return;
  std::error_code ec;
  fs::remove_all(mSliceDir, ec);
}

std::unique_ptr<Recogniser> PocketSphinxEngine::makeRecogniser() {
  std::vector<std::string> args = {"-hmm", mOptions.acousticModel, "-dict", mDictionaryPath};
  if (!mOptions.grammarFile.empty())
    args.insert(args.end(), {"-jsgf", mOptions.grammarFile});
  else if (!mOptions.keywordFile.empty())
    args.insert(args.end(), {"-kws", mOptions.keywordFile});
  else
    args.insert(args.end(), {"-lm", mOptions.languageModel});
  // The stream end-points utterances itself and feeds them whole: PocketSphinx's own voice
  // detector would only cut the pre-roll. (Cepstral mean normalisation is the model's "batch",
  // which this version applies incrementally, from the running mean, when fed in pieces.)
  args.insert(args.end(), {"-remove_silence", "no"});
  return std::make_unique<PocketSphinxRecogniser>(args);
}

}  // namespace tccc::server::asr
