#include "capture/portal_source.h"

#include <fcntl.h>
#include <pipewire/pipewire.h>
#include <spa/param/video/format-utils.h>
#include <spa/param/video/type-info.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "capture/clock.h"
#include "capture/geometry_text.h"
#include "capture/pacer.h"

namespace svgcast {
namespace {

constexpr char kPortalName[] = "org.freedesktop.portal.Desktop";
constexpr char kPortalPath[] = "/org/freedesktop/portal/desktop";
constexpr char kScreenCast[] = "org.freedesktop.portal.ScreenCast";

std::string BusError(int r) { return std::strerror(-r); }

// RAII for sd-bus's handles.
struct BusUnref {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
  void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using BusPtr = std::unique_ptr<sd_bus, BusUnref>;
using SlotPtr = std::unique_ptr<sd_bus_slot, BusUnref>;
using MessagePtr = std::unique_ptr<sd_bus_message, BusUnref>;

// An sd_bus_error freed when it goes.
struct CallError {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  ~CallError() { sd_bus_error_free(&error); }
  std::string text(int r) const {
    return error.message != nullptr ? error.message : BusError(r);
  }
};

// One entry of a portal call's options (a{sv}).
struct Option {
  std::string key;
  char type;  // 's', 'u' or 'b'
  std::string text;
  uint32_t number = 0;
};

int AppendOptions(sd_bus_message* m, const std::vector<Option>& options) {
  int r = sd_bus_message_open_container(m, 'a', "{sv}");
  for (const Option& o : options) {
    if (r < 0) return r;
    r = sd_bus_message_open_container(m, 'e', "sv");
    if (r >= 0) r = sd_bus_message_append(m, "s", o.key.c_str());
    const char type[2] = {o.type, 0};
    if (r >= 0) r = sd_bus_message_open_container(m, 'v', type);
    if (r >= 0) {
      r = o.type == 's' ? sd_bus_message_append(m, "s", o.text.c_str())
          : o.type == 'b'
              ? sd_bus_message_append(m, "b", static_cast<int>(o.number))
              : sd_bus_message_append(m, "u", o.number);
    }
    if (r >= 0) r = sd_bus_message_close_container(m);
    if (r >= 0) r = sd_bus_message_close_container(m);
  }
  if (r >= 0) r = sd_bus_message_close_container(m);
  return r;
}

// What Start answers: the stream to read.
struct CastStream {
  uint32_t node_id = 0;
  cv::Size size;  // as the portal says; (0, 0) when it does not
};

// The portal's side of a screen cast: the session bus, the portal's
// requests (each answered by a Response signal on an object of its own), the
// session, which the desktop may close.
class PortalSession {
 public:
  PortalSession() = default;
  PortalSession(const PortalSession&) = delete;
  PortalSession& operator=(const PortalSession&) = delete;
  ~PortalSession() {
    if (!session_.empty() && !closed_ && bus_) {
      sd_bus_call_method(bus_.get(), kPortalName, session_.c_str(),
                         "org.freedesktop.portal.Session", "Close", nullptr,
                         nullptr, nullptr);
    }
  }

  Status Connect(const std::atomic<bool>* cancel) {
    cancel_ = cancel;
    sd_bus* bus = nullptr;
    if (int r = sd_bus_open_user(&bus); r < 0) {
      return Status::Error(
          "no D-Bus session bus (" + BusError(r) +
          "): the Wayland screen cast asks the desktop's portal over it "
          "(is DBUS_SESSION_BUS_ADDRESS set?)");
    }
    bus_.reset(bus);
    const char* unique = nullptr;
    if (int r = sd_bus_get_unique_name(bus, &unique); r < 0) {
      return Status::Error("D-Bus session bus: " + BusError(r));
    }
    sender_ = unique + 1;  // ":1.42" -> "1_42"
    std::replace(sender_.begin(), sender_.end(), '.', '_');
    return Status::Ok();
  }

  Status CreateSession() {
    MessagePtr results;
    const std::string token = "svgcast" + std::to_string(::getpid());
    if (Status s = Request("CreateSession", "", nullptr,
                           {{"session_handle_token", 's', token}}, &results);
        !s.ok()) {
      return s;
    }
    const char* handle = nullptr;
    if (Status s = FindResult(results.get(), "session_handle", "s", &handle);
        !s.ok()) {
      return s;
    }
    session_ = handle;
    // The desktop may end the cast (the user stops sharing).
    sd_bus_slot* slot = nullptr;
    int r = sd_bus_match_signal(
        bus_.get(), &slot, kPortalName, session_.c_str(),
        "org.freedesktop.portal.Session", "Closed",
        [](sd_bus_message*, void* self, sd_bus_error*) {
          static_cast<PortalSession*>(self)->closed_ = true;
          return 0;
        },
        this);
    if (r < 0) return Status::Error("D-Bus: " + BusError(r));
    closed_slot_.reset(slot);
    return Status::Ok();
  }

