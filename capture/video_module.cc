// OpenVideoSource() for the svgcast binary and the tests: loads the video
// module (video_module.h) and calls into it.

#include "capture/video_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace svgcast {
namespace {

// The running program's folder ("" if unknown).
std::string ProgramFolder() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  return std::filesystem::path(std::string(path, static_cast<size_t>(n)))
      .parent_path()
      .string();
}

struct LoadedModule {
  OpenVideoSourceFunction* open = nullptr;
  std::string error;  // why it could not be loaded
};

// Next to the program (svgcast), else where this build put it (the tests,
// which run from another folder of the build).
LoadedModule Load() {
  LoadedModule loaded;
  std::string first_error;
  for (const std::string& path : {ProgramFolder() + "/" + kVideoModuleFile,
                                  std::string(SVGCAST_VIDEO_MODULE)}) {
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      if (first_error.empty()) first_error = why != nullptr ? why : path;
      continue;
    }
    // (Never closed: the sources it makes live on in the caller.)
    loaded.open = reinterpret_cast<OpenVideoSourceFunction*>(
        ::dlsym(handle, kOpenVideoSourceSymbol));
    if (loaded.open == nullptr) {
      loaded.error = path + " has no " + kOpenVideoSourceSymbol;
    }
    return loaded;
  }
  loaded.error = first_error;
  return loaded;
}

}  // namespace

Status OpenVideoSource(const VideoOptions& options,
                       std::unique_ptr<VideoSource>* source) {
  static const LoadedModule module = Load();
  if (module.open == nullptr) {
    return Status::Error(options.path +
                         ": svgcast cannot read videos here: " + module.error);
  }
  Status status = Status::Ok();
  module.open(options, source, &status);
  return status;
}

}  // namespace svgcast
