// SPDX-License-Identifier: Apache-2.0
#include "media/AudioSource.hpp"

#include <algorithm>
#include <cmath>

namespace tccc::server::media {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::int16_t clip(double v) { return static_cast<std::int16_t>(std::lround(std::clamp(v, -1.0, 1.0) * 32767.0)); }

class LoopSource : public AudioSource {
 public:
  LoopSource(std::shared_ptr<const std::vector<std::int16_t>> samples, std::size_t start)
      : mSamples(std::move(samples)), mPos(start % mSamples->size()) {}
  void next(std::array<std::int16_t, kFrameSamples>& frame) override {
    const auto& s = *mSamples;
    for (auto& out : frame) {
      out = s[mPos];
      if (++mPos == s.size()) mPos = 0;
    }
  }

 private:
  std::shared_ptr<const std::vector<std::int16_t>> mSamples;  // shared: many legs, one copy
  std::size_t mPos = 0;
};

// Vowel formants (F1, F2, F3 in Hz) of an adult voice: a, e, i, o, u.
constexpr double kVowels[5][3] = {
    {730, 1090, 2440}, {530, 1840, 2480}, {270, 2290, 3010}, {570, 840, 2410}, {300, 870, 2240}};

class VoiceSource : public AudioSource {
 public:
  explicit VoiceSource(std::uint32_t seed) : mRng(seed ? seed : 1) { planSentence(); }

  void next(std::array<std::int16_t, kFrameSamples>& frame) override {
    for (auto& s : frame) s = clip(sample());
  }

 private:
  struct Segment {
    int samples = 0;
    int vowel = -1;  // -1 = pause
    double f0Start = 0, f0End = 0;
  };

  std::uint32_t rand() {
    mRng = mRng * 1664525u + 1013904223u;
    return mRng >> 8;
  }

  // A sentence: 3-5 words of 1-4 syllables, pitch falling across it, then a breath pause.
  void planSentence() {
    mPlan.clear();
    int words = 3 + static_cast<int>(rand() % 3);
    double f0 = 135 + rand() % 30;
    for (int w = 0; w < words; ++w) {
      int syllables = 1 + static_cast<int>(rand() % 4);
      for (int s = 0; s < syllables; ++s) {
        Segment seg;
        seg.samples = kSampleRate * (140 + static_cast<int>(rand() % 120)) / 1000;
        seg.vowel = static_cast<int>(rand() % 5);
        seg.f0Start = f0 * (1.0 + (static_cast<int>(rand() % 13) - 6) / 100.0);
        f0 *= 0.985;  // declination
        seg.f0End = f0 * (1.0 + (static_cast<int>(rand() % 13) - 6) / 100.0);
        mPlan.push_back(seg);
        mPlan.push_back(Segment{kSampleRate * (20 + static_cast<int>(rand() % 40)) / 1000});  // consonant gap
      }
      mPlan.push_back(Segment{kSampleRate * (120 + static_cast<int>(rand() % 150)) / 1000});  // between words
    }
    mPlan.push_back(Segment{kSampleRate * (500 + static_cast<int>(rand() % 400)) / 1000});  // end of sentence
    mSeg = 0;
    mPos = 0;
  }

  double sample() {
    if (mSeg >= mPlan.size()) planSentence();
    const Segment& seg = mPlan[mSeg];
    double out = 0;
    if (seg.vowel >= 0) {
      double t = static_cast<double>(mPos) / seg.samples;
      double f0 = seg.f0Start + (seg.f0End - seg.f0Start) * t;
      f0 *= 1.0 + 0.01 * std::sin(2 * kPi * 5.5 * mTime);  // a little vibrato
      // Syllable envelope: quick rise, sustain, softer fall.
      double env = t < 0.15 ? std::sin(t / 0.15 * kPi / 2) : t > 0.7 ? std::cos((t - 0.7) / 0.3 * kPi / 2) : 1.0;
      const double* fm = kVowels[seg.vowel];
      int harmonics = std::min<int>(kMaxHarmonics, static_cast<int>(3800 / f0));
      for (int k = 1; k <= harmonics; ++k) {
        double f = k * f0;
        double gain = 0;
        for (int i = 0; i < 3; ++i) {
          double bw = 80.0 + 40.0 * i;
          double d = (f - fm[i]) / bw;
          gain += (i == 0 ? 1.0 : i == 1 ? 0.6 : 0.3) / (1 + d * d);
        }
        mPhase[k] += 2 * kPi * f / kSampleRate;
        if (mPhase[k] > 2 * kPi) mPhase[k] -= 2 * kPi;
        out += gain / std::sqrt(static_cast<double>(k)) * std::sin(mPhase[k]);
      }
      out *= 0.2 * env;
    }
    mTime += 1.0 / kSampleRate;
    if (++mPos >= seg.samples) {
      mPos = 0;
      ++mSeg;
    }
    return out;
  }