  // `restore_token`: the desktop's earlier answer, if any; `persist`: ask
  // for a token to remember this one.
  // The portal's cursor modes (1 hidden, 2 drawn in, 4 beside the
  // pictures); 0 when it does not say (an old portal).
  uint32_t AvailableCursorModes() {
    uint32_t modes = 0;
    CallError error;
    if (sd_bus_get_property_trivial(bus_.get(), kPortalName, kPortalPath,
                                    kScreenCast, "AvailableCursorModes",
                                    &error.error, 'u', &modes) < 0) {
      return 0;
    }
    return modes;
  }

  Status SelectSources(uint32_t cursor_mode, const std::string& restore_token,
                       bool persist) {
    std::vector<Option> options = {{"types", 'u', "", 1},  // a monitor
                                   {"multiple", 'b', "", 0},
                                   {"cursor_mode", 'u', "", cursor_mode}};
    if (persist) {
      options.push_back({"persist_mode", 'u', "", 2});  // until revoked
      if (!restore_token.empty()) {
        options.push_back({"restore_token", 's', restore_token});
      }
    }
    MessagePtr results;
    return Request("SelectSources", session_, nullptr, options, &results);
  }

  // `restore_token`: set when the desktop gives one.
  Status Start(CastStream* stream, std::string* restore_token) {
    MessagePtr results;
    // No parent window: svgcast has none.
    if (Status s = Request("Start", session_, "", {}, &results); !s.ok()) {
      return s;
    }
    sd_bus_message* m = results.get();
    int r;
    bool found = false;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
      const char* key = nullptr;
      if ((r = sd_bus_message_read(m, "s", &key)) < 0) break;
      if (std::strcmp(key, "restore_token") == 0) {
        const char* token = nullptr;
        if ((r = sd_bus_message_read(m, "v", "s", &token)) < 0) break;
        *restore_token = token;
      } else if (std::strcmp(key, "streams") != 0) {
        if ((r = sd_bus_message_skip(m, "v")) < 0) break;
      } else {
        r = ReadFirstStream(m, stream);
        if (r < 0) break;
        found = r > 0;
      }
      if ((r = sd_bus_message_exit_container(m)) < 0) break;
    }
    if (r < 0) {
      return Status::Error("the screen-cast portal's answer to Start: " +
                           BusError(r));
    }
    if (!found) {
      return Status::Error("the screen-cast portal started no stream");
    }
    return Status::Ok();
  }

  Status OpenPipeWireRemote(int* fd) {
    CallError error;
    sd_bus_message* reply = nullptr;
    int r = sd_bus_call_method(bus_.get(), kPortalName, kPortalPath,
                               kScreenCast, "OpenPipeWireRemote",
                               &error.error, &reply, "oa{sv}",
                               session_.c_str(), 0);
    MessagePtr owned(reply);
    int received = -1;
    if (r >= 0) r = sd_bus_message_read(reply, "h", &received);
    if (r < 0) {
      return Status::Error("the screen-cast portal gave no PipeWire "
                           "connection: " + error.text(r));
    }
    *fd = ::fcntl(received, F_DUPFD_CLOEXEC, 3);  // the message owns its own
    if (*fd < 0) return Status::FromErrno("PipeWire connection", errno);
    return Status::Ok();
  }

  // Handles what arrived on the bus (without waiting); true while the
  // desktop has not closed the session.
  bool Poll() {
    while (sd_bus_process(bus_.get(), nullptr) > 0) {
    }
    return !closed_;
  }

