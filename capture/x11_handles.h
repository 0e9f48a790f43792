// RAII owners for the X11 source's C handles: a display connection, an
// XImage, and a System V shared-memory segment attached both in this
// process and on the X server (MIT-SHM). Each is move-only (deleted copy,
// noexcept move) and its destructor never throws.
//
// Private to the X11 source. Xlib's types are only declared here: the
// members are defined in x11_source.cc, the one file that includes Xlib's
// headers.
//
// Threading: a handle is used by one thread at a time. Whatever talks to
// the X server (closing a display, ShmSegment's Create and destructor while
// the segment is attached on the server) runs on the thread that uses the
// display; an image, and a segment after ForgetServer(), may be freed on
// any thread.
#ifndef SVGCAST_CAPTURE_X11_HANDLES_H_
#define SVGCAST_CAPTURE_X11_HANDLES_H_

#include <cstddef>
#include <cstdint>
#include <utility>

#include "capture/status.h"

struct _XDisplay;  // Xlib's Display
struct _XImage;    // Xlib's XImage

namespace svgcast::x11 {

// XCloseDisplay, XDestroyImage.
void CloseDisplay(_XDisplay* display) noexcept;
void DestroyImage(_XImage* image) noexcept;

// Owns one T*, freed with kFree.
template <typename T, void (*kFree)(T*) noexcept>
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(T* handle) noexcept : handle_(handle) {}
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  UniqueHandle(UniqueHandle&& other) noexcept
      : handle_(std::exchange(other.handle_, nullptr)) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    if (this != &other) reset(std::exchange(other.handle_, nullptr));
    return *this;
  }
  ~UniqueHandle() { reset(); }

  T* get() const noexcept { return handle_; }
  T* operator->() const noexcept { return handle_; }
  explicit operator bool() const noexcept { return handle_ != nullptr; }
  void reset(T* handle = nullptr) noexcept {
    if (T* old = std::exchange(handle_, handle)) kFree(old);
  }

 private:
  T* handle_ = nullptr;
};

using DisplayHandle = UniqueHandle<_XDisplay, CloseDisplay>;
using ImageHandle = UniqueHandle<_XImage, DestroyImage>;

// Shared memory the X server writes captured pixels into.
class ShmSegment {
 public:
  ShmSegment() = default;
  ShmSegment(const ShmSegment&) = delete;
  ShmSegment& operator=(const ShmSegment&) = delete;
  ShmSegment(ShmSegment&& other) noexcept;
  ShmSegment& operator=(ShmSegment&& other) noexcept;
  // XShmDetach (if the server still has it), then shmdt.
  ~ShmSegment();

  // shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600), shmat, XShmAttach, XSync
  // (so an X error says the server cannot attach it: another host, another
  // IPC namespace), then shmctl(IPC_RMID) at once: the kernel frees the
  // memory when the last attachment goes, even if svgcast crashes. The
  // display's X errors must be routed to the X11 source (it registers every
  // display it opens). An error leaves *segment empty.
  static Status Create(_XDisplay* display, size_t bytes, ShmSegment* segment);

  // The server side is gone with the connection (closed, or the server
  // died): the destructor then only detaches the memory here, without a
  // word to the server, so it may run on any thread.
  void ForgetServer() noexcept { display_ = nullptr; }

  uint8_t* data() const { return static_cast<uint8_t*>(address_); }
  size_t size() const { return size_; }
  int id() const { return id_; }
  unsigned long server_id() const { return server_id_; }  // the ShmSeg XID

 private:
  void Reset() noexcept;

  _XDisplay* display_ = nullptr;  // attached on its server, if set
  unsigned long server_id_ = 0;
  int id_ = -1;
  void* address_ = nullptr;
  size_t size_ = 0;
};

}  // namespace svgcast::x11

#endif  // SVGCAST_CAPTURE_X11_HANDLES_H_
