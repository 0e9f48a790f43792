#include "app/interrupt.h"

#include <limits.h>
#include <pthread.h>
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
char g_stop_message[512] = {};  // written before any signal is taken
size_t g_stop_message_bytes = 0;

static_assert(std::atomic<bool>::is_always_lock_free);
static_assert(std::atomic<int>::is_always_lock_free);

// Async-signal-safe: called from the watcher thread, or as a handler.
void OnSignal(int) {
  if (g_signals.fetch_add(1) == 0) {
    g_interrupted.store(true);
    (void)!::write(STDERR_FILENO, g_stop_message, g_stop_message_bytes);
    return;
  }
  if (g_have_temp_path.load(std::memory_order_acquire)) ::unlink(g_temp_path);
  constexpr char kMessage[] = "\nsvgcast: aborted; no output written\n";
  (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  ::_exit(130);
}

extern "C" void HandleSignal(int signal) { OnSignal(signal); }

sigset_t InterruptSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptHandler::InterruptHandler(const std::string& outcome) {
  g_interrupted.store(false);
  g_signals.store(0);
  g_have_temp_path.store(false);
  const std::string message =
      "\nsvgcast: stopping; " + outcome + " (Ctrl-C again to abort)\n";
  g_stop_message_bytes = std::min(message.size(), sizeof g_stop_message);
  std::memcpy(g_stop_message, message.data(), g_stop_message_bytes);
  struct sigaction action {};
  action.sa_handler = HandleSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
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

void InterruptHandler::Watch() {
  const sigset_t signals = InterruptSignals();
  for (;;) {
    int signal = 0;
    if (::sigwait(&signals, &signal) != 0) continue;
    if (stopping_.load()) return;
    OnSignal(signal);
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

}  // namespace svgcast
