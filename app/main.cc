// svgcast: the command line. Parses arguments (CLI11), runs one command and
// turns its outcome into an exit status. The commands live in
// *_command.cc; this file only wires options to them.
#include <signal.h>

#include <cstdio>
#include <exception>
#include <map>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/extract_command.h"
#include "app/replay_command.h"

namespace {

constexpr char kVersion[] = "svgcast 0.1.0";

}  // namespace

int main(int argc, char** argv) {
  // A closed stdout pipe is a write error on the output, not a silent death.
  ::signal(SIGPIPE, SIG_IGN);

  CLI::App app{
      "svgcast: record the screen, or replay recorded frames, into one "
      "animated SVG that plays anywhere an image does (no script)."};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);

  svgcast::ReplayOptions replay;
  CLI::App* replay_cmd = app.add_subcommand(
      "replay",
      "Replay a folder of PNG frames (with frames.txt: '<file> <ms>' per "
      "line) into an animated SVG.");
  replay_cmd->add_option("folder", replay.input, "Folder of PNG frames")
      ->required();
  replay_cmd
      ->add_option("-o,--output", replay.output,
                   "Output .svg file, or - for standard output")
      ->required();
  replay_cmd
      ->add_option("--fps", replay.fps,
                   "Play the frames at this fixed rate instead of the times "
                   "in frames.txt (needed for a folder without frames.txt)")
      ->check(CLI::Range(0.001, 1000.0).description("a rate above 0"));
  replay_cmd
      ->add_option("--threads", replay.threads,
                   "Processing threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  replay_cmd
      ->add_option("--cache-frames", replay.cache_frames,
                   "Most frames the frame cache holds (0: no cap)")
      ->capture_default_str();
  replay_cmd
      ->add_option("--cache-mb", replay.cache_mb,
                   "Most megabytes of pixels the frame cache holds (0: no cap)")
      ->capture_default_str();
  const std::map<std::string, svgcast::WhenFull> when_full{
      {"wait", svgcast::WhenFull::kWait}, {"drop", svgcast::WhenFull::kDrop}};
  replay_cmd
      ->add_option("--when-full", replay.when_full,
                   "At the cache cap: wait for processing (lossless) or drop "
                   "frames like a live recording")
      ->transform(CLI::CheckedTransformer(when_full, CLI::ignore_case))
      ->default_str("wait");
  replay_cmd->add_flag("-q,--quiet", replay.quiet,
                       "No progress line and no summary");

  svgcast::ExtractOptions extract;
  CLI::App* extract_cmd = app.add_subcommand(
      "extract",
      "Decode an svgcast SVG back into frames: one PNG per change, plus "
      "frames.txt.");
  extract_cmd->add_option("svg", extract.input, "An SVG made by svgcast")
      ->required();
  extract_cmd->add_option("folder", extract.folder, "Where to write the frames")
      ->required();
  extract_cmd->add_flag("-q,--quiet", extract.quiet, "No summary line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Name a mistyped command instead of CLI11's "a subcommand is required".
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands().empty()) {
      std::fprintf(stderr,
                   "svgcast: unknown command '%s' (commands: replay, "
                   "extract; see svgcast --help)\n",
                   argv[1]);
    } else if (argc > 1 && app.get_subcommands().empty() &&
               std::string(e.get_name()) == "RequiredError") {
      std::fprintf(stderr,
                   "svgcast: unknown option '%s' (give a command first: "
                   "replay or extract; see svgcast --help)\n",
                   argv[1]);
    } else {
      std::fprintf(stderr, "svgcast: %s (see svgcast --help)\n", e.what());
    }
    return 2;
  }

  try {
    if (*replay_cmd) return svgcast::RunReplay(replay);
    if (*extract_cmd) return svgcast::RunExtract(extract);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "svgcast: internal error: %s\n", e.what());
    return 1;
  }
  return 2;
}
