// SPDX-License-Identifier: Apache-2.0
// Shared by the platform's server tests: a fresh temporary directory per test, and a disk that
// refuses writes.
#ifndef TCCC_TESTS_SERVER_STORETESTSUPPORT_HPP
#define TCCC_TESTS_SERVER_STORETESTSUPPORT_HPP

#include <sys/resource.h>

#include <csignal>
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

/// Every write of this process to a regular file fails with EFBIG while it lives (a file-size limit
/// of one byte, SIGXFSZ ignored as the server does): a disk that refuses writes.
class DiskRefusesWrites {
 public:
  DiskRefusesWrites() {
    mOldSignal = std::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &mOld);
    rlimit tiny = mOld;
    tiny.rlim_cur = 1;
    ::setrlimit(RLIMIT_FSIZE, &tiny);
  }
  ~DiskRefusesWrites() {
    ::setrlimit(RLIMIT_FSIZE, &mOld);
    std::signal(SIGXFSZ, mOldSignal);
  }
  DiskRefusesWrites(const DiskRefusesWrites&) = delete;
  DiskRefusesWrites& operator=(const DiskRefusesWrites&) = delete;

 private:
  rlimit mOld{};
  void (*mOldSignal)(int) = SIG_DFL;
};

}  // namespace tccc::server::test

#endif
