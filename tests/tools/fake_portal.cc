// fake_portal: the tests' Wayland desktop, as far as a screen recorder sees
// one: the screen-cast portal (org.freedesktop.portal.ScreenCast on the
// session bus, as xdg-desktop-portal serves it) and the PipeWire stream of
// a monitor it hands out. Its "monitor" is a picture of its own, which the
// test paints with commands on standard input; each change is pushed into
// the stream as a desktop pushes a changed screen. The user's consent is
// always yes, unless told otherwise.
//
//   fake_portal WxH [BGRx|RGBx]
//
// It prints "ready" once it owns the portal's bus name and its stream is
// waiting for a reader. Commands (one a line; each answered "ok ..." once
// done):
//   fill X Y W H RRGGBB   paint a rectangle and push the picture; "ok read"
//                         once the reader has given its buffer back (so it
//                         has the picture), or "ok later" when nobody reads
//                         the stream yet (it is sent when somebody does)
//   size W H              the monitor changes size (a new format; the
//                         picture starts black)
//   cursor X Y            the pointer's hotspot moves there (the first
//                         time, and after "cursor hide", with its 4x4
//                         image, hotspot (1,2)): a buffer with no picture
//                         and the cursor meta; "ok read" as for fill
//   cursor hide           the pointer is hidden (an empty image)
//   token                 "ok TOKEN": the restore_token the last
//                         SelectSources gave ("none"); Start answers one,
//                         fake-token-1, -2, ..., when persist_mode was set
//   refuse                answer the next Start as a dialog cancelled (1)
//   hold                  answer no Start from now on (a dialog left open)
//   wait-start            answers once a Start was asked for
//   close                 close every session (the Closed signal), as a
//                         desktop does when the user stops sharing
//   stop                  destroy the stream
// End of input ends it.
//
// Needs $DBUS_SESSION_BUS_ADDRESS and a PipeWire daemon on
// $XDG_RUNTIME_DIR/pipewire-0. Threading: the main thread serves the bus
// and the commands; PipeWire's thread loop runs the stream (the main
// thread takes its lock to paint and push: the picture and the buffers
// are shared).
#include <poll.h>
#include <pipewire/pipewire.h>
#include <spa/param/video/format-utils.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr char kPath[] = "/org/freedesktop/portal/desktop";

struct Desktop {
  sd_bus* bus = nullptr;
  int width = 0, height = 0;
  bool rgb = false;              // RGBx instead of BGRx
  std::vector<uint8_t> picture;  // BGRx, width * 4 a row
  bool refuse_next = false;
  bool hold = false;     // Start is never answered (a dialog left open)
  bool started = false;  // a Start was asked for
  std::string restore_token;  // the last SelectSources' restore_token
  bool persist = false;       // ... and whether it asked to persist
  int tokens_given = 0;
  std::vector<std::string> sessions;
  std::vector<sd_bus_slot*> session_slots;

  pw_thread_loop* loop = nullptr;
  pw_context* context = nullptr;
  pw_core* core = nullptr;
  pw_stream* stream = nullptr;
  spa_hook listener{};
  uint32_t node_id = SPA_ID_INVALID;
  bool streaming = false;
  bool pending = true;  // a picture not sent yet
  // The pointer, sent beside the pictures (the portal's metadata cursor
  // mode): known once a "cursor" command gave it.
  bool cursor_known = false;
  int cursor_x = 0, cursor_y = 0;
  bool cursor_hidden = false;
  bool cursor_news = false;   // to send (position)
  bool cursor_image = false;  // ... and the image (or hidden)
  std::vector<pw_buffer*> free_buffers;  // dequeued: ours to fill
  pw_buffer* in_flight = nullptr;        // sent, not given back yet
  bool repeat_first = false;  // from streaming on, until a command draws
  int ticks_since_sent = 0;
  spa_source* timer = nullptr;
};

Desktop desktop;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "fake_portal: %s\n", why.c_str());
  std::exit(1);
}

