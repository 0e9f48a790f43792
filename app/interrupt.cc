#include "app/interrupt.h"

#include <limits.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace svgcast {
namespace {

std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signals{0};
char g_temp_path[PATH_MAX] = {};  // read once g_have_temp_path is set
std::atomic<bool> g_have_temp_path{false};
// What a first signal prints: [0] before Started(), [1] after. Written
// before any signal is taken, never while one may be.
char g_stop_message[2][512] = {};
size_t g_stop_message_bytes[2] = {};
std::atomic<int> g_phase{1};
std::atomic<bool> g_terminal{false};  // stderr is a terminal
// Who sent the first signal (a process's pid, or 0 for the terminal or
// the kernel), and when (CLOCK_MONOTONIC, ns).
std::atomic<pid_t> g_first_sender{0};
std::atomic<int64_t> g_first_ns{0};

static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);
static_assert(std::atomic<pid_t>::is_always_lock_free);
static_assert(std::atomic<int64_t>::is_always_lock_free);

// How long after a first signal a process's second one is still the same
// request (InterruptHandler::kSameRequestMs).
std::atomic<int64_t> g_same_request_ns{0};

int64_t NowNs() {  // (async-signal-safe)
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// The pid of the process that sent the signal, or 0 if none did (Ctrl-C
// at a terminal is sent by the kernel).
pid_t Sender(const siginfo_t& info) {
  return info.si_code == SI_USER || info.si_code == SI_QUEUE ? info.si_pid : 0;
}

// Async-signal-safe: called from the watcher thread, or as a handler.
void OnSignal(const siginfo_t& info) {
  const pid_t sender = Sender(info);
  const int64_t now_ns = NowNs();
  if (g_signals.fetch_add(1) == 0) {
    g_first_sender.store(sender);
    g_first_ns.store(now_ns);
    g_interrupted.store(true);
    const int phase = g_phase.load();
    (void)!::write(STDERR_FILENO, g_stop_message[phase],
                   g_stop_message_bytes[phase]);
    return;
  }
  if (sender != 0 && sender == g_first_sender.load() &&
      now_ns - g_first_ns.load() < g_same_request_ns.load()) {
    return;  // the same request, sent twice
  }
  if (g_have_temp_path.load(std::memory_order_acquire)) ::unlink(g_temp_path);
  constexpr char kMessage[] = "\nsvgcast: aborted; no output written\n";
  const bool terminal = g_terminal.load();  // (else no line to end)
  (void)!::write(STDERR_FILENO, kMessage + (terminal ? 0 : 1),
                 sizeof kMessage - (terminal ? 1 : 2));
  ::_exit(130);
}

void SetMessage(int phase, const std::string& message) {
  g_stop_message_bytes[phase] =
      std::min(message.size(), sizeof g_stop_message[phase]);
  std::memcpy(g_stop_message[phase], message.data(),
              g_stop_message_bytes[phase]);
}

extern "C" void HandleSignal(int, siginfo_t* info, void*) { OnSignal(*info); }

sigset_t InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptHandler::InterruptHandler(
    const std::string& outcome, const std::optional<std::string>& before_start,
    int64_t same_request_ms) {
  g_interrupted.store(false);
  g_same_request_ns.store(same_request_ms * 1'000'000);
  g_signals.store(0);
  g_have_temp_path.store(false);
  // (On a terminal the line may come in the middle of a progress line.)
  g_terminal.store(::isatty(STDERR_FILENO) == 1);
  const std::string line_end = g_terminal.load() ? "\n" : "";
  SetMessage(1, line_end + "svgcast: stopping; " + outcome +
                    " (Ctrl-C again to abort)\n");
  if (before_start) {
    SetMessage(0, before_start->empty()
                      ? std::string()
                      : line_end + "svgcast: " + *before_start + "\n");
  }
  g_phase.store(before_start ? 0 : 1);
  struct sigaction action {};
  action.sa_sigaction = HandleSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  ::sigaction(SIGINT, &action, &old_int_);
  ::sigaction(SIGTERM, &action, &old_term_);
  const sigset_t signals = InterruptSignals();
  ::pthread_sigmask(SIG_BLOCK, &signals, &old_mask_);
  watcher_ = std::thread([this] { Watch(); });
}

void InterruptHandler::RemoveOnAbort(const std::string& temp_path) {
  if (temp_path.empty() || g_have_temp_path.load()) return;
  std::strncpy(g_temp_path, temp_path.c_str(), sizeof g_temp_path - 1);
  g_have_temp_path.store(true, std::memory_order_release);
}

void InterruptHandler::Started() { g_phase.store(1); }

void InterruptHandler::Watch() {
  const sigset_t signals = InterruptSignals();
  for (;;) {
    siginfo_t info{};
    if (::sigwaitinfo(&signals, &info) < 0) continue;
    if (stopping_.load()) return;
    OnSignal(info);
  }
}

InterruptHandler::~InterruptHandler() {
  stopping_.store(true);
  ::pthread_kill(watcher_.native_handle(), SIGINT);  // wakes sigwait()
  watcher_.join();
  ::sigaction(SIGINT, &old_int_, nullptr);
  ::sigaction(SIGTERM, &old_term_, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  g_have_temp_path.store(false);
}

const std::atomic<bool>* InterruptHandler::flag() { return &g_interrupted; }

int InterruptHandler::signals_taken() { return g_signals.load(); }

}  // namespace svgcast
