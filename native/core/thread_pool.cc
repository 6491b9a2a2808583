#include "core/thread_pool.h"

#include <cstdlib>
#include <memory>
#include <string>

namespace fc {

// Each worker starts from generation 0, the one the pool is born with, not
// from whatever generation_ holds when the thread first runs: a pool that is
// created and destroyed before a worker is scheduled (setThreads twice in a
// row) would otherwise have that worker read the destructor's generation as
// "already seen" and sleep through its stop, and the join would never return.
// If the OS refuses a thread (std::system_error), the ones already started are
// stopped and joined before the exception leaves, so nothing is left running.
ThreadPool::ThreadPool(int threads) {
  try {
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { worker_loop(0); });
  } catch (...) {
    stop_workers();
    throw;
  }
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(m_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

static inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void ThreadPool::run_tasks(uint32_t generation) {
  for (;;) {
    uint64_t t = ticket_.load(std::memory_order_acquire);
    int index;
    for (;;) {
      if ((uint32_t)(t >> 32) != generation) return;
      index = (int)(uint32_t)t;
      if (index >= n_.load(std::memory_order_relaxed)) return;
      if (ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    (*fn_.load(std::memory_order_relaxed))(index);
    done_.fetch_add(1, std::memory_order_release);
  }
}

void ThreadPool::worker_loop(uint32_t seen) {
  for (;;) {
    // Spin a little for the next region (they come every few microseconds
    // while training), then sleep on the condition variable.
    for (int spins = 0; generation_.load(std::memory_order_acquire) == seen && spins < 20000; spins++) cpu_relax();
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(m_);
      wake_.wait(lock, [&] { return generation_.load() != seen || stop_.load(); });
    }
    seen = generation_.load(std::memory_order_acquire);
    if (stop_.load()) return;
    run_tasks(seen);
  }
}

void ThreadPool::parallel_for(int n, const std::function<void(int)>& fn) {
  if (n <= 0) return;
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (workers_.empty() || n == 1 || !busy.owns_lock()) {
    for (int i = 0; i < n; i++) fn(i);
    return;
  }
  uint32_t generation;
  {
    std::lock_guard<std::mutex> lock(m_);
    generation = generation_.load() + 1;
    fn_.store(&fn, std::memory_order_relaxed);
    n_.store(n, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    ticket_.store((uint64_t)generation << 32, std::memory_order_release);
    generation_.store(generation, std::memory_order_release);
  }
  wake_.notify_all();
  run_tasks(generation);
  while (done_.load(std::memory_order_acquire) < n) cpu_relax();
}

namespace {
std::mutex g_pool_mutex;
// Never destroyed at process exit, on purpose: a static destructor that
// joins the workers deadlocks on Windows, where ExitProcess has already
// terminated every other thread (winpthreads' join then waits for a thread
// that will never signal) while holding the loader lock. The OS reclaims the
// idle workers with the process; set_threads destroys replaced pools itself.
ThreadPool* g_pool = nullptr;

int default_threads() {
  if (const char* env = std::getenv("FLOWCAST_THREADS")) {
    const int n = std::atoi(env);
    if (n >= 1) return n < kMaxThreads ? n : kMaxThreads;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw >= 1 ? (int)hw : 1;
}
}  // namespace

ThreadPool& global_pool() {
  std::lock_guard<std::mutex> lock(g_pool_mutex);
  if (!g_pool) g_pool = new ThreadPool(default_threads());
  return *g_pool;
}

fc_status set_threads(int n, std::string* detail) {
  if (n < 1 || n > kMaxThreads) return FC_STATUS_INVALID_ARGUMENT;
  std::lock_guard<std::mutex> lock(g_pool_mutex);
  if (g_pool && g_pool->size() == n) return FC_STATUS_OK;
  // Build the new pool before dropping the old one, so a refusal leaves the
  // old pool (and its size) in place.
  try {
    auto pool = std::make_unique<ThreadPool>(n);
    delete g_pool;
    g_pool = pool.release();
  } catch (const std::bad_alloc&) {
    return FC_STATUS_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    if (detail) *detail = "the operating system refused to start " + std::to_string(n - 1) + " worker threads (" + e.what() + ")";
    return FC_STATUS_INTERNAL;
  }
  return FC_STATUS_OK;
}

int get_threads() { return global_pool().size(); }

}  // namespace fc