 private:
  // Calls a method that answers through a Request object, waits for its
  // Response and hands out its results (a{sv}, the reader inside it). Its
  // arguments: the session (unless empty), the parent window (Start's;
  // unless null), the options.
  Status Request(const char* method, const std::string& session,
                 const char* parent_window, std::vector<Option> options,
                 MessagePtr* results) {
    const std::string token =
        "svgcast" + std::to_string(::getpid()) + "_" +
        std::to_string(++requests_);
    const std::string path =
        std::string(kPortalPath) + "/request/" + sender_ + "/" + token;
    options.push_back({"handle_token", 's', token});

    // Listen before asking: the answer may come before the call returns.
    struct Answer {
      bool done = false;
      MessagePtr message;
    } answer;
    sd_bus_slot* slot = nullptr;
    int r = sd_bus_match_signal(
        bus_.get(), &slot, kPortalName, path.c_str(),
        "org.freedesktop.portal.Request", "Response",
        [](sd_bus_message* m, void* data, sd_bus_error*) {
          auto* a = static_cast<Answer*>(data);
          a->done = true;
          a->message.reset(sd_bus_message_ref(m));
          return 0;
        },
        &answer);
    if (r < 0) return Status::Error("D-Bus: " + BusError(r));
    SlotPtr match(slot);

    sd_bus_message* call = nullptr;
    r = sd_bus_message_new_method_call(bus_.get(), &call, kPortalName,
                                       kPortalPath, kScreenCast, method);
    MessagePtr owned_call(call);
    if (r >= 0 && !session.empty()) {
      r = sd_bus_message_append(call, "o", session.c_str());
    }
    if (r >= 0 && parent_window != nullptr) {
      r = sd_bus_message_append(call, "s", parent_window);
    }
    if (r >= 0) r = AppendOptions(call, options);
    CallError error;
    sd_bus_message* reply = nullptr;
    if (r >= 0) r = sd_bus_call(bus_.get(), call, 0, &error.error, &reply);
    MessagePtr owned_reply(reply);
    if (r < 0) {
      if (sd_bus_error_has_name(&error.error,
                                SD_BUS_ERROR_SERVICE_UNKNOWN) ||
          sd_bus_error_has_name(&error.error, SD_BUS_ERROR_UNKNOWN_METHOD) ||
          sd_bus_error_has_name(&error.error,
                                SD_BUS_ERROR_UNKNOWN_INTERFACE)) {
        return Status::Error(
            "no screen-cast portal on the D-Bus session bus (" +
            error.text(r) +
            "): install xdg-desktop-portal and your desktop's backend "
            "(xdg-desktop-portal-gnome, -kde or -wlr)");
      }
      return Status::Error(std::string("the screen-cast portal's ") + method +
                           " failed: " + error.text(r));
    }

    // The user may take a while (a dialog asks which monitor to share).
    while (!answer.done) {
      if (cancel_ != nullptr && cancel_->load()) {
        return Status::Interrupted(
            "stopped while waiting for the desktop to start the screen "
            "cast; nothing is recorded");
      }
      r = sd_bus_process(bus_.get(), nullptr);
      if (r > 0) continue;
      if (r >= 0) r = sd_bus_wait(bus_.get(), 200 * 1000);
      if (r < 0) {
        return Status::Error("D-Bus session bus, waiting for the portal: " +
                             BusError(r));
      }
    }
    sd_bus_message* m = answer.message.get();
    uint32_t code = 2;
    if (sd_bus_message_read(m, "u", &code) < 0 ||
        sd_bus_message_enter_container(m, 'a', "{sv}") < 0) {
      return Status::Error(std::string("the screen-cast portal's answer to ") +
                           method + " is not what the portal's API says");
    }
    if (code == 1) {
      return Status::Error(
          "the desktop did not share the screen (its dialog was cancelled)");
    }
    if (code != 0) {
      return Status::Error(std::string("the desktop's screen-cast portal "
                                       "failed (") +
                           method + " answered " + std::to_string(code) +
                           ")");
    }
    *results = std::move(answer.message);
    return Status::Ok();
  }

  // Finds `key` among the results (the reader inside a{sv}) and reads its
  // value of that one-letter type.
  static Status FindResult(sd_bus_message* m, const char* key,
                           const char* type, const char** value) {
    int r;
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
      const char* name = nullptr;
      if ((r = sd_bus_message_read(m, "s", &name)) < 0) break;
      if (std::strcmp(name, key) == 0) {
        r = sd_bus_message_read(m, "v", type, value);
        if (r >= 0) return Status::Ok();
        break;
      }
      if ((r = sd_bus_message_skip(m, "v")) < 0) break;
      if ((r = sd_bus_message_exit_container(m)) < 0) break;
    }
    return Status::Error(std::string("the screen-cast portal's answer has no ") +
                         key);
  }

  // Inside "streams": v of a(ua{sv}); reads the first stream. 1 when there
  // is one, 0 when none, < 0 on error.
  static int ReadFirstStream(sd_bus_message* m, CastStream* stream) {
    int r = sd_bus_message_enter_container(m, 'v', "a(ua{sv})");
    if (r < 0) return r;
    if ((r = sd_bus_message_enter_container(m, 'a', "(ua{sv})")) < 0) return r;
    int found = 0;
    while ((r = sd_bus_message_enter_container(m, 'r', "ua{sv}")) > 0) {
      uint32_t node = 0;
      if ((r = sd_bus_message_read(m, "u", &node)) < 0) return r;
      if ((r = sd_bus_message_enter_container(m, 'a', "{sv}")) < 0) return r;
      cv::Size size;
      while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* key = nullptr;
        if ((r = sd_bus_message_read(m, "s", &key)) < 0) return r;
        if (std::strcmp(key, "size") == 0) {
          int32_t w = 0, h = 0;
          if ((r = sd_bus_message_read(m, "v", "(ii)", &w, &h)) < 0) return r;
          size = cv::Size(w, h);
        } else if ((r = sd_bus_message_skip(m, "v")) < 0) {
          return r;
        }
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
      }
      if (r < 0) return r;
      if ((r = sd_bus_message_exit_container(m)) < 0) return r;  // a{sv}
      if ((r = sd_bus_message_exit_container(m)) < 0) return r;  // struct
      if (found == 0) {
        stream->node_id = node;
        stream->size = size;
        found = 1;
      }
    }
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;  // array
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;  // variant
    return found;
  }

