// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/run/worker_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/wait.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "common/unique_fd.h"
#include "orchestrator/run/worker_messages.h"

namespace chunkreel {
namespace bp = boost::process;

namespace {

constexpr size_t k_stderr_tail_bytes = 4096;

std::string describe_status(int status, bool* out_of_memory) {
  *out_of_memory = false;
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    *out_of_memory = sig == SIGKILL;
    std::string name = sigabbrev_np(sig) ? sigabbrev_np(sig) : std::to_string(sig);
    return "was killed by SIG" + name +
           (sig == SIGKILL ? " (possibly the kernel's out-of-memory killer)" : "");
  }
  return "ended with status " + std::to_string(status);
}

void set_flags(int fd) {
  ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

}  // namespace

struct WorkerPool::Worker {
  WorkerTask task;
  bp::child child;
  UniqueFd out;
  UniqueFd err;
  std::string out_buffer;
  std::string err_tail;
  bool done_reported = false;
  bool stalled = false;
  std::chrono::steady_clock::time_point last_heard = std::chrono::steady_clock::now();
  WorkerStats stats;
};

// Found from chunkreel's own executable, never from PATH, so the worker is
// always the one built with it: beside it in a build tree, or where
// `cmake --install` put it (CHUNKREEL_WORKER_FROM_BIN, relative to bin/).
std::string worker_executable_path() {
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  const std::filesystem::path beside = dir / "chunkreel-worker";
  if (std::filesystem::exists(beside, ec)) return beside.string();
  return (dir / CHUNKREEL_WORKER_FROM_BIN / "chunkreel-worker").lexically_normal().string();
}

WorkerPool::WorkerPool(std::string worker_path, int capacity,
                       std::chrono::milliseconds stall_timeout, bool nice)
    : m_worker_path(std::move(worker_path)),
      m_capacity(capacity),
      m_stall_timeout(stall_timeout),
      m_nice(nice) {}

WorkerPool::~WorkerPool() { abort_all(); }

bool WorkerPool::can_run_more() const { return static_cast<int>(m_workers.size()) < m_capacity; }

int WorkerPool::running() const { return static_cast<int>(m_workers.size()); }

Expected<void> WorkerPool::start(const WorkerTask& task) {
  auto worker = std::make_unique<Worker>();
  worker->task = task;
  bp::pipe out_pipe;
  bp::pipe err_pipe;
  std::error_code ec;
  const pid_t parent = ::getpid();
  const bool nice = m_nice;
  worker->child = bp::child(
      m_worker_path, task.job_path, bp::std_out > out_pipe, bp::std_err > err_pipe,
      bp::std_in < bp::null, ec,
      bp::extend::on_exec_setup([parent, nice](auto&) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (nice) {
          ::setpriority(PRIO_PROCESS, 0, 10);
          // ioprio_set(IOPRIO_WHO_PROCESS, self, IOPRIO_CLASS_IDLE << 13)
          ::syscall(SYS_ioprio_set, 1, 0, 3 << 13);
        }
        // The parent may have died between fork and prctl.
        if (::getppid() != parent) ::_exit(128 + SIGKILL);
      }));
  if (ec) return Error{"cannot start " + m_worker_path + ": " + ec.message()};
  worker->out.reset(out_pipe.native_source());
  out_pipe.assign_source(-1);
  worker->err.reset(err_pipe.native_source());
  err_pipe.assign_source(-1);
  set_flags(worker->out.get());
  set_flags(worker->err.get());
  m_workers.push_back(std::move(worker));
  return {};
}

void WorkerPool::read_output(Worker& worker, bool is_stderr) {
  UniqueFd& fd = is_stderr ? worker.err : worker.out;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n > 0) {
      if (!is_stderr) worker.last_heard = std::chrono::steady_clock::now();
      if (is_stderr) {
        worker.err_tail.append(buffer, static_cast<size_t>(n));
        if (worker.err_tail.size() > k_stderr_tail_bytes)
          worker.err_tail.erase(0, worker.err_tail.size() - k_stderr_tail_bytes);
      } else {
        worker.out_buffer.append(buffer, static_cast<size_t>(n));
      }
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
    fd.reset();  // EOF or error
    break;
  }
  if (is_stderr) return;
  size_t newline;
  while ((newline = worker.out_buffer.find('\n')) != std::string::npos) {
    std::string line = worker.out_buffer.substr(0, newline);
    worker.out_buffer.erase(0, newline + 1);
    const WorkerMessage message = parse_worker_line(line);
    if (message.kind == WorkerMessage::Kind::k_progress) {
      WorkerEvent e;
      e.kind = WorkerEvent::Kind::k_progress;
      e.chunk = worker.task.chunk;
      e.frames_done = message.frames_done;
      m_events.push_back(e);
    } else if (message.kind == WorkerMessage::Kind::k_done) {
      worker.done_reported = true;
      worker.stats = message.stats;
    }
  }
}