// With the loop's lock held (or on its thread): takes back the buffers
// the reader has returned. The one last sent coming back means the reader
// is done with it.
void Reclaim() {
  Desktop& d = desktop;
  while (pw_buffer* b = pw_stream_dequeue_buffer(d.stream)) {
    if (b == d.in_flight) {
      d.in_flight = nullptr;
      pw_thread_loop_signal(d.loop, false);
    }
    d.free_buffers.push_back(b);
  }
}

// The pointer's 4x4 image, hotspot (1,2): RGBA premultiplied by alpha,
// as desktops send it; with opaque, half-transparent and clear pixels.
constexpr int kCursorSide = 4;
void CursorPixels(uint8_t* rgba) {
  for (int i = 0; i < kCursorSide * kCursorSide; ++i) {
    uint8_t* p = rgba + i * 4;
    switch (i % 4) {
      case 0: p[0] = 255, p[1] = 0, p[2] = 0, p[3] = 255; break;      // red
      case 1: p[0] = 0, p[1] = 0, p[2] = 255, p[3] = 255; break;      // blue
      case 2: p[0] = 128, p[1] = 128, p[2] = 128, p[3] = 128; break;  // white/2
      default: p[0] = p[1] = p[2] = p[3] = 0; break;                  // clear
    }
  }
}

// Writes the pointer's news into a buffer's cursor meta (id 0: none).
void FillCursorMeta(spa_buffer* buffer) {
  Desktop& d = desktop;
  spa_meta* meta = spa_buffer_find_meta(buffer, SPA_META_Cursor);
  if (meta == nullptr || meta->size < sizeof(spa_meta_cursor)) return;
  auto* cursor = static_cast<spa_meta_cursor*>(meta->data);
  if (!d.cursor_news) {
    cursor->id = 0;
    return;
  }
  cursor->id = 1;
  cursor->flags = 0;
  cursor->position.x = d.cursor_x;
  cursor->position.y = d.cursor_y;
  cursor->hotspot.x = 1;
  cursor->hotspot.y = 2;
  cursor->bitmap_offset = 0;
  const size_t needed = sizeof(spa_meta_cursor) + sizeof(spa_meta_bitmap) +
                        kCursorSide * kCursorSide * 4;
  if (d.cursor_image && meta->size >= needed) {
    cursor->bitmap_offset = sizeof(spa_meta_cursor);
    auto* bitmap =
        SPA_PTROFF(cursor, cursor->bitmap_offset, spa_meta_bitmap);
    bitmap->format = SPA_VIDEO_FORMAT_RGBA;
    bitmap->offset = sizeof(spa_meta_bitmap);
    if (d.cursor_hidden) {
      bitmap->size.width = bitmap->size.height = 0;
      bitmap->stride = 0;
    } else {
      bitmap->size.width = bitmap->size.height = kCursorSide;
      bitmap->stride = kCursorSide * 4;
      CursorPixels(SPA_PTROFF(bitmap, bitmap->offset, uint8_t));
    }
  }
  d.cursor_news = false;
  d.cursor_image = false;
}

// With the loop's lock held (or on its thread): sends the picture (or,
// with `cursor_only`, only the pointer's news, in a buffer with no picture,
// as desktops send a pointer that moved) if a buffer is free; else it
// stays pending.
void Push(bool trigger, bool cursor_only = false) {
  Desktop& d = desktop;
  if (d.stream == nullptr || !d.streaming) {
    d.pending = true;
    return;
  }
  Reclaim();
  if (d.free_buffers.empty()) {
    d.pending = true;
    return;
  }
  // The one given back longest ago.
  pw_buffer* b = d.free_buffers.front();
  d.free_buffers.erase(d.free_buffers.begin());
  spa_data& data = b->buffer->datas[0];
  const size_t stride = static_cast<size_t>(d.width) * 4;
  FillCursorMeta(b->buffer);
  if (cursor_only) {
    data.chunk->offset = 0;
    data.chunk->size = 0;
    data.chunk->stride = static_cast<int32_t>(stride);
    data.chunk->flags = 0;
    d.in_flight = b;
  } else if (data.data != nullptr && data.maxsize >= stride * d.height) {
    auto* out = static_cast<uint8_t*>(data.data);
    for (size_t i = 0; i < d.picture.size(); i += 4) {
      out[i + 0] = d.picture[i + (d.rgb ? 2 : 0)];
      out[i + 1] = d.picture[i + 1];
      out[i + 2] = d.picture[i + (d.rgb ? 0 : 2)];
      out[i + 3] = 0x5a;  // padding: whatever a desktop leaves there
    }
    data.chunk->offset = 0;
    data.chunk->size = static_cast<uint32_t>(stride * d.height);
    data.chunk->stride = static_cast<int32_t>(stride);
    data.chunk->flags = 0;
    d.pending = false;
    d.in_flight = b;
  }
  pw_stream_queue_buffer(d.stream, b);
  if (trigger) pw_stream_trigger_process(d.stream);
}

