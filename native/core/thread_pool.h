// A small persistent thread pool for the kernels' parallel loops.
//
// parallel_for(n, fn) runs fn(0) .. fn(n-1) across the pool's threads and the
// caller, and returns when all are done. Work is split so that every output
// element is computed by exactly one task with the same arithmetic whatever
// the thread count, so results are bitwise identical for 1..N threads.
// Workers spin briefly before sleeping: the LSTM issues many short parallel
// regions (one per time step), where a condition-variable wake-up alone would
// cost as much as the work. If two models use the pool at once, the second
// caller runs its tasks inline (same results, no waiting).
#ifndef FLOWCAST_CORE_THREAD_POOL_H
#define FLOWCAST_CORE_THREAD_POOL_H

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "flowcast/flowcast.h"

namespace fc {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that run tasks, the caller included.
  int size() const { return (int)workers_.size() + 1; }

  void parallel_for(int n, const std::function<void(int)>& fn);

 private:
  void worker_loop(uint32_t seen);
  void stop_workers();
  // Claims and runs tasks of region `generation` until none are left.
  void run_tasks(uint32_t generation);

  std::vector<std::thread> workers_;
  std::mutex busy_;  // held by the caller of parallel_for for its whole duration
  std::mutex m_;
  std::condition_variable wake_;
  // The current region. A task index is claimed from ticket_ = (generation
  // << 32 | next index) by compare-and-swap, so a worker still finishing an
  // older region can never claim (or read fn_ of) a newer one by mistake;
  // fn_ stays valid until every claimed task has counted itself in done_.
  std::atomic<const std::function<void(int)>*> fn_{nullptr};
  std::atomic<int> n_{0};
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int> done_{0};
  std::atomic<uint32_t> generation_{0};
  std::atomic<bool> stop_{false};
};

// The process-wide pool. Its size comes from set_threads(), else the
// FLOWCAST_THREADS environment variable, else std::thread::hardware_concurrency().
ThreadPool& global_pool();
// The most threads a pool may have (a stated limit: far above any core count
// flowcast is built for, low enough that a typo cannot exhaust the process).
constexpr int kMaxThreads = 1024;

// Resizes the global pool to n threads (1 <= n <= kMaxThreads), not while a
// model is training. On failure the old pool stays: INVALID_ARGUMENT for n out
// of range, OUT_OF_MEMORY, or INTERNAL with *detail set when the OS refuses a
// thread. Never throws.
fc_status set_threads(int n, std::string* detail);
int get_threads();

}  // namespace fc

#endif  // FLOWCAST_CORE_THREAD_POOL_H