  BusPtr bus_;
  SlotPtr closed_slot_;
  const std::atomic<bool>* cancel_ = nullptr;
  std::string sender_;
  std::string session_;
  uint64_t requests_ = 0;
  bool closed_ = false;
};

// The PipeWire side: a stream of the cast's node, read on a thread of its
// own (pw_thread_loop); the latest picture, as BGRX, for the capture
// thread.
class CastReader {
 public:
  CastReader() = default;
  CastReader(const CastReader&) = delete;
  CastReader& operator=(const CastReader&) = delete;
  ~CastReader() {
    if (loop_ == nullptr) return;
    pw_thread_loop_lock(loop_);
    if (stream_ != nullptr) pw_stream_destroy(stream_);
    if (registry_ != nullptr) {
      spa_hook_remove(&registry_listener_);
      pw_proxy_destroy(reinterpret_cast<pw_proxy*>(registry_));
    }
    if (core_ != nullptr) pw_core_disconnect(core_);
    pw_thread_loop_unlock(loop_);
    pw_thread_loop_stop(loop_);
    if (context_ != nullptr) pw_context_destroy(context_);
    pw_thread_loop_destroy(loop_);
  }

  // Connects through `fd` (owned from here on) to the node.
  // `cursor_metadata`: the pointer comes beside the pictures.
  Status Start(int fd, uint32_t node_id, std::optional<cv::Rect> region,
               bool cursor_metadata) {
    static std::once_flag init;
    std::call_once(init, [] { pw_init(nullptr, nullptr); });
    region_ = region;
    cursor_metadata_ = cursor_metadata;
    loop_ = pw_thread_loop_new("svgcast-cast", nullptr);
    if (loop_ == nullptr) {
      ::close(fd);
      return Status::FromErrno("PipeWire thread", errno);
    }
    context_ = pw_context_new(pw_thread_loop_get_loop(loop_), nullptr, 0);
    if (context_ == nullptr) {
      ::close(fd);
      return Status::FromErrno("PipeWire context", errno);
    }
    if (pw_thread_loop_start(loop_) < 0) {
      ::close(fd);
      return Status::Error("cannot start PipeWire's thread");
    }
    pw_thread_loop_lock(loop_);
    Status status = Connect(fd, node_id);
    pw_thread_loop_unlock(loop_);
    return status;
  }

  // Waits for the first picture (or a failure, or the timeout).
  Status WaitForFirstPicture(int timeout_ms, const std::atomic<bool>* cancel) {
    std::unique_lock<std::mutex> lock(mutex_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (latest_ == nullptr && failure_.empty()) {
      if (cancel != nullptr && cancel->load()) {
        return Status::Interrupted(
            "stopped while waiting for the first picture of the screen cast; "
            "nothing is recorded");
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        return Status::Error("the screen cast gave no picture within " +
                             std::to_string(timeout_ms / 1000) +
                             " s (PipeWire stream " + state_ + ")");
      }
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    if (!failure_.empty()) return Status::Error(failure_);
    return Status::Ok();
  }

  // The latest picture, or why there is none any more.
  Status Latest(std::shared_ptr<const cv::Mat>* picture,
                std::optional<CursorSample>* cursor) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.empty()) return Status::SourceLost(failure_);
    *picture = latest_;
    *cursor = cursor_;
    return Status::Ok();
  }

