# The Debian 12 packages svgcast needs, for scripts/setup and .ci/run.
# Sourced, not run.
SVGCAST_PACKAGES=(
  build-essential cmake pkg-config
  libopencv-dev libpng-dev libtbb-dev libcli11-dev libpugixml-dev
  # convert: OpenCV's videoio decodes; libavformat gives frame times.
  libavformat-dev libavcodec-dev libavutil-dev
  libx11-dev libxext-dev libxfixes-dev libxrandr-dev libxrender-dev
  libzopfli-dev libwebp-dev
  # --colors: libimagequant (pngquant's library) chooses the palette.
  libimagequant-dev
  # Wayland sessions: the desktop's screen-cast portal over D-Bus (sd-bus)
  # hands out a PipeWire stream.
  libpipewire-0.3-dev libsystemd-dev
  libgtest-dev libgmock-dev
  # Recording without a screen (a private virtual display), the demo
  # program the quick start records, and the X11 tests.
  xvfb xterm
  # The X11 tests on a Wayland session's X server: Xwayland, run by a
  # headless Weston (as GNOME's and KDE's Wayland sessions run it).
  weston xwayland
  # The Wayland tests' private desktop: a session bus, PipeWire and its
  # session manager (the portal itself is the tests' own fake_portal).
  dbus-daemon pipewire wireplumber
  # The browser tests: Debian's Chromium, driven over the DevTools protocol
  # (JSON through a pipe), Firefox ESR, over Marionette (JSON over a local
  # TCP connection), and WebKitGTK's MiniBrowser (Safari's engine), over
  # WebKitWebDriver (WebDriver over HTTP, with libcurl): three engines.
  chromium nlohmann-json3-dev firefox-esr webkit2gtk-driver libcurl4-openssl-dev
  # The convert tests make their input videos with the ffmpeg tool.
  ffmpeg
)
# Only to build Debian's own onetbb source with ThreadSanitizer
# (scripts/test --sanitize thread); see scripts/build-tsan-tbb.
SVGCAST_TSAN_PACKAGES=(dpkg-dev xz-utils)

# Runs a command as root (directly when already root, else with sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