void WorkerPool::reap_finished() {
  for (size_t i = 0; i < m_workers.size();) {
    Worker& w = *m_workers[i];
    std::error_code ec;
    if (w.out || w.err || w.child.running(ec)) {
      ++i;
      continue;
    }
    const int status = w.child.native_exit_code();
    WorkerEvent e;
    e.kind = WorkerEvent::Kind::k_finished;
    e.chunk = w.task.chunk;
    e.success = WIFEXITED(status) && WEXITSTATUS(status) == 0 && w.done_reported;
    if (e.success) {
      e.stats = w.stats;
    } else if (w.stalled) {
      e.failure = "worker made no progress for " +
                  std::to_string(m_stall_timeout.count() / 1000.0).substr(0, 5) + " s and was stopped";
    } else {
      e.failure = "worker " + describe_status(status, &e.out_of_memory);
      std::string tail = last_lines(w.err_tail, 3);
      if (!tail.empty()) e.failure += "; its last output:\n" + tail;
    }
    m_events.push_back(std::move(e));
    m_workers.erase(m_workers.begin() + static_cast<ptrdiff_t>(i));
  }
}

int poll_timeout_ms(std::chrono::steady_clock::duration left) {
  if (left <= std::chrono::steady_clock::duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return static_cast<int>(std::min<int64_t>(ms, std::numeric_limits<int>::max()));
}

bool WorkerPool::wait(WorkerEvent* event, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // Kill workers that went silent; they are reaped as failures below.
    const auto now_for_stalls = std::chrono::steady_clock::now();
    for (auto& w : m_workers) {
      if (!w->stalled && now_for_stalls - w->last_heard > m_stall_timeout) {
        w->stalled = true;
        ::kill(-w->child.id(), SIGKILL);
      }
    }
    reap_finished();
    if (!m_events.empty()) {
      *event = std::move(m_events.front());
      m_events.pop_front();
      return true;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::vector<pollfd> fds;
    std::vector<std::pair<Worker*, bool>> owners;
    for (auto& w : m_workers) {
      if (w->out) {
        fds.push_back({w->out.get(), POLLIN, 0});
        owners.emplace_back(w.get(), false);
      }
      if (w->err) {
        fds.push_back({w->err.get(), POLLIN, 0});
        owners.emplace_back(w.get(), true);
      }
    }
    int remaining = poll_timeout_ms(deadline - now);
    // Pipes closed but the process not yet reaped: look again shortly.
    if (fds.empty() || static_cast<size_t>(running()) * 2 > fds.size())
      remaining = std::min(remaining, 10);
    int ready = ::poll(fds.data(), fds.size(), remaining);
    if (ready <= 0) continue;  // timeout or signal: the loop re-checks
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents) read_output(*owners[i].first, owners[i].second);
    }
  }
}

void WorkerPool::abort_all() {
  for (auto& w : m_workers) ::kill(-w->child.id(), SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  for (auto& w : m_workers) {
    std::error_code ec;
    while (w->child.running(ec) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (w->child.running(ec)) {
      ::kill(-w->child.id(), SIGKILL);
      w->child.wait(ec);
    }
  }
  m_workers.clear();
  m_events.clear();
}

std::vector<int64_t> WorkerPool::live_rss_bytes() const {
  std::vector<int64_t> sizes;
  const int64_t page = ::sysconf(_SC_PAGESIZE);
  for (const auto& w : m_workers) {
    std::ifstream statm("/proc/" + std::to_string(w->child.id()) + "/statm");
    int64_t total = 0, resident = 0;
    if (statm >> total >> resident) sizes.push_back(resident * page);
  }
  return sizes;
}

}  // namespace chunkreel