  cv::Size frame_size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return latest_ ? latest_->size() : cv::Size();
  }

 private:
  // On the loop's thread, or with its lock held.
  Status Connect(int fd, uint32_t node_id) {
    core_ = pw_context_connect_fd(context_, fd, nullptr, 0);
    if (core_ == nullptr) {
      return Status::FromErrno("cannot connect to PipeWire", errno);
    }
    stream_ = pw_stream_new(
        core_, "svgcast",
        pw_properties_new(PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY,
                          "Capture", PW_KEY_MEDIA_ROLE, "Screen", nullptr));
    if (stream_ == nullptr) return Status::FromErrno("PipeWire stream", errno);
    // The desktop removing the cast's node unlinks the stream, which only
    // pauses it: the registry says the node went.
    node_id_ = node_id;
    registry_ = pw_core_get_registry(core_, PW_VERSION_REGISTRY, 0);
    if (registry_ == nullptr) {
      return Status::FromErrno("PipeWire registry", errno);
    }
    static const pw_registry_events registry_events = [] {
      pw_registry_events e{};
      e.version = PW_VERSION_REGISTRY_EVENTS;
      e.global_remove = [](void* self, uint32_t id) {
        auto* reader = static_cast<CastReader*>(self);
        if (id == reader->node_id_) {
          reader->Fail(
              "the screen cast ended (the desktop removed its PipeWire "
              "stream)");
        }
      };
      return e;
    }();
    pw_registry_add_listener(registry_, &registry_listener_, &registry_events,
                             this);
    static const pw_stream_events events = [] {
      pw_stream_events e{};
      e.version = PW_VERSION_STREAM_EVENTS;
      e.state_changed = [](void* self, pw_stream_state, pw_stream_state state,
                           const char* error) {
        static_cast<CastReader*>(self)->OnState(state, error);
      };
      e.param_changed = [](void* self, uint32_t id, const spa_pod* param) {
        static_cast<CastReader*>(self)->OnParam(id, param);
      };
      e.process = [](void* self) { static_cast<CastReader*>(self)->OnProcess(); };
      return e;
    }();
    pw_stream_add_listener(stream_, &listener_, &events, this);

    uint8_t buffer[1024];
    spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof buffer);
    const spa_rectangle size = SPA_RECTANGLE(1920, 1080);
    const spa_rectangle min_size = SPA_RECTANGLE(1, 1);
    const spa_rectangle max_size = SPA_RECTANGLE(16384, 16384);
    const spa_fraction rate = SPA_FRACTION(30, 1);
    const spa_fraction min_rate = SPA_FRACTION(0, 1);
    const spa_fraction max_rate = SPA_FRACTION(1000, 1);
    const spa_pod* params[1];
    params[0] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
        &b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat,
        SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video),
        SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
        SPA_FORMAT_VIDEO_format,
        SPA_POD_CHOICE_ENUM_Id(5, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRx,
                               SPA_VIDEO_FORMAT_BGRA, SPA_VIDEO_FORMAT_RGBx,
                               SPA_VIDEO_FORMAT_RGBA),
        SPA_FORMAT_VIDEO_size,
        SPA_POD_CHOICE_RANGE_Rectangle(&size, &min_size, &max_size),
        SPA_FORMAT_VIDEO_framerate,
        SPA_POD_CHOICE_RANGE_Fraction(&rate, &min_rate, &max_rate)));
    const int r = pw_stream_connect(
        stream_, PW_DIRECTION_INPUT, node_id,
        static_cast<pw_stream_flags>(PW_STREAM_FLAG_AUTOCONNECT |
                                     PW_STREAM_FLAG_MAP_BUFFERS),
        params, 1);
    if (r < 0) {
      return Status::Error("cannot connect to the screen cast's PipeWire "
                           "stream: " + std::string(std::strerror(-r)));
    }
    return Status::Ok();
  }

  void Fail(std::string why) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failure_.empty()) failure_ = std::move(why);
    changed_.notify_all();
  }

  void OnState(pw_stream_state state, const char* error) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state_ = pw_stream_state_as_string(state);
    }
    if (state == PW_STREAM_STATE_ERROR) {
      Fail(std::string("the screen cast's PipeWire stream failed: ") +
           (error != nullptr ? error : "no reason given"));
    } else if (state == PW_STREAM_STATE_UNCONNECTED && streaming_) {
      Fail("the screen cast ended (its PipeWire stream was disconnected)");
    } else if (state == PW_STREAM_STATE_STREAMING) {
      streaming_ = true;
    }
  }

  void OnParam(uint32_t id, const spa_pod* param) {
    if (param == nullptr || id != SPA_PARAM_Format) return;
    uint32_t media_type = 0, media_subtype = 0;
    if (spa_format_parse(param, &media_type, &media_subtype) < 0 ||
        media_type != SPA_MEDIA_TYPE_video ||
        media_subtype != SPA_MEDIA_SUBTYPE_raw) {
      return;
    }
    spa_video_info_raw info{};
    if (spa_format_video_raw_parse(param, &info) < 0) return;
    format_ = info.format;
    size_ = cv::Size(static_cast<int>(info.size.width),
                     static_cast<int>(info.size.height));
    frame_size_for_pointer_ = region_ ? region_->size() : size_;

    uint8_t buffer[1024];
    spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof buffer);
    const spa_pod* params[3];
    params[0] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
        &b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
        SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(4, 2, 16),
        SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(1),
        SPA_PARAM_BUFFERS_dataType,
        SPA_POD_CHOICE_FLAGS_Int((1 << SPA_DATA_MemPtr) |
                                 (1 << SPA_DATA_MemFd))));
    params[1] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
        &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
        SPA_POD_Id(SPA_META_Header), SPA_PARAM_META_size,
        SPA_POD_Int(sizeof(spa_meta_header))));
    uint32_t n_params = 2;
    if (cursor_metadata_) {
      // Room for the pointer and its image, up to 256x256.
      const auto cursor_size = [](int side) {
        return static_cast<int>(sizeof(spa_meta_cursor) +
                                sizeof(spa_meta_bitmap) + side * side * 4);
      };
      params[n_params++] = static_cast<const spa_pod*>(
          spa_pod_builder_add_object(
              &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta,
              SPA_PARAM_META_type, SPA_POD_Id(SPA_META_Cursor),
              SPA_PARAM_META_size,
              SPA_POD_CHOICE_RANGE_Int(cursor_size(64), cursor_size(1),
                                       cursor_size(256))));
    }
    pw_stream_update_params(stream_, params, n_params);
  }

  void OnProcess() {
    // The pointer's news from every buffer, in order; the picture only from
    // the newest that has one (a desktop sends buffers without a picture
    // when only the pointer moved). Older ones go straight back.
    pw_buffer* newest = nullptr;
    while (pw_buffer* b = pw_stream_dequeue_buffer(stream_)) {
      if (cursor_metadata_) ReadCursor(*b->buffer);
      if (!HasPicture(*b->buffer)) {
        pw_stream_queue_buffer(stream_, b);
        continue;
      }
      if (newest != nullptr) pw_stream_queue_buffer(stream_, newest);
      newest = b;
    }
    if (newest == nullptr) return;
    Copy(*newest->buffer);
    pw_stream_queue_buffer(stream_, newest);
  }

  static bool HasPicture(const spa_buffer& buffer) {
    if (buffer.n_datas < 1) return false;
    const spa_data& data = buffer.datas[0];
    return data.data != nullptr && data.chunk != nullptr &&
           data.chunk->size > 0 &&
           (data.chunk->flags & SPA_CHUNK_FLAG_CORRUPTED) == 0;
  }

  // The pointer as the desktop describes it beside the picture (the
  // portal's "metadata" cursor mode): where its hotspot is, and, when its
  // image changed, the image (premultiplied, as the desktops send it: here
  // straight alpha, as a CursorSample holds it); an empty image means
  // hidden.
  void ReadCursor(const spa_buffer& buffer) {
    const spa_meta* meta = spa_buffer_find_meta(&buffer, SPA_META_Cursor);
    if (meta == nullptr || meta->size < sizeof(spa_meta_cursor)) return;
    const auto* cursor = static_cast<const spa_meta_cursor*>(meta->data);
    if (!spa_meta_cursor_is_valid(cursor)) return;  // nothing new
    const cv::Point origin = region_ ? region_->tl() : cv::Point();
    pointer_.position =
        cv::Point(cursor->position.x, cursor->position.y) - origin;
    pointer_.hotspot = cv::Point(cursor->hotspot.x, cursor->hotspot.y);
    if (cursor->bitmap_offset >= sizeof(spa_meta_cursor) &&
        cursor->bitmap_offset + sizeof(spa_meta_bitmap) <= meta->size) {
      const auto* bitmap = SPA_PTROFF(cursor, cursor->bitmap_offset,
                                      const spa_meta_bitmap);
      pointer_hidden_ = bitmap->size.width == 0 || bitmap->size.height == 0;
      if (!pointer_hidden_) {
        const size_t stride =
            bitmap->stride > 0 ? static_cast<size_t>(bitmap->stride)
                               : bitmap->size.width * 4;
        const size_t end = cursor->bitmap_offset + bitmap->offset +
                           stride * (bitmap->size.height - 1) +
                           bitmap->size.width * 4;
        if (bitmap->size.width > 1024 || bitmap->size.height > 1024 ||
            stride < bitmap->size.width * 4 || end > meta->size) {
          return;  // not what the meta's size holds: keep the last image
        }
        const cv::Mat pixels(
            static_cast<int>(bitmap->size.height),
            static_cast<int>(bitmap->size.width), CV_8UC4,
            const_cast<uint8_t*>(
                SPA_PTROFF(bitmap, bitmap->offset, const uint8_t)),
            stride);
        cv::Mat image;  // new memory: frames keep the old image
        switch (bitmap->format) {
          case SPA_VIDEO_FORMAT_RGBA:
            cv::cvtColor(pixels, image, cv::COLOR_RGBA2BGRA);
            break;
          case SPA_VIDEO_FORMAT_BGRA:
            image = pixels.clone();
            break;
          case SPA_VIDEO_FORMAT_ARGB:
          case SPA_VIDEO_FORMAT_ABGR: {
            image.create(pixels.size(), CV_8UC4);
            const bool argb = bitmap->format == SPA_VIDEO_FORMAT_ARGB;
            // Into B, G, R, A from A,R,G,B (or A,B,G,R).
            const int from_to[] = {argb ? 3 : 1, 0, 2, 1, argb ? 1 : 3, 2,
                                   0, 3};
            cv::mixChannels(&pixels, 1, &image, 1, from_to, 4);
            break;
          }
          default:
            return;  // a format svgcast does not know: keep the last image
        }
        for (int y = 0; y < image.rows; ++y) {
          uint8_t* p = image.ptr<uint8_t>(y);
          for (int x = 0; x < image.cols; ++x, p += 4) {
            const int a = p[3];
            if (a == 0 || a == 255) continue;
            for (int c = 0; c < 3; ++c) {
              p[c] = static_cast<uint8_t>(
                  std::min(255, (p[c] * 255 + a / 2) / a));
            }
          }
        }
        pointer_.image = image;
        pointer_.shape_serial += 1;
      }
    }
    pointer_.visible = !pointer_hidden_ && !pointer_.image.empty() &&
                       pointer_.position.x >= 0 && pointer_.position.y >= 0 &&
                       pointer_.position.x < frame_size_for_pointer_.width &&
                       pointer_.position.y < frame_size_for_pointer_.height;
    std::lock_guard<std::mutex> lock(mutex_);
    cursor_ = pointer_;
  }

  // Copies a picture out of its buffer (which goes back to the desktop) as
  // BGRX, the fourth byte 255.
  void Copy(const spa_buffer& buffer) {
    if (!HasPicture(buffer) || size_.empty()) return;
    const spa_data& data = buffer.datas[0];
    const size_t row_bytes = static_cast<size_t>(size_.width) * 4;
    const size_t stride =
        data.chunk->stride > 0 ? static_cast<size_t>(data.chunk->stride)
                               : row_bytes;
    const size_t offset = data.chunk->offset % std::max<uint32_t>(data.maxsize, 1);
    if (stride < row_bytes ||
        offset + stride * (size_.height - 1) + row_bytes > data.maxsize) {
      Fail("the screen cast's pictures do not fit their buffers (" +
           SizeText(size_) + ", stride " + std::to_string(stride) + ")");
      return;
    }
    if (first_size_.empty()) {
      first_size_ = size_;
      if (region_ && (*region_ & cv::Rect(cv::Point(), size_)) != *region_) {
        Fail("--region " + RegionText(*region_) + " does not fit on the " +
             SizeText(size_) + " monitor the desktop shares");
        return;
      }
    } else if (size_ != first_size_) {
      Fail("the shared monitor changed size from " + SizeText(first_size_) +
           " to " + SizeText(size_));
      return;
    }
    const cv::Mat source(size_, CV_8UC4,
                         static_cast<uint8_t*>(data.data) + offset, stride);
    const cv::Rect rect = region_.value_or(cv::Rect(cv::Point(), size_));
    auto picture = std::make_shared<cv::Mat>(rect.size(), CV_8UC4);
    const cv::Mat part = source(rect);
    // The fourth byte 255 (OR-ed in): in the same pass as the copy.
    const cv::Scalar opaque(0, 0, 0, 255);
    if (format_ == SPA_VIDEO_FORMAT_RGBx || format_ == SPA_VIDEO_FORMAT_RGBA) {
      cv::cvtColor(part, *picture, cv::COLOR_RGBA2BGRA);
      cv::bitwise_or(*picture, opaque, *picture);
    } else {
      cv::bitwise_or(part, opaque, *picture);
    }
    std::lock_guard<std::mutex> lock(mutex_);
    latest_ = std::move(picture);
    changed_.notify_all();
  }

  pw_thread_loop* loop_ = nullptr;
  pw_context* context_ = nullptr;
  pw_core* core_ = nullptr;
  pw_stream* stream_ = nullptr;
  spa_hook listener_{};
  pw_registry* registry_ = nullptr;
  spa_hook registry_listener_{};
  uint32_t node_id_ = SPA_ID_INVALID;
  // On the PipeWire thread only:
  std::optional<cv::Rect> region_;
  uint32_t format_ = SPA_VIDEO_FORMAT_UNKNOWN;
  cv::Size size_;
  cv::Size first_size_;
  cv::Size frame_size_for_pointer_;
  bool streaming_ = false;
  bool cursor_metadata_ = false;  // set before the stream connects
  CursorSample pointer_;
  bool pointer_hidden_ = false;
  // Shared with the capture thread, under mutex_:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::shared_ptr<const cv::Mat> latest_;
  std::optional<CursorSample> cursor_;  // with cursor metadata, once known
  std::string failure_;
  std::string state_ = "not connected";
};

