// SPDX-License-Identifier: Apache-2.0
// The ITCCCCallback listeners, added and removed from any thread. Events are delivered on the SDK
// thread while the list's lock is held, so that once removeCallback() returns on another thread the
// listener is never called again and may be deleted. The lock is recursive: a callback may add or
// remove listeners itself.
#ifndef TCCC_NATIVE_SDK_CALLBACKS_HPP
#define TCCC_NATIVE_SDK_CALLBACKS_HPP

#include "tccc/ITCCCWorkstation.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace tccc::native {

class Callbacks {
 public:
  void add(ITCCCCallback* callback) {
    if (!callback) return;
    std::lock_guard lock(mMutex);
    if (std::find(mList.begin(), mList.end(), callback) == mList.end()) mList.push_back(callback);
  }
  void remove(ITCCCCallback* callback) {
    std::lock_guard lock(mMutex);
    mList.erase(std::remove(mList.begin(), mList.end(), callback), mList.end());
  }
  void clear() {
    std::lock_guard lock(mMutex);
    mList.clear();
  }
  /// Calls `f(listener)` for each listener present when it is its turn.
  template <class F>
  void each(F&& f) {
    std::lock_guard lock(mMutex);
    const std::vector<ITCCCCallback*> snapshot = mList;
    for (ITCCCCallback* c : snapshot) {
      if (std::find(mList.begin(), mList.end(), c) != mList.end()) f(*c);
    }
  }

 private:
  std::recursive_mutex mMutex;
  std::vector<ITCCCCallback*> mList;
};

}  // namespace tccc::native

#endif