// Runs the graph while a picture waits to be read or given back (the
// reader's buffers come back in the cycle after).
void OnTimer(void*, uint64_t) {
  Desktop& d = desktop;
  if (d.stream == nullptr || !d.streaming) return;
  // The first picture of a new reader can be lost while its side of the
  // link starts (seen under load: once in about 150 starts); until the test
  // draws, the picture is sent again every 50 ms, as a desktop repaints.
  if (d.repeat_first && d.in_flight == nullptr && ++d.ticks_since_sent >= 10) {
    d.ticks_since_sent = 0;
    Push(false);
  }
  if (d.in_flight != nullptr || d.pending) pw_stream_trigger_process(d.stream);
}

void OnState(void*, pw_stream_state, pw_stream_state state, const char*) {
  Desktop& d = desktop;
  if (state == PW_STREAM_STATE_PAUSED && d.node_id == SPA_ID_INVALID) {
    d.node_id = pw_stream_get_node_id(d.stream);
    pw_thread_loop_signal(d.loop, false);
  }
  d.streaming = state == PW_STREAM_STATE_STREAMING;
  if (d.streaming) {
    d.repeat_first = true;
    Push(true);
  }
}

void OnParam(void*, uint32_t id, const spa_pod* param) {
  if (param == nullptr || id != SPA_PARAM_Format) return;
  uint8_t buffer[512];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof buffer);
  const int stride = desktop.width * 4;
  const spa_pod* params[2];
  params[1] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
      SPA_POD_Id(SPA_META_Cursor), SPA_PARAM_META_size,
      SPA_POD_Int(static_cast<int>(sizeof(spa_meta_cursor) +
                                   sizeof(spa_meta_bitmap) + 64 * 64 * 4))));
  params[0] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers,
      SPA_PARAM_BUFFERS_buffers, SPA_POD_CHOICE_RANGE_Int(4, 2, 8),
      SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(1), SPA_PARAM_BUFFERS_size,
      SPA_POD_Int(stride * desktop.height), SPA_PARAM_BUFFERS_stride,
      SPA_POD_Int(stride)));
  pw_stream_update_params(desktop.stream, params, 2);
}

void OnRemoveBuffer(void*, pw_buffer* b) {
  Desktop& d = desktop;
  d.free_buffers.erase(
      std::remove(d.free_buffers.begin(), d.free_buffers.end(), b),
      d.free_buffers.end());
  if (d.in_flight == b) d.in_flight = nullptr;
}

void OnProcess(void*) {
  Reclaim();
  if (desktop.pending) Push(false);
}

// The one format the monitor offers: its pixel format and size.
const spa_pod* MonitorFormat(spa_pod_builder* b) {
  const Desktop& d = desktop;
  const spa_rectangle size = SPA_RECTANGLE(static_cast<uint32_t>(d.width),
                                           static_cast<uint32_t>(d.height));
  const spa_fraction rate = SPA_FRACTION(0, 1);  // pushed when it changes
  return static_cast<const spa_pod*>(spa_pod_builder_add_object(
      b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat, SPA_FORMAT_mediaType,
      SPA_POD_Id(SPA_MEDIA_TYPE_video), SPA_FORMAT_mediaSubtype,
      SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw), SPA_FORMAT_VIDEO_format,
      SPA_POD_Id(d.rgb ? SPA_VIDEO_FORMAT_RGBx : SPA_VIDEO_FORMAT_BGRx),
      SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&size),
      SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(&rate)));
}