// The remembered answer: one line; "" when there is none.
std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  return token;
}

// Remembers the desktop's answer (its folder made, the file private and
// replaced whole). A failure only means asking again next time.
void WriteToken(const std::string& path, const std::string& token) {
  std::error_code error;
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path(), error);
  const std::string temp = path + ".new";
  const int fd =
      ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const std::string line = token + "\n";
  const bool written =
      ::write(fd, line.data(), line.size()) ==
      static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written || ::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
  }
}

class PortalSource : public FrameSource {
 public:
  explicit PortalSource(double fps)
      : period_ns_(static_cast<int64_t>(1e9 / fps)) {}

  Status Open(const PortalOptions& options) {
    if (Status s = portal_.Connect(options.cancel); !s.ok()) return s;
    if (Status s = portal_.CreateSession(); !s.ok()) return s;
    const bool persist = !options.restore_token_file.empty();
    const std::string earlier = persist && !options.ask_again
                                    ? ReadToken(options.restore_token_file)
                                    : "";
    // The pointer beside the pictures where the portal can (a layer of its
    // own in the SVG, as on X11), else drawn into them.
    uint32_t cursor_mode = 1;  // hidden
    if (options.cursor) {
      cursor_metadata_ = (portal_.AvailableCursorModes() & 4) != 0;
      cursor_mode = cursor_metadata_ ? 4 : 2;
    }
    if (Status s = portal_.SelectSources(cursor_mode, earlier, persist);
        !s.ok()) {
      return s;
    }
    CastStream stream;
    std::string token;
    if (Status s = portal_.Start(&stream, &token); !s.ok()) return s;
    if (persist && !token.empty()) {
      WriteToken(options.restore_token_file, token);
    }
    int fd = -1;
    if (Status s = portal_.OpenPipeWireRemote(&fd); !s.ok()) return s;
    if (Status s = reader_.Start(fd, stream.node_id, options.region,
                                 cursor_metadata_);
        !s.ok()) {
      return s;
    }
    if (Status s = reader_.WaitForFirstPicture(
            options.first_picture_timeout_ms, options.cancel);
        !s.ok()) {
      return s;
    }
    size_ = reader_.frame_size();
    return Status::Ok();
  }

