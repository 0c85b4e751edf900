// SPDX-License-Identifier: Apache-2.0
#include "recording/StereoExport.hpp"

#include <opus/opusenc.h>
#include <opus/opusfile.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>

namespace tccc::server {

namespace {

constexpr int kRate = 48000;
constexpr int kBlock = kRate / 10;  // 100 ms per step

/// One participant's file, decoded on demand and placed on the mix's timeline.
class Track {
 public:
  Track(const StereoSource& source, std::int64_t mixStartMs, std::string& error) {
    int err = 0;
    mFile = op_open_file(source.path.c_str(), &err);
    if (!mFile) {
      error = "cannot decode " + source.path + " (opusfile error " + std::to_string(err) + ")";
      return;
    }
    mOffset = (source.startMs - mixStartMs) * (kRate / 1000);
    const ogg_int64_t total = op_pcm_total(mFile, -1);
    mLength = total > 0 ? total : 0;
  }
  ~Track() {
    if (mFile) op_free(mFile);
  }
  Track(const Track&) = delete;
  Track& operator=(const Track&) = delete;

  bool ok() const { return mFile != nullptr; }
  std::int64_t end() const { return mOffset + mLength; }

  /// Adds its samples for the mix positions [from, from + n) into `out` (mono).
  void addTo(std::int64_t from, int n, float* out, std::string& error) {
    for (int i = 0; i < n;) {
      const std::int64_t pos = from + i;
      if (pos < mOffset) {
        i += static_cast<int>(std::min<std::int64_t>(n - i, mOffset - pos));
        continue;
      }
      if (mPending.empty() && !fill(error)) return;  // ended (or failed): silence from here
      const int take =
          static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(n - i), mPending.size() - mUsed));
      for (int k = 0; k < take; ++k) out[i + k] += mPending[mUsed + static_cast<std::size_t>(k)];
      mUsed += static_cast<std::size_t>(take);
      if (mUsed == mPending.size()) {
        mPending.clear();
        mUsed = 0;
      }
      i += take;
    }
  }

 private:
  bool fill(std::string& error) {
    if (mEnded) return false;
    float stereo[5760 * 2];
    for (;;) {
      int n = op_read_float_stereo(mFile, stereo, 5760 * 2);
      if (n == OP_HOLE) continue;  // a gap in a damaged file: skip it
      if (n < 0) {
        error = "decoding failed (opusfile error " + std::to_string(n) + ")";
        mEnded = true;
        return false;
      }
      if (n == 0) {
        mEnded = true;
        return false;
      }
      mPending.resize(static_cast<std::size_t>(n));
      for (int k = 0; k < n; ++k) mPending[static_cast<std::size_t>(k)] = 0.5f * (stereo[2 * k] + stereo[2 * k + 1]);
      mUsed = 0;
      return true;
    }
  }

  OggOpusFile* mFile = nullptr;
  std::int64_t mOffset = 0;  // mix position of its first sample
  std::int64_t mLength = 0;
  std::vector<float> mPending;
  std::size_t mUsed = 0;
  bool mEnded = false;
};

struct EncoderDeleter {
  void operator()(OggOpusEnc* e) const { ope_encoder_destroy(e); }
};
struct CommentsDeleter {
  void operator()(OggOpusComments* c) const { ope_comments_destroy(c); }
};

}  // namespace

