// SPDX-License-Identifier: Apache-2.0
#include "asr/AsrStream.hpp"

#include "asr/Decimator48To16.hpp"
#include "asr/OpusPacketQueue.hpp"

#include <opus/opus.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <deque>
#include <optional>

namespace tccc::server::asr {

namespace {

constexpr int kOpusRate = 48000;
constexpr int kRateRatio = kOpusRate / kAsrSampleRate;
constexpr std::size_t kMaxOpusSamples = 5760;        // 120 ms at 48 kHz: the longest Opus packet
constexpr std::int32_t kMaxConcealed = 3 * 960;      // up to 60 ms missing: Opus packet loss concealment
constexpr std::int32_t kMaxSilenceFill = kOpusRate;  // a longer pause (DTX, hold) is silence up to 1 s
constexpr std::int32_t kMaxReorder = kOpusRate;      // further back than 1 s: the sender restarted its clock
constexpr std::size_t kPacketsPerTurn = 25;          // 500 ms of audio, then let other streams run
constexpr std::size_t kPreRollMs = 200;              // audio before the onset the recogniser also hears

std::int64_t threadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

class AsrStream::Core : public AsrJob, public std::enable_shared_from_this<AsrStream::Core> {
 public:
  Core(AsrWorkers& workers, boost::asio::any_io_executor executor, ResultHandler onResult, AsrStreamOptions options)
      : mJobs(workers.jobs()),
        mEngine(workers.engine()),
        mExecutor(std::move(executor)),
        mOnResult(std::move(onResult)),
        mOptions(options),
        mQueue(options.queuePackets, options.queueBytes),
        mAnchorWallMs(options.startWallMs),
        mEndPointer(options.endPointer) {
    int err = 0;
    mDecoder = opus_decoder_create(kOpusRate, 1, &err);
    if (err != OPUS_OK || !mDecoder) throw AsrError("opus_decoder_create failed");
    mFrameSamples = static_cast<std::size_t>(kAsrSampleRate * options.endPointer.frameMs / 1000);
  }
  ~Core() override { opus_decoder_destroy(mDecoder); }

  // --- media thread ---------------------------------------------------------------------------

