// The video module: the code that reads video files (VideoSource and
// VideoProbe, for `svgcast convert`), built as a library of its own,
// libsvgcast_video.so, and loaded when a video is first opened: from the
// svgcast binary's folder (the build), else from ../lib/svgcast/ (where
// `cmake --install` puts it). The libraries it needs (FFmpeg, and OpenCV's videoio, which
// brings imgcodecs and through it GDAL: some 220 libraries in all) take
// 0.2 s to load, 0.5 s under AddressSanitizer; linked into svgcast, every
// command paid that at start, `svgcast --help` too.
//
// The module exports one function, named kOpenVideoSourceSymbol, of type
// OpenVideoSourceFunction: what OpenVideoSource() (video_source.h) calls.
// Both come from one build (one compiler, these headers), so C++ types
// cross between them.
//
// Threading: OpenVideoSource() may be called from any thread. The module
// is loaded once, by the first call, and stays loaded.
#ifndef SVGCAST_CAPTURE_VIDEO_MODULE_H_
#define SVGCAST_CAPTURE_VIDEO_MODULE_H_

#include <memory>

#include "capture/status.h"
#include "capture/video_source.h"

namespace svgcast {

using OpenVideoSourceFunction = void(const VideoOptions& options,
                                     std::unique_ptr<VideoSource>* source,
                                     Status* status);

inline constexpr char kOpenVideoSourceSymbol[] = "svgcast_open_video_source";
inline constexpr char kVideoModuleFile[] = "libsvgcast_video.so";

}  // namespace svgcast

#endif  // SVGCAST_CAPTURE_VIDEO_MODULE_H_
