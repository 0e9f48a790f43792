#include "app/extract_command.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/interrupt.h"
#include "app/standard_input.h"
#include "capture/manifest.h"
#include "processing/png_encoder.h"
#include "svg/output_file.h"
#include "svg/svg_reader.h"

namespace svgcast {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "svgcast: %s\n", message.c_str());
  return 1;
}

std::string FrameName(size_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%05zu.png", index);
  return name;
}

// The index of a name FrameName() gives ("00042.png": 42), if it is one.
std::optional<size_t> FrameIndex(const std::string& name) {
  size_t index = 0;
  const char* end = name.data() + name.size();
  const auto [rest, error] = std::from_chars(name.data(), end, index);
  if (error != std::errc() || std::string_view(rest, end) != ".png" ||
      FrameName(index) != name) {
    return std::nullopt;
  }
  return index;
}

// The frames an earlier extract's frames.txt in `folder` lists, and that
// frames.txt removed: a run that then fails half way leaves no frames.txt,
// so the folder does not look complete.
Status RemoveEarlierManifest(const std::filesystem::path& folder,
                             std::vector<size_t>* earlier_frames) {
  const std::filesystem::path path = folder / "frames.txt";
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return Status::Ok();
  // Only an extract's: 00000.png, 00001.png, ... in order. Another
  // frames.txt (a recording's, whose times would be lost) is left alone,
  // and so is the folder.
  std::vector<ManifestEntry> entries;
  bool extracts = ReadManifest(path.string(), &entries).ok();
  for (size_t i = 0; extracts && i < entries.size(); ++i) {
    extracts = FrameIndex(entries[i].file) == i;
  }
  if (!extracts) {
    return Status::Error(path.string() +
                         ": not an earlier extract's (a recording's?), so "
                         "not replaced; give an empty or new folder");
  }
  for (size_t i = 0; i < entries.size(); ++i) earlier_frames->push_back(i);
  if (!std::filesystem::remove(path, error) || error) {
    return Status::Error(path.string() + ": cannot replace" +
                         (error ? ": " + error.message() : std::string()));
  }
  return Status::Ok();
}

}  // namespace

int RunExtract(const ExtractOptions& options) {
  namespace fs = std::filesystem;
  const fs::path folder(options.folder);
  // Made only once the SVG has been read (the reader checks the whole file
  // before the first frame), so a bad input leaves no empty folder behind,
  // and an earlier extract there as it was.
  bool folder_made = false;
  std::vector<size_t> earlier_frames;  // an earlier extract's
  const auto make_folder = [&]() -> Status {
    if (folder_made) return Status::Ok();
    std::error_code error;
    fs::create_directories(folder, error);
    if (error || !fs::is_directory(folder, error)) {
      return Status::Error(options.folder + ": cannot create folder" +
                           (error ? ": " + error.message() : std::string()));
    }
    folder_made = true;
    return RemoveEarlierManifest(folder, &earlier_frames);
  };
  std::string manifest;
  size_t count = 0;
  const PngOptions png_options{3};  // decoded frames are for checking: fast
  std::unique_ptr<StandardInput> standard_input;  // for `-`
  std::string input_path;
  if (Status s =
          StandardInput::Resolve(options.input, &standard_input, &input_path,
                                 ProgressMode(options.quiet));
      !s.ok()) {
    return Fail(s.message());
  }
  std::unique_ptr<ScreencastDecoder> decoder;
  if (Status s = ScreencastDecoder::Open(input_path, &decoder, options.input);
      !s.ok()) {
    return Fail(s.message());
  }
  // A loop is not a frame: frames.txt says it in a comment, for whoever
  // replays the folder.
  std::string loop;
  if (const int64_t hold_us = decoder->settings().loop_hold_us; hold_us >= 0) {
    loop = "--loop --hold " + FormatMilliseconds(hold_us) + "ms";
    manifest =
        "# " + Printable(options.input) + " loops: replay with " + loop + "\n";
  }
  const auto on_frame = [&](const DecodedFrame& frame) -> Status {
    if (Status s = make_folder(); !s.ok()) return s;
    const std::string name = FrameName(count++);
    std::vector<uint8_t> png;
    if (Status s = EncodePng(frame.pixels, png_options, &png); !s.ok()) {
      return s;
    }
    std::unique_ptr<OutputFile> file;
    const std::string path = (folder / name).string();
    if (Status s = OutputFile::Open(path, &file); !s.ok()) return s;
    try {
      file->Write(std::string_view(reinterpret_cast<const char*>(png.data()),
                                   png.size()));
    } catch (const std::exception& e) {
      return Status::Error(e.what());
    }
    if (Status s = file->Commit(); !s.ok()) return s;
    manifest += name + " " + FormatMilliseconds(frame.time_us) + "\n";
    return Status::Ok();
  };
  // Ctrl-C: stop between frames; the frames written stay, but no
  // frames.txt lists them (nor any temporary file is left, as a kill left
  // the one being written).
  InterruptHandler interrupt(options.folder + " is left without frames.txt");
  DecodedFrame frame;
  while (decoder->Next(&frame)) {
    if (Status s = on_frame(frame); !s.ok()) return Fail(s.message());
    if (InterruptHandler::interrupted()) {
      std::fprintf(stderr,
                   "svgcast: interrupted after %zu frames; %s has no "
                   "frames.txt\n",
                   count, options.folder.c_str());
      return 130;
    }
  }
  if (Status s = make_folder(); !s.ok()) return Fail(s.message());

  std::unique_ptr<OutputFile> file;
  const std::string manifest_path = (folder / "frames.txt").string();
  if (Status s = OutputFile::Open(manifest_path, &file); !s.ok()) {
    return Fail(s.message());
  }
  try {
    file->Write(manifest);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
  if (Status s = file->Commit(); !s.ok()) return Fail(s.message());
  // The earlier extract's frames past this one's last (best effort: they
  // are in no frames.txt now).
  for (const size_t index : earlier_frames) {
    if (index >= count) {
      std::error_code ignored;
      fs::remove(folder / FrameName(index), ignored);
    }
  }
  if (!options.quiet) {
    std::fprintf(stderr, "svgcast: extracted %zu frames from %s into %s\n",
                 count, options.input.c_str(), options.folder.c_str());
    if (!loop.empty()) {
      std::fprintf(stderr,
                   "svgcast: %s loops, which frames.txt cannot say: replay "
                   "the folder with %s\n",
                   options.input.c_str(), loop.c_str());
    }
  }
  return 0;
}

}  // namespace svgcast