  void feed(const std::uint8_t* opus, std::size_t size, std::uint32_t rtpTimestamp) {
    if (mClosed.load(std::memory_order_acquire)) return;
    if (mAnchorWallMs.load(std::memory_order_relaxed) == 0) mAnchorWallMs.store(wallMs(), std::memory_order_relaxed);
    if (!mQueue.push(opus, size, rtpTimestamp)) {
      mInvalidAtFeed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    mPacketsIn.fetch_add(1, std::memory_order_relaxed);
    schedule();
  }

  // --- owner's thread -------------------------------------------------------------------------

  void close(bool flushFinal) {
    if (mClosed.load()) return;
    bool flushed = false;
    if (flushFinal && mQueue.size() <= mOptions.behindPackets) {
      {
        std::lock_guard<std::mutex> lock(mFlushMutex);
        mFlushRequested = true;
      }
      schedule();
      std::unique_lock<std::mutex> lock(mFlushMutex);
      flushed = mFlushDone.wait_for(lock, mOptions.flushTimeout, [&] { return mFlushed; });
    }
    mClosed.store(true, std::memory_order_release);
    {
      // From here on the worker posts nothing more to the executor, which may then go away.
      std::lock_guard<std::mutex> lock(mOutboxMutex);
      mPostingStopped = true;
    }
    {
      std::lock_guard<std::recursive_mutex> gate(mGate);
      if (flushed) deliverLocked();  // what the worker produced up to and including the final
      mGateClosed = true;
    }
    {
      std::lock_guard<std::mutex> lock(mOutboxMutex);
      mOutbox.clear();
    }
    if (!flushed && mInUtterance.load()) {
      std::lock_guard<std::mutex> lock(mStatsMutex);
      ++mStats.finalsAbandoned;
    }
    schedule();  // the worker then frees the recogniser, off this thread
  }

  AsrStreamStats stats() const {
    std::lock_guard<std::mutex> lock(mStatsMutex);
    AsrStreamStats s = mStats;
    s.packetsIn = mPacketsIn.load();
    s.packetsDropped = mQueue.dropped();
    s.packetsInvalid += mInvalidAtFeed.load();
    return s;
  }

  // --- executor -------------------------------------------------------------------------------

  void deliver() {
    std::lock_guard<std::recursive_mutex> gate(mGate);
    deliverLocked();
  }

  // --- worker ---------------------------------------------------------------------------------

  void runOnWorker() override {
    if (!mClosed.load(std::memory_order_acquire)) {
      if (mQueue.size() > 0) ensureRecogniser();  // not for a stream that is closed before it spoke
      bool flush;
      {
        std::lock_guard<std::mutex> lock(mFlushMutex);
        flush = mFlushRequested && !mFlushed;
      }
      const std::int64_t cpuStart = threadCpuNs();
      mRecogniserNs = 0;
      mTurn = {};
      OpusPacketQueue::Packet packet;
      for (std::size_t n = 0; (flush || n < kPacketsPerTurn) && !mClosed.load() && mQueue.pop(packet); ++n)
        processPacket(packet);
      if (flush) finishFlush();
      const std::int64_t total = threadCpuNs() - cpuStart;
      {
        std::lock_guard<std::mutex> lock(mStatsMutex);
        mStats.recogniserCpuMs += mRecogniserNs / 1e6;
        mStats.decodeCpuMs += (total - mRecogniserNs) / 1e6;
        mStats.audioMs += mTurn.audioMs;
        mStats.packetsInvalid += mTurn.invalid;
        mStats.packetsLost += mTurn.lost;
        mStats.utterances += mTurn.utterances;
        mStats.partials += mTurn.partials;
        mStats.finals += mTurn.finals;
        mStats.partialsSkipped += mTurn.partialsSkipped;
      }
    }
    if (mClosed.load(std::memory_order_acquire)) {
      mRecogniser.reset();  // a model's worth of memory, freed here rather than on the owner's thread
      mQueue.clear();
    }
    mScheduled.store(false);
    bool flushDue;
    {
      std::lock_guard<std::mutex> lock(mFlushMutex);
      flushDue = mFlushRequested && !mFlushed;  // asked for while this turn ran
    }
    if (!mClosed.load() && (mQueue.size() > 0 || flushDue)) schedule();
  }

 private:
  void schedule() {
    if (!mScheduled.exchange(true) && !mJobs->post(shared_from_this())) mScheduled.store(false);
  }

  void ensureRecogniser() {
    if (mRecogniser || mRecogniserFailed) return;
    try {
      mRecogniser = mEngine->makeRecogniser();
    } catch (const std::exception& e) {
      // The audio is still end-pointed and counted; nothing is recognised.
      spdlog::warn("ASR: cannot make a {} recogniser: {}", mEngine->name(), e.what());
      mRecogniserFailed = true;
    }
  }

  // Times the recogniser's share of the worker's CPU time.
  template <typename F>
  auto timed(F&& f) {
    const std::int64_t start = threadCpuNs();
    struct Add {
      std::int64_t start;
      std::int64_t& total;
      ~Add() { total += threadCpuNs() - start; }
    } add{start, mRecogniserNs};
    return f();
  }

  void processPacket(const OpusPacketQueue::Packet& packet) {
    const auto* data = packet.bytes.data();
    const auto size = static_cast<opus_int32>(packet.bytes.size());
    if (mNextTimestamp) {
      const auto gap = static_cast<std::int32_t>(packet.rtpTimestamp - *mNextTimestamp);
      if (gap < 0 && gap >= -kMaxReorder) {
        ++mTurn.invalid;  // late or duplicate: its place in the timeline was already concealed
        return;
      }
      if (gap > 0) fillGap(gap, packet.afterDrop);
      // A jump back further than kMaxReorder: the sender restarted its clock; carry on from here.
    }
    std::array<opus_int16, kMaxOpusSamples> pcm{};
    const int n = opus_decode(mDecoder, data, size, pcm.data(), static_cast<int>(pcm.size()), 0);
    if (n <= 0) {
      ++mTurn.invalid;  // the next packet's gap conceals it
      return;
    }
    mNextTimestamp = packet.rtpTimestamp + static_cast<std::uint32_t>(n);
    feed48k(pcm.data(), static_cast<std::size_t>(n));
  }

  void fillGap(std::int32_t gap, bool droppedByUs) {
    if (droppedByUs) {
      // Our own queue dropped this audio: time goes on, but inventing silence could end an
      // utterance the speaker never paused.
      skip48k(gap);
      return;
    }
    std::array<opus_int16, kMaxOpusSamples> pcm{};
    if (gap <= kMaxConcealed) {
      // Opus conceals in multiples of 2.5 ms.
      const int conceal = gap / 120 * 120;
      const int n = conceal > 0 ? opus_decode(mDecoder, nullptr, 0, pcm.data(), conceal, 0) : 0;
      mTurn.lost += static_cast<std::uint64_t>((gap + 959) / 960);
      if (n > 0) feed48k(pcm.data(), static_cast<std::size_t>(n));
      skip48k(gap - std::max(n, 0));
      return;
    }
    // The sender paused (discontinuous transmission, hold): as much silence as ends an utterance,
    // then just the passing of time.
    pcm.fill(0);
    std::int32_t silence = std::min(gap, kMaxSilenceFill);
    for (std::int32_t left = silence; left > 0; left -= static_cast<std::int32_t>(pcm.size()))
      feed48k(pcm.data(), static_cast<std::size_t>(std::min<std::int32_t>(left, pcm.size())));
    skip48k(gap - silence);
  }

  void skip48k(std::int32_t samples) {
    if (samples > 0) mPosition += samples / kRateRatio;
  }

  void feed48k(const std::int16_t* pcm, std::size_t count) {
    mTurn.audioMs += static_cast<double>(count) * 1000.0 / kOpusRate;
    mDecimator.process(pcm, count, mPending);
    std::size_t used = 0;
    for (; mPending.size() - used >= mFrameSamples; used += mFrameSamples) {
      onFrame(mPending.data() + used, mPosition);
      mPosition += static_cast<std::int64_t>(mFrameSamples);
    }
    mPending.erase(mPending.begin(), mPending.begin() + static_cast<std::ptrdiff_t>(used));
  }

  void onFrame(const std::int16_t* frame, std::int64_t position) {
    const auto event = mEndPointer.onFrame(frame, mFrameSamples);
    if (event == EndPointer::Event::None && !mEndPointer.inSpeech()) {
      mPreRoll.insert(mPreRoll.end(), frame, frame + mFrameSamples);
      const std::size_t keep = kAsrSampleRate * kPreRollMs / 1000;
      if (mPreRoll.size() > keep) mPreRoll.erase(mPreRoll.begin(), mPreRoll.end() - static_cast<std::ptrdiff_t>(keep));
      return;
    }
    if (event == EndPointer::Event::SpeechStarted) {
      beginUtterance(position - static_cast<std::int64_t>(mFrameSamples) * (mOptions.endPointer.startFrames - 1));
      if (mRecogniser) timed([&] { mRecogniser->process(mPreRoll.data(), mPreRoll.size()); });
      mPreRoll.clear();
    }
    if (mRecogniser) timed([&] { mRecogniser->process(frame, mFrameSamples); });
    if (mEndPointer.framesSinceSpeech() == 0) mLastSpeechEnd = position + static_cast<std::int64_t>(mFrameSamples);
    if (event == EndPointer::Event::SpeechEnded) {
      finishUtterance(position + static_cast<std::int64_t>(mFrameSamples) * (1 - mEndPointer.framesSinceSpeech()));
      return;
    }
    maybePartial();
  }

  void beginUtterance(std::int64_t onset) {
    mInUtterance.store(true);
    mUtteranceStart = onset;
    mLastSpeechEnd = onset;
    mSentenceId = 0;
    mSincePartial = 0;
    mLastPartial.clear();
    if (mRecogniser) timed([&] { mRecogniser->startUtterance(); });
  }

  void maybePartial() {
    mSincePartial += mFrameSamples;
    if (mSincePartial < static_cast<std::size_t>(kAsrSampleRate / 1000 * mOptions.partialIntervalMs)) return;
    mSincePartial = 0;
    if (!mRecogniser) return;
    if (mQueue.size() > mOptions.behindPackets) {
      ++mTurn.partialsSkipped;  // catching up matters more than showing progress
      return;
    }
    std::string text = timed([&] { return mRecogniser->partial(); });
    if (text.empty() || text == mLastPartial) return;
    mLastPartial = text;
    ++mTurn.partials;
    emit(AsrResult{std::move(text), false, sentenceId(), epochMs(mUtteranceStart), epochMs(mLastSpeechEnd)});
  }

  void finishUtterance(std::int64_t end) {
    mInUtterance.store(false);
    ++mTurn.utterances;
    std::string text = mRecogniser ? timed([&] { return mRecogniser->endUtterance(); }) : std::string();
    // Noise: nothing to show, unless a partial already is on the agent's screen and must be closed.
    if (text.empty() && mSentenceId == 0) return;
    ++mTurn.finals;
    emit(AsrResult{std::move(text), true, sentenceId(), epochMs(mUtteranceStart), epochMs(end)});
  }

  void finishFlush() {
    if (mInUtterance.load()) finishUtterance(mLastSpeechEnd);
    {
      std::lock_guard<std::mutex> lock(mFlushMutex);
      mFlushed = true;
    }
    mFlushDone.notify_all();
  }

  // Numbers are given to sentences the agent will see, so that they run 1, 2, 3 without holes.
  std::uint32_t sentenceId() {
    if (mSentenceId == 0) mSentenceId = ++mLastSentenceId;
    return mSentenceId;
  }

  std::int64_t epochMs(std::int64_t position) const {
    return mAnchorWallMs.load(std::memory_order_relaxed) + position * 1000 / kAsrSampleRate;
  }

  void emit(AsrResult result) {
    std::lock_guard<std::mutex> lock(mOutboxMutex);
    mOutbox.push_back(std::move(result));
    if (mDrainPosted || mPostingStopped) return;  // close(true) delivers what is left itself
    mDrainPosted = true;
    // Under the lock, so that close() knows no post can follow it; posting only queues.
    boost::asio::post(mExecutor, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->deliver();
    });
  }

