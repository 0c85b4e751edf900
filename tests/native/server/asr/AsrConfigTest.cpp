// SPDX-License-Identifier: Apache-2.0
// The --asr* settings: parsed from the command line and the config file, checked, and turned into
// an engine (or a clear refusal).
#include "asr/AsrEngineFactory.hpp"
#include "config/ServerConfig.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tccc::server::asr {
namespace {

std::optional<int> parse(std::vector<std::string> args, ServerConfig& config) {
  std::vector<const char*> argv{"tccc-server"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return ServerConfig::parse(static_cast<int>(argv.size()), argv.data(), config);
}

TEST(AsrConfig, OffByDefaultAndReadFromTheCommandLine) {
  ServerConfig d;
  EXPECT_FALSE(parse({}, d));
  EXPECT_FALSE(d.asr);
  EXPECT_EQ(d.asrThreads, 1);
  ServerConfig c;
  EXPECT_FALSE(parse({"--asr", "true", "--asr-threads", "2", "--asr-grammar", "/g.jsgf"}, c));
  EXPECT_TRUE(c.asr);
  EXPECT_EQ(c.asrThreads, 2);
  EXPECT_EQ(c.asrGrammar, "/g.jsgf");
}

TEST(AsrConfig, RefusesContradictionsAndOutOfRangeValues) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--asr-grammar", "g.jsgf", "--asr-keywords", "k.txt"},
           {"--asr-threads", "0"},
           {"--asr-engine", "whisper"},
       }) {
    ServerConfig c;
    EXPECT_EQ(parse(args, c), 2) << args[0];
  }
  ServerConfig c;
  EXPECT_THROW(c.applyJson(protocol::Json{{"asr", "yes"}}, {}), ConfigError);
  c.applyJson(protocol::Json{{"asr", true}, {"asr-keywords", "k.txt"}}, {});
  EXPECT_TRUE(c.asr);
  EXPECT_EQ(c.asrKeywords, "k.txt");
}

TEST(AsrConfig, TheFactoryRefusesWhatItCannotBuild) {
  AsrEngineSettings unknown;
  unknown.engine = "whisper";
  EXPECT_THROW(makeAsrEngine(unknown), AsrError);
  AsrEngineSettings missingModel;
  missingModel.model = "/nonexistent/model";
  try {
    makeAsrEngine(missingModel);
    ADD_FAILURE() << "no error";
  } catch (const AsrError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model does not exist"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tccc::server::asr
