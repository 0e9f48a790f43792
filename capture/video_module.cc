// OpenVideoSource() for the svgcast binary and the tests: loads the video
// module (video_module.h) and calls into it.

#include "capture/video_module.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace svgcast {
namespace {

// The running program's folder ("" if unknown).
std::filesystem::path ProgramFolder() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  return std::filesystem::path(std::string(path, static_cast<size_t>(n)))
      .parent_path();
}

struct LoadedModule {
  OpenVideoSourceFunction* open = nullptr;
  std::string error;  // why it could not be loaded
};

// Where the module may be, relative to the program's folder: next to it (a
// build tree: build/app, and build/tests, which links to it), else where
// `cmake --install` puts it (bin/../lib/svgcast). Never an absolute path:
// a module of another build would not match this program.
LoadedModule Load() {
  const std::filesystem::path folder = ProgramFolder();
  const std::filesystem::path candidates[] = {
      folder / kVideoModuleFile,
      (folder / SVGCAST_VIDEO_MODULE_FOLDER / kVideoModuleFile)
          .lexically_normal()};
  LoadedModule loaded;
  for (const std::filesystem::path& path : candidates) {
    std::error_code ignored;
    if (!std::filesystem::exists(path, ignored)) continue;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      loaded.error = why != nullptr ? why : path.string() + ": cannot load";
      return loaded;
    }
    // (Never closed: the sources it makes live on in the caller.)
    loaded.open = reinterpret_cast<OpenVideoSourceFunction*>(
        ::dlsym(handle, kOpenVideoSourceSymbol));
    if (loaded.open == nullptr) {
      loaded.error = path.string() + " has no " + kOpenVideoSourceSymbol;
    }
    return loaded;
  }
  loaded.error = std::string(kVideoModuleFile) + " is in neither " +
                 candidates[0].parent_path().string() + " nor " +
                 candidates[1].parent_path().string();
  return loaded;
}

}  // namespace

Status OpenVideoSource(const VideoOptions& options,
                       std::unique_ptr<VideoSource>* source) {
  static const LoadedModule module = Load();
  if (module.open == nullptr) {
    return Status::Error(options.shown_name() +
                         ": svgcast cannot read videos here: " + module.error);
  }
  Status status = Status::Ok();
  module.open(options, source, &status);
  return status;
}

}  // namespace svgcast