  void deliverLocked() {
    while (!mGateClosed) {
      AsrResult result;
      {
        std::lock_guard<std::mutex> lock(mOutboxMutex);
        if (mOutbox.empty()) {
          mDrainPosted = false;
          return;
        }
        result = std::move(mOutbox.front());
        mOutbox.pop_front();
      }
      mOnResult(result);  // may call close(): the gate is recursive, and closes behind it
    }
  }

  // Shared with the pool and the engine.
  std::shared_ptr<AsrJobQueue> mJobs;
  std::shared_ptr<AsrEngine> mEngine;
  boost::asio::any_io_executor mExecutor;
  ResultHandler mOnResult;
  const AsrStreamOptions mOptions;

  // Media thread -> worker.
  OpusPacketQueue mQueue;
  std::atomic<bool> mScheduled{false};
  std::atomic<bool> mClosed{false};
  std::atomic<std::uint64_t> mPacketsIn{0}, mInvalidAtFeed{0};
  std::atomic<std::int64_t> mAnchorWallMs;

  // Worker only.
  OpusDecoder* mDecoder = nullptr;
  std::unique_ptr<Recogniser> mRecogniser;
  bool mRecogniserFailed = false;
  std::optional<std::uint32_t> mNextTimestamp;
  Decimator48To16 mDecimator;
  std::vector<std::int16_t> mPending;  // 16 kHz samples short of a whole frame
  std::size_t mFrameSamples = 160;
  std::int64_t mPosition = 0;  // 16 kHz sample index (from the first packet) of mPending's first sample
  EndPointer mEndPointer;
  std::vector<std::int16_t> mPreRoll;
  std::int64_t mUtteranceStart = 0, mLastSpeechEnd = 0;
  std::uint32_t mSentenceId = 0, mLastSentenceId = 0;
  std::size_t mSincePartial = 0;
  std::string mLastPartial;
  std::int64_t mRecogniserNs = 0;
  struct Turn {
    double audioMs = 0;
    std::uint64_t invalid = 0, lost = 0, utterances = 0, partials = 0, finals = 0, partialsSkipped = 0;
  } mTurn;
  std::atomic<bool> mInUtterance{false};  // also read by close()

  // close(true) <-> worker.
  std::mutex mFlushMutex;
  std::condition_variable mFlushDone;
  bool mFlushRequested = false, mFlushed = false;

  // Worker -> executor.
  std::mutex mOutboxMutex;
  std::deque<AsrResult> mOutbox;
  bool mDrainPosted = false;
  bool mPostingStopped = false;
  std::recursive_mutex mGate;  // held while onResult runs; close() shuts it
  bool mGateClosed = false;

  mutable std::mutex mStatsMutex;
  AsrStreamStats mStats;
};

AsrStream::AsrStream(AsrWorkers& workers, boost::asio::any_io_executor executor, ResultHandler onResult,
                     AsrStreamOptions options)
    : mCore(std::make_shared<Core>(workers, std::move(executor), std::move(onResult), options)) {}

AsrStream::~AsrStream() { close(false); }

void AsrStream::feedOpus(const std::uint8_t* opus, std::size_t size, std::uint32_t rtpTimestamp) {
  mCore->feed(opus, size, rtpTimestamp);
}

void AsrStream::close(bool flushFinal) { mCore->close(flushFinal); }

AsrStreamStats AsrStream::stats() const { return mCore->stats(); }

}  // namespace tccc::server::asr
