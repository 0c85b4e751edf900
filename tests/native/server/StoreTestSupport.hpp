// SPDX-License-Identifier: Apache-2.0
// Shared by the platform's server tests: a fresh temporary directory per test.
#ifndef TCCC_TESTS_SERVER_STORETESTSUPPORT_HPP
#define TCCC_TESTS_SERVER_STORETESTSUPPORT_HPP

#include <cstdlib>
#include <filesystem>
#include <string>

namespace tccc::server::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tccc-test-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    mPath = made ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(mPath, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return mPath; }
  std::string file(const std::string& name) const { return (std::filesystem::path(mPath) / name).string(); }

 private:
  std::string mPath;
};

}  // namespace tccc::server::test

#endif
