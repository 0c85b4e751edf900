// SPDX-License-Identifier: Apache-2.0
// Simulated packet loss for tests (POST /sim/sessions/<id>/impair): drops exactly the configured
// fraction of the packets it is asked about, spread evenly (error diffusion rather than dice), so
// that what a test measures over a second is the fraction it set, on any machine.
#ifndef TCCC_SERVER_MEDIA_LOSSINJECTOR_HPP
#define TCCC_SERVER_MEDIA_LOSSINJECTOR_HPP

#include <algorithm>

namespace tccc::server::media {

class LossInjector {
 public:
  /// `fraction` of the packets from now on (clamped to 0..1); 0 drops nothing.
  void setLoss(double fraction) {
    mLoss = std::clamp(fraction, 0.0, 1.0);
    if (mLoss == 0) mDebt = 0;
  }
  double loss() const { return mLoss; }
  /// Whether to drop the next packet.
  bool drop() {
    if (mLoss <= 0) return false;
    mDebt += mLoss;
    if (mDebt < 1.0 - 1e-9) return false;
    mDebt -= 1.0;
    return true;
  }

 private:
  double mLoss = 0;
  double mDebt = 0;
};

}  // namespace tccc::server::media

#endif