StereoExportResult StereoExport::run(const StereoExportJob& job) {
  StereoExportResult result;
  try {
    std::int64_t startMs = std::numeric_limits<std::int64_t>::max();
    for (const auto* side : {&job.left, &job.right})
      for (const auto& s : *side) startMs = std::min(startMs, s.startMs);
    if (startMs == std::numeric_limits<std::int64_t>::max()) {
      result.error = "nothing to mix: no participant has a complete recording";
      return result;
    }
    result.startMs = startMs;
    std::vector<std::unique_ptr<Track>> tracks[2];
    std::int64_t end = 0;
    for (int ch = 0; ch < 2; ++ch) {
      for (const auto& s : ch == 0 ? job.left : job.right) {
        std::string error;
        auto t = std::make_unique<Track>(s, startMs, error);
        if (!t->ok()) {
          result.error = error;
          return result;
        }
        end = std::max(end, t->end());
        tracks[ch].push_back(std::move(t));
      }
    }

    std::unique_ptr<OggOpusComments, CommentsDeleter> comments(ope_comments_create());
    if (!comments) throw std::runtime_error("ope_comments_create failed");
    ope_comments_add(comments.get(), "TCCC_START_MS", std::to_string(startMs).c_str());
    const std::string part = job.outPath + ".part";
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(part).parent_path(), ec);
    int err = 0;
    std::unique_ptr<OggOpusEnc, EncoderDeleter> enc(
        ope_encoder_create_file(part.c_str(), comments.get(), kRate, 2, 0, &err));
    if (!enc) {
      result.error = "cannot create " + part + ": " + ope_strerror(err) + " (" + std::strerror(errno) + ")";
      return result;
    }
    ope_encoder_ctl(enc.get(), OPUS_SET_BITRATE(64000));
    std::vector<float> mono[2] = {std::vector<float>(kBlock), std::vector<float>(kBlock)};
    std::vector<float> interleaved(2 * kBlock);
    for (std::int64_t pos = 0; pos < end; pos += kBlock) {
      const int n = static_cast<int>(std::min<std::int64_t>(kBlock, end - pos));
      for (int ch = 0; ch < 2; ++ch) {
        std::fill(mono[ch].begin(), mono[ch].end(), 0.0f);
        for (auto& t : tracks[ch]) {
          std::string error;
          t->addTo(pos, n, mono[ch].data(), error);
          if (!error.empty()) spdlog::warn("stereo export {}: {}", job.outPath, error);  // the rest is silence
        }
      }
      for (int k = 0; k < n; ++k) {
        interleaved[static_cast<std::size_t>(2 * k)] = std::clamp(mono[0][static_cast<std::size_t>(k)], -1.0f, 1.0f);
        interleaved[static_cast<std::size_t>(2 * k + 1)] =
            std::clamp(mono[1][static_cast<std::size_t>(k)], -1.0f, 1.0f);
      }
      if ((err = ope_encoder_write_float(enc.get(), interleaved.data(), n)) != OPE_OK) {
        result.error = "cannot write " + part + ": " + ope_strerror(err);
        return result;
      }
    }
    if ((err = ope_encoder_drain(enc.get())) != OPE_OK) {
      result.error = "cannot finish " + part + ": " + ope_strerror(err);
      return result;
    }
    enc.reset();  // closes the file
    if (std::rename(part.c_str(), job.outPath.c_str()) != 0) {
      result.error = "cannot rename " + part + ": " + std::strerror(errno);
      return result;
    }
    result.durationMs = end * 1000 / kRate;
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = std::string("stereo export: ") + e.what();
  }
  return result;
}

StereoExporter::StereoExporter() {
  mThread = std::thread([this] { loop(); });
}

StereoExporter::~StereoExporter() {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mClosing = true;
  }
  mWake.notify_all();
  if (mThread.joinable()) mThread.join();
}

void StereoExporter::submit(StereoExportJob job, Done done) {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mQueue.emplace_back(std::move(job), std::move(done));
  }
  mWake.notify_one();
}

void StereoExporter::loop() {
  std::unique_lock<std::mutex> lock(mMutex);
  for (;;) {
    mWake.wait(lock, [&] { return !mQueue.empty() || mClosing; });
    if (mQueue.empty()) return;
    auto [job, done] = std::move(mQueue.front());
    mQueue.pop_front();
    lock.unlock();
    StereoExportResult result = StereoExport::run(job);
    if (!result.ok) spdlog::error("stereo export {} failed: {}", job.outPath, result.error);
    try {
      if (done) done(result);
    } catch (const std::exception& e) {
      spdlog::error("stereo export {}: its completion handler failed: {}", job.outPath, e.what());
    }
    lock.lock();
  }
}

}  // namespace tccc::server
