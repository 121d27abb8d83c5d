// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// CPU time, for the worker's account of where its CPU went (decode, render,
// encode, other). Thread clocks count only the calling thread's work, so a
// section that blocks (waiting for a prefetched photo) costs nothing.

#include <sys/resource.h>
#include <time.h>

#include <atomic>
#include <cstdint>

namespace chunkreel {

/// CPU seconds the calling thread has used.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/// CPU seconds (user and system) the whole process has used, all threads,
/// ended ones included.
inline double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/// CPU seconds the whole process has spent in the kernel (page faults on
/// fresh memory, file I/O), all threads, ended ones included.
inline double process_kernel_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
}

/// A running total of CPU time that several threads may add to.
class CpuTotal {
 public:
  void add(double seconds) { m_ns += static_cast<int64_t>(seconds * 1e9); }
  double seconds() const { return static_cast<double>(m_ns.load()) / 1e9; }

 private:
  std::atomic<int64_t> m_ns{0};
};

/// Adds the calling thread's CPU time over its own lifetime (a scope) to a
/// total, however the scope is left.
class ThreadCpuMeter {
 public:
  explicit ThreadCpuMeter(CpuTotal* total) : m_total(total), m_start(thread_cpu_seconds()) {}
  ~ThreadCpuMeter() { m_total->add(thread_cpu_seconds() - m_start); }
  ThreadCpuMeter(const ThreadCpuMeter&) = delete;
  ThreadCpuMeter& operator=(const ThreadCpuMeter&) = delete;

 private:
  CpuTotal* m_total;
  double m_start;
};

}  // namespace chunkreel