void StartStream() {
  Desktop& d = desktop;
  pw_init(nullptr, nullptr);
  d.loop = pw_thread_loop_new("fake-portal", nullptr);
  d.context = pw_context_new(pw_thread_loop_get_loop(d.loop), nullptr, 0);
  if (d.loop == nullptr || d.context == nullptr ||
      pw_thread_loop_start(d.loop) < 0) {
    Die("cannot start PipeWire's loop");
  }
  pw_thread_loop_lock(d.loop);
  d.timer = pw_loop_add_timer(pw_thread_loop_get_loop(d.loop), OnTimer,
                              nullptr);
  timespec interval{0, 5 * 1000 * 1000};
  pw_loop_update_timer(pw_thread_loop_get_loop(d.loop), d.timer, &interval,
                       &interval, false);
  d.core = pw_context_connect(d.context, nullptr, 0);
  if (d.core == nullptr) Die("cannot connect to PipeWire");
  d.stream = pw_stream_new(
      d.core, "fake-monitor",
      pw_properties_new(PW_KEY_MEDIA_CLASS, "Video/Source", nullptr));
  static pw_stream_events events{};
  events.version = PW_VERSION_STREAM_EVENTS;
  events.state_changed = OnState;
  events.param_changed = OnParam;
  events.process = OnProcess;
  events.remove_buffer = OnRemoveBuffer;
  pw_stream_add_listener(d.stream, &d.listener, &events, nullptr);
  uint8_t buffer[512];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof buffer);
  const spa_pod* params[1] = {MonitorFormat(&b)};
  if (pw_stream_connect(d.stream, PW_DIRECTION_OUTPUT, PW_ID_ANY,
                        static_cast<pw_stream_flags>(
                            PW_STREAM_FLAG_DRIVER | PW_STREAM_FLAG_MAP_BUFFERS),
                        params, 1) < 0) {
    Die("cannot connect the stream");
  }
  while (d.node_id == SPA_ID_INVALID) pw_thread_loop_wait(d.loop);
  pw_thread_loop_unlock(d.loop);
}

// "1_42" for ":1.42", as the portal names requests.
std::string SenderToken(sd_bus_message* m) {
  std::string sender = sd_bus_message_get_sender(m) + 1;
  for (char& c : sender) {
    if (c == '.') c = '_';
  }
  return sender;
}

// Reads the string and number options of a{sv}; others are skipped.
int ReadOptions(sd_bus_message* m,
                std::vector<std::pair<std::string, std::string>>* out) {
  int r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char* key = nullptr;
    if ((r = sd_bus_message_read(m, "s", &key)) < 0) return r;
    const char* contents = nullptr;
    if ((r = sd_bus_message_peek_type(m, nullptr, &contents)) < 0) return r;
    if (std::strcmp(contents, "s") == 0) {
      const char* value = nullptr;
      if ((r = sd_bus_message_read(m, "v", "s", &value)) < 0) return r;
      out->emplace_back(key, value);
    } else if (std::strcmp(contents, "u") == 0) {
      uint32_t value = 0;
      if ((r = sd_bus_message_read(m, "v", "u", &value)) < 0) return r;
      out->emplace_back(key, std::to_string(value));
    } else if ((r = sd_bus_message_skip(m, "v")) < 0) {
      return r;
    }
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

std::string Find(const std::vector<std::pair<std::string, std::string>>& o,
                 const std::string& key) {
  for (const auto& [k, v] : o) {
    if (k == key) return v;
  }
  return "";
}

int SessionClose(sd_bus_message* m, void*, sd_bus_error*) {
  return sd_bus_reply_method_return(m, "");
}

const sd_bus_vtable kSessionVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Close", "", "", SessionClose, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("Closed", "a{sv}", 0),
    SD_BUS_VTABLE_END};