  cv::Size frame_size() const override { return size_; }
  std::optional<uint64_t> frame_count() const override { return std::nullopt; }

  bool WaitForNextFrame(Tick* tick) override {
    if (!pacer_) pacer_.emplace(period_ns_);
    const std::optional<Tick> due = pacer_->WaitForNextTick(cut_short());
    if (!due) return false;
    *tick = *due;
    return true;
  }

  Status Capture(Frame* frame) override {
    if (!portal_.Poll()) {
      return Status::SourceLost(
          "the desktop ended the screen cast (sharing was stopped)");
    }
    std::shared_ptr<const cv::Mat> picture;
    std::optional<CursorSample> cursor;
    if (Status s = reader_.Latest(&picture, &cursor); !s.ok()) return s;
    frame->pixels = *picture;  // shared: frames are immutable
    frame->storage = picture;
    if (cursor_metadata_) frame->cursor = std::move(cursor);
    frame->timestamp_us =
        std::max(MonotonicNowNs() / 1000, last_timestamp_us_ + 1);
    last_timestamp_us_ = frame->timestamp_us;
    return Status::Ok();
  }

  void Skip() override {}  // the pacer has moved on already

 private:
  const int64_t period_ns_;
  bool cursor_metadata_ = false;
  // Destroyed in reverse: the stream before the portal's session closes.
  PortalSession portal_;
  CastReader reader_;
  cv::Size size_;
  std::optional<Pacer> pacer_;
  int64_t last_timestamp_us_ = -1;
};

}  // namespace

Status OpenPortalSource(const PortalOptions& options,
                        std::unique_ptr<FrameSource>* source) {
  if (!(options.fps > 0)) return Status::Usage("--fps must be above 0");
  if (options.region &&
      (options.region->width <= 0 || options.region->height <= 0)) {
    return Status::Error("--region " + RegionText(*options.region) +
                         " is empty (its width and height must be above 0)");
  }
  auto portal = std::make_unique<PortalSource>(options.fps);
  if (Status s = portal->Open(options); !s.ok()) return s;
  *source = std::move(portal);
  return Status::Ok();
}

}  // namespace svgcast
