#include "capture/status.h"

#include <cstring>

namespace svgcast {

Status Status::FromErrno(const std::string& context, int errno_value) {
  return Status(context + ": " + std::strerror(errno_value));
}

}  // namespace svgcast
