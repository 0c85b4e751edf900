// SPDX-License-Identifier: Apache-2.0
// The SDK's own thread: one io_context run by one thread, on which all of the native SDK's work
// happens and every callback is delivered (the seed's FAQ: callbacks come on the SDK's thread).
#ifndef TCCC_NATIVE_SDK_SDKTHREAD_HPP
#define TCCC_NATIVE_SDK_SDKTHREAD_HPP

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <utility>

namespace tccc::native {

class SdkThread {
 public:
  SdkThread()
      : mWork(boost::asio::make_work_guard(mIo)), mThread([this] {
          mId = std::this_thread::get_id();
          mIo.run();
        }) {}
  ~SdkThread() { stop(); }
  SdkThread(const SdkThread&) = delete;
  SdkThread& operator=(const SdkThread&) = delete;

  boost::asio::io_context& io() { return mIo; }
  bool onThisThread() const { return std::this_thread::get_id() == mId.load(); }

  template <class F>
  void post(F&& f) {
    boost::asio::post(mIo, std::forward<F>(f));
  }

  /// Runs `f` on the SDK thread and waits for it (runs it inline when already there).
  template <class F>
  void run(F&& f) {
    if (onThisThread()) return f();
    std::promise<void> done;
    post([&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  /// Lets the queued work finish, then ends the thread.
  void stop() {
    if (!mThread.joinable()) return;
    mWork.reset();
    if (onThisThread()) {
      mThread.detach();  // destroyed from a callback: the thread ends when it returns
      return;
    }
    mThread.join();
  }

 private:
  boost::asio::io_context mIo;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> mWork;
  std::atomic<std::thread::id> mId{};
  std::thread mThread;
};

}  // namespace tccc::native

#endif