  static constexpr int kMaxHarmonics = 32;
  std::uint32_t mRng;
  std::vector<Segment> mPlan;
  std::size_t mSeg = 0;
  int mPos = 0;
  double mTime = 0;
  std::array<double, kMaxHarmonics + 1> mPhase{};
};

class HoldMusic : public AudioSource {
 public:
  void next(std::array<std::int16_t, kFrameSamples>& frame) override {
    // A slow arpeggio (C major, A minor, F major, G major), each note 400 ms with a soft decay.
    static const double kNotes[] = {261.63, 329.63, 392.00, 329.63, 220.00, 261.63, 329.63, 261.63,
                                    174.61, 220.00, 261.63, 220.00, 196.00, 246.94, 293.66, 246.94};
    const int noteLen = kSampleRate * 2 / 5;
    for (auto& s : frame) {
      double f = kNotes[(mPos / noteLen) % 16];
      double t = static_cast<double>(mPos % noteLen) / noteLen;
      double env = std::min(1.0, t * 20) * std::exp(-2.5 * t);
      mPhase += 2 * kPi * f / kSampleRate;
      if (mPhase > 2 * kPi) mPhase -= 2 * kPi;
      s = clip(0.15 * env * (std::sin(mPhase) + 0.3 * std::sin(2 * mPhase)));
      ++mPos;
    }
  }

 private:
  std::uint64_t mPos = 0;
  double mPhase = 0;
};

}  // namespace

std::unique_ptr<AudioSource> AudioSource::loop(std::vector<std::int16_t> samples) {
  // Half a second of silence between rounds, so a looped sentence still sounds like turns.
  samples.insert(samples.end(), kSampleRate / 2, 0);
  return std::make_unique<LoopSource>(std::make_shared<const std::vector<std::int16_t>>(std::move(samples)), 0);
}

std::unique_ptr<AudioSource> AudioSource::syntheticVoice(std::uint32_t seed) {
  // The voice is rendered once (30 s, ~2.9 MB) and shared: synthesising 32 harmonics per sample for
  // every leg would cost the event loop ~2% of a core per call. Legs start at different places.
  static const std::shared_ptr<const std::vector<std::int16_t>> rendered = [] {
    VoiceSource voice(1);
    auto samples = std::make_shared<std::vector<std::int16_t>>();
    samples->reserve(30 * kSampleRate);
    std::array<std::int16_t, kFrameSamples> frame{};
    for (int i = 0; i < 30 * kSampleRate / kFrameSamples; ++i) {
      voice.next(frame);
      samples->insert(samples->end(), frame.begin(), frame.end());
    }
    return std::shared_ptr<const std::vector<std::int16_t>>(std::move(samples));
  }();
  std::size_t start = (static_cast<std::size_t>(seed) * 7919u % 30u) * kSampleRate;
  return std::make_unique<LoopSource>(rendered, start);
}

std::unique_ptr<AudioSource> AudioSource::holdMusic() { return std::make_unique<HoldMusic>(); }

double rmsOf(const std::int16_t* samples, std::size_t count) {
  if (!count) return 0;
  double sum = 0;
  for (std::size_t i = 0; i < count; ++i) {
    double v = samples[i] / 32768.0;
    sum += v * v;
  }
  return std::sqrt(sum / static_cast<double>(count));
}

}  // namespace tccc::server::media
