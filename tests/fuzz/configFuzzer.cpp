// SPDX-License-Identifier: Apache-2.0
// Server configuration (server/config/ServerConfig): a --config JSON file applied and validated,
// a command line parsed (CLI11, environment, then validate), and the option value parsers on their
// own. Bad input must end in ConfigError (or an exit code), never in any other exception: the
// server only catches ConfigError around its configuration, so anything else would abort it.
#include "config/ServerConfig.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using tccc::server::ConfigError;
using tccc::server::ServerConfig;

namespace {

// Usage errors print to std::cerr; millions of them would drown the fuzzer's own output.
std::ostringstream gSink;
void silence() {
  static bool done = false;
  if (done) return;
  std::cout.rdbuf(gSink.rdbuf());
  std::cerr.rdbuf(gSink.rdbuf());
  unsetenv("TCCC_CONFIG");  // the environment must not name a config file either
  done = true;
}

// Arguments that would make parse() read a file (--config) or print the whole help text are
// left out: the first is I/O on a path the fuzzer chose, the second is not input handling.
bool allowed(const std::string& arg) {
  return arg.find("config") == std::string::npos && arg != "-h" && arg.find("help") == std::string::npos &&
         arg.find('\0') == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  silence();
  gSink.str({});
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange<int>(0, 2)) {
    case 0: {  // a --config file's contents
      tccc::protocol::Json json = tccc::protocol::parseJson(in.ConsumeRemainingBytesAsString(), 1 << 20, 64);
      if (json.is_discarded()) return 0;
      ServerConfig config;
      try {
        config.applyJson(json, {});
        config.validate();
        config.validatePushAuth();
      } catch (const ConfigError&) {
      }
      break;
    }
    case 1: {  // a command line
      std::vector<std::string> args{"tccc-server"};
      while (in.remaining_bytes() > 0 && args.size() < 16) {
        std::string arg = in.ConsumeRandomLengthString(128);
        if (allowed(arg)) args.push_back(std::move(arg));
      }
      std::vector<const char*> argv;
      for (const auto& a : args) argv.push_back(a.c_str());
      ServerConfig config;
      (void)ServerConfig::parse(static_cast<int>(argv.size()), argv.data(), config);
      break;
    }
    default: {  // the value parsers
      const std::string text = in.ConsumeRemainingBytesAsString();
      try {
        (void)ServerConfig::parsePortRange(text);
      } catch (const ConfigError&) {
      }
      try {
        (void)ServerConfig::parseCaptureSwitch("--set-recording", text);
      } catch (const ConfigError&) {
      }
      (void)ServerConfig::splitList(text);
      break;
    }
  }
  return 0;
}