// Replies with the request's path, then answers on it.
int Answer(sd_bus_message* m, const std::string& request, uint32_t code,
           bool with_session, const std::string& session, bool with_stream) {
  int r = sd_bus_reply_method_return(m, "o", request.c_str());
  if (r < 0) return r;
  if (with_session) {
    return sd_bus_emit_signal(desktop.bus, request.c_str(),
                              "org.freedesktop.portal.Request", "Response",
                              "ua{sv}", code, 1, "session_handle", "s",
                              session.c_str());
  }
  if (with_stream && desktop.persist) {  // a new token each time
    const std::string token =
        "fake-token-" + std::to_string(++desktop.tokens_given);
    return sd_bus_emit_signal(
        desktop.bus, request.c_str(), "org.freedesktop.portal.Request",
        "Response", "ua{sv}", code, 2, "streams", "a(ua{sv})", 1,
        desktop.node_id, 2, "size", "(ii)", desktop.width, desktop.height,
        "source_type", "u", 1u, "restore_token", "s", token.c_str());
  }
  if (with_stream) {
    return sd_bus_emit_signal(
        desktop.bus, request.c_str(), "org.freedesktop.portal.Request",
        "Response", "ua{sv}", code, 1, "streams", "a(ua{sv})", 1,
        desktop.node_id, 2, "size", "(ii)", desktop.width, desktop.height,
        "source_type", "u", 1u);
  }
  return sd_bus_emit_signal(desktop.bus, request.c_str(),
                            "org.freedesktop.portal.Request", "Response",
                            "ua{sv}", code, 0);
}

int CreateSession(sd_bus_message* m, void*, sd_bus_error*) {
  std::vector<std::pair<std::string, std::string>> options;
  if (int r = ReadOptions(m, &options); r < 0) return r;
  const std::string sender = SenderToken(m);
  const std::string request =
      std::string(kPath) + "/request/" + sender + "/" +
      Find(options, "handle_token");
  const std::string session =
      std::string(kPath) + "/session/" + sender + "/" +
      Find(options, "session_handle_token");
  sd_bus_slot* slot = nullptr;
  sd_bus_add_object_vtable(desktop.bus, &slot, session.c_str(),
                           "org.freedesktop.portal.Session", kSessionVtable,
                           nullptr);
  desktop.sessions.push_back(session);
  desktop.session_slots.push_back(slot);
  return Answer(m, request, 0, true, session, false);
}

int SelectSources(sd_bus_message* m, void*, sd_bus_error*) {
  const char* session = nullptr;
  if (int r = sd_bus_message_read(m, "o", &session); r < 0) return r;
  std::vector<std::pair<std::string, std::string>> options;
  if (int r = ReadOptions(m, &options); r < 0) return r;
  desktop.restore_token = Find(options, "restore_token");
  desktop.persist = !Find(options, "persist_mode").empty() &&
                    Find(options, "persist_mode") != "0";
  return Answer(m,
                std::string(kPath) + "/request/" + SenderToken(m) + "/" +
                    Find(options, "handle_token"),
                0, false, "", false);
}

int Start(sd_bus_message* m, void*, sd_bus_error*) {
  const char* session = nullptr;
  const char* parent = nullptr;
  if (int r = sd_bus_message_read(m, "os", &session, &parent); r < 0) {
    return r;
  }
  std::vector<std::pair<std::string, std::string>> options;
  if (int r = ReadOptions(m, &options); r < 0) return r;
  const std::string request = std::string(kPath) + "/request/" +
                              SenderToken(m) + "/" +
                              Find(options, "handle_token");
  if (desktop.refuse_next) {
    desktop.refuse_next = false;
    return Answer(m, request, 1, false, "", false);
  }
  if (desktop.hold) {  // the dialog stays open: no answer
    desktop.started = true;
    return sd_bus_reply_method_return(m, "o", request.c_str());
  }
  desktop.started = true;
  return Answer(m, request, 0, false, "", true);
}

int OpenPipeWireRemote(sd_bus_message* m, void*, sd_bus_error* error) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string path =
      std::string(std::getenv("XDG_RUNTIME_DIR")) + "/pipewire-0";
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s",
                path.c_str());
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address),
                          sizeof address) != 0) {
    return sd_bus_error_set_errno(error, errno);
  }
  const int r = sd_bus_reply_method_return(m, "h", fd);  // it sends a copy
  ::close(fd);
  return r;
}

int GetVersion(sd_bus*, const char*, const char*, const char*,
               sd_bus_message* reply, void*, sd_bus_error*) {
  return sd_bus_message_append(reply, "u", 4u);
}

int GetCursorModes(sd_bus*, const char*, const char*, const char*,
                   sd_bus_message* reply, void*, sd_bus_error*) {
  return sd_bus_message_append(reply, "u", 7u);  // hidden, drawn, beside
}

const sd_bus_vtable kScreenCastVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("CreateSession", "a{sv}", "o", CreateSession,
                  SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("SelectSources", "oa{sv}", "o", SelectSources,
                  SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Start", "osa{sv}", "o", Start, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("OpenPipeWireRemote", "oa{sv}", "h", OpenPipeWireRemote,
                  SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_PROPERTY("version", "u", GetVersion, 0,
                    SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("AvailableCursorModes", "u", GetCursorModes, 0,
                    SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END};

// With the loop's lock held: waits (20 s at most) until the reader has
// given back the buffer just sent; it has its copy then.
bool WaitUntilRead() {
  Desktop& d = desktop;
  for (int waits = 0; d.in_flight != nullptr && waits < 20; ++waits) {
    pw_thread_loop_timed_wait(d.loop, 1);
  }
  return d.in_flight == nullptr;
}

std::string Command(const std::string& line) {
  Desktop& d = desktop;
  char hex[16] = "";
  int x, y, w, h;
  if (std::sscanf(line.c_str(), "fill %d %d %d %d %15s", &x, &y, &w, &h,
                  hex) == 5) {
    const unsigned long rgb = std::strtoul(hex, nullptr, 16);
    pw_thread_loop_lock(d.loop);  // the picture is PipeWire's thread's too
    d.repeat_first = false;
    for (int row = std::max(y, 0); row < std::min(y + h, d.height); ++row) {
      for (int col = std::max(x, 0); col < std::min(x + w, d.width); ++col) {
        uint8_t* p = &d.picture[(static_cast<size_t>(row) * d.width + col) * 4];
        p[0] = rgb & 0xff;
        p[1] = (rgb >> 8) & 0xff;
        p[2] = (rgb >> 16) & 0xff;
      }
    }
    Push(true);
    const bool sent = !d.pending;
    const bool read = sent && WaitUntilRead();
    pw_thread_loop_unlock(d.loop);
    if (!sent) return "ok later";
    return read ? "ok read" : "error: the reader kept the picture 20 s";
  }
  int width, height;
  if (std::sscanf(line.c_str(), "size %d %d", &width, &height) == 2 &&
      width > 0 && height > 0) {
    pw_thread_loop_lock(d.loop);
    d.width = width;
    d.height = height;
    d.picture.assign(static_cast<size_t>(width) * height * 4, 0);
    uint8_t buffer[512];
    spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof buffer);
    const spa_pod* params[1] = {MonitorFormat(&b)};
    pw_stream_update_params(d.stream, params, 1);
    d.pending = true;  // sent once the buffers of the new size are there
    pw_thread_loop_unlock(d.loop);
    return "ok";
  }
  if (std::sscanf(line.c_str(), "cursor %d %d", &x, &y) == 2 ||
      line == "cursor hide") {
    pw_thread_loop_lock(d.loop);
    d.repeat_first = false;
    if (line == "cursor hide") {
      d.cursor_image = !d.cursor_hidden;
      d.cursor_hidden = true;
    } else {
      d.cursor_image = !d.cursor_known || d.cursor_hidden;
      d.cursor_hidden = false;
      d.cursor_x = x;
      d.cursor_y = y;
    }
    d.cursor_known = true;
    d.cursor_news = true;
    Push(true, true);
    const bool sent = d.in_flight != nullptr;
    const bool read = sent && WaitUntilRead();
    pw_thread_loop_unlock(d.loop);
    if (!sent) return "error: nobody reads the stream";
    return read ? "ok read" : "error: the reader kept the buffer 20 s";
  }
  if (line == "token") {  // the restore token the last SelectSources gave
    return "ok " + (d.restore_token.empty() ? "none" : d.restore_token);
  }
  if (line == "hold") {
    d.hold = true;
    return "ok";
  }
  if (line == "wait-start") {  // until a Start was asked for (20 s at most)
    for (int waits = 0; !d.started && waits < 200; ++waits) {
      while (sd_bus_process(d.bus, nullptr) > 0) {
      }
      if (!d.started) sd_bus_wait(d.bus, 100 * 1000);
    }
    return d.started ? "ok" : "error: no Start within 20 s";
  }
  if (line == "refuse") {
    d.refuse_next = true;
    return "ok";
  }
  if (line == "close") {
    for (const std::string& session : d.sessions) {
      sd_bus_emit_signal(d.bus, session.c_str(),
                         "org.freedesktop.portal.Session", "Closed", "a{sv}",
                         0);
    }
    sd_bus_flush(d.bus);
    return "ok";
  }
  if (line == "stop") {
    pw_thread_loop_lock(d.loop);
    if (d.stream != nullptr) pw_stream_destroy(d.stream);
    d.stream = nullptr;
    d.free_buffers.clear();
    d.in_flight = nullptr;
    pw_thread_loop_unlock(d.loop);
    return "ok";
  }
  return "error: unknown command: " + line;
}

}  // namespace

int main(int argc, char** argv) {
  Desktop& d = desktop;
  if (argc < 2 || std::sscanf(argv[1], "%dx%d", &d.width, &d.height) != 2 ||
      d.width <= 0 || d.height <= 0) {
    Die("usage: fake_portal WxH [BGRx|RGBx]");
  }
  d.rgb = argc > 2 && std::strcmp(argv[2], "RGBx") == 0;
  d.picture.assign(static_cast<size_t>(d.width) * d.height * 4, 0);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  StartStream();
  if (sd_bus_open_user(&d.bus) < 0) Die("no session bus");
  if (sd_bus_add_object_vtable(d.bus, nullptr, kPath,
                               "org.freedesktop.portal.ScreenCast",
                               kScreenCastVtable, nullptr) < 0 ||
      sd_bus_request_name(d.bus, "org.freedesktop.portal.Desktop", 0) < 0) {
    Die("cannot serve org.freedesktop.portal.Desktop");
  }
  std::printf("ready\n");

  std::string input;
  for (;;) {
    while (sd_bus_process(d.bus, nullptr) > 0) {
    }
    pollfd fds[2] = {{sd_bus_get_fd(d.bus), POLLIN, 0},
                     {STDIN_FILENO, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) Die("poll failed");
    if (fds[1].revents != 0) {
      char chunk[4096];
      const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
      if (n <= 0) break;
      input.append(chunk, static_cast<size_t>(n));
      size_t end;
      while ((end = input.find('\n')) != std::string::npos) {
        const std::string line = input.substr(0, end);
        input.erase(0, end + 1);
        std::printf("%s\n", Command(line).c_str());
      }
    }
  }
  pw_thread_loop_lock(d.loop);
  if (d.stream != nullptr) pw_stream_destroy(d.stream);
  pw_core_disconnect(d.core);
  pw_thread_loop_unlock(d.loop);
  pw_thread_loop_stop(d.loop);
  pw_context_destroy(d.context);
  pw_thread_loop_destroy(d.loop);
  for (sd_bus_slot* slot : d.session_slots) sd_bus_slot_unref(slot);
  sd_bus_flush_close_unref(d.bus);
  return 0;
}
