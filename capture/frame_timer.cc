#include "capture/frame_timer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <string_view>
#include <utility>

#include <sys/stat.h>

namespace svgcast {
namespace {

// snprintf into a std::string.
__attribute__((format(printf, 1, 2))) std::string Format(const char* format,
                                                         ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size > 0) std::vsnprintf(text.data(), text.size() + 1, format, args);
  va_end(args);
  return text;
}

using ull = unsigned long long;

double NsToMs(int64_t ns) { return static_cast<double>(ns) / 1e6; }
double BytesToMb(size_t bytes) { return static_cast<double>(bytes) / 1e6; }

// Nearest rank on sorted values: the smallest value that at least
// `percent` % of the values are at or below (rank ceil(p/100 * n), 1-based).
int64_t NearestRank(const std::vector<int64_t>& sorted, int percent) {
  if (sorted.empty()) return 0;
  size_t rank = (static_cast<size_t>(percent) * sorted.size() + 99) / 100;
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// value / 10^6 with exactly three decimals, rounded half away from zero in
// integer arithmetic (so ns print as ms, bytes as MB, the same everywhere).
std::string Millionths3(int64_t value) {
  const bool negative = value < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value)
                                      : static_cast<uint64_t>(value);
  const uint64_t thousandths = (magnitude + 500) / 1000;
  return Format("%s%llu.%03llu", negative && thousandths != 0 ? "-" : "",
                static_cast<ull>(thousandths / 1000),
                static_cast<ull>(thousandths % 1000));
}

const char* Plural(uint64_t n, const char* one, const char* many) {
  return n == 1 ? one : many;
}

// Writes `bytes` to a new file next to `path`, then renames it into place.
// Errors read "<path>: cannot write: <reason>".
Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  if (path.empty()) return Status::Error("output path is empty");
  const std::string context = path + ": cannot write";
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::Error(context + ": is a folder");
  }
  static std::atomic<uint64_t> counter{0};
  const std::filesystem::path target(path);
  std::string temp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temp =
        (target.parent_path() /
         ("." + target.filename().string() + "." + std::to_string(::getpid()) +
          "." + std::to_string(counter.fetch_add(1)) + ".svgcast-tmp"))
            .string();
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt >= 100)) {
      return Status::FromErrno(context, errno);
    }
  }
  auto fail = [&](int error) {
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    return Status::FromErrno(context, error);
  };
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    done += static_cast<size_t>(n);
  }
  const int closing = fd;
  fd = -1;
  if (::close(closing) != 0) return fail(errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) return fail(errno);
  return Status::Ok();
}

// ---- The SVG chart ----

constexpr double kWidth = 900;
constexpr double kHeight = 580;
constexpr double kPlotLeft = 76;
constexpr double kPlotRight = 876;
constexpr double kTopPanelTop = 78;
constexpr double kTopPanelBottom = 298;
constexpr double kBottomPanelTop = 358;
constexpr double kBottomPanelBottom = 518;
constexpr const char* kIntervalColor = "#1f77b4";
constexpr const char* kPeriodColor = "#555555";
constexpr const char* kCacheColor = "#d95f02";

std::string Escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// An axis from 0 to `max` with ticks every `step` (1, 2 or 5 times a power
// of ten, about five of them).
struct Axis {
  double max = 1;
  double step = 1;
  int decimals = 0;

  double Ticks() const { return std::round(max / step); }
  std::string Label(double value) const {
    return Format("%.*f", decimals, value);
  }
};

Axis NiceAxis(double data_max, bool integer) {
  Axis axis;
  if (!(data_max > 0) || !std::isfinite(data_max)) data_max = 1;
  const double raw = data_max / 5;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double nice = fraction <= 1   ? 1
                      : fraction <= 2 ? 2
                      : fraction <= 5 ? 5
                                      : 10;
  axis.step = nice * magnitude;
  if (integer && axis.step < 1) axis.step = 1;
  axis.max = std::ceil(data_max / axis.step - 1e-9) * axis.step;
  if (axis.max < data_max) axis.max += axis.step;
  axis.decimals =
      axis.step >= 1
          ? 0
          : static_cast<int>(std::ceil(-std::log10(axis.step) - 1e-9));
  return axis;
}

class Chart {
 public:
  Chart(const Axis& x, std::string* out) : x_(x), out_(*out) {}

  double X(double seconds) const {
    return kPlotLeft + seconds / x_.max * (kPlotRight - kPlotLeft);
  }
  static double Y(const Axis& axis, double value, double top, double bottom) {
    return bottom - value / axis.max * (bottom - top);
  }

  // The frame, grid, tick labels and axis title of one panel.
  void Panel(const Axis& y, double top, double bottom,
             const std::string& y_title) {
    out_ += Format(
        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
        "fill=\"#fcfcfc\" stroke=\"#999999\"/>\n",
        kPlotLeft, top, kPlotRight - kPlotLeft, bottom - top);
    out_ += "<g class=\"grid\" stroke=\"#e3e3e3\">\n";
    for (double k = 1; k < y.Ticks(); ++k) {
      const double py = Y(y, k * y.step, top, bottom);
      out_ +=
          Format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                 kPlotLeft, py, kPlotRight, py);
    }
    for (double k = 1; k < x_.Ticks(); ++k) {
      const double px = X(k * x_.step);
      out_ +=
          Format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                 px, top, px, bottom);
    }
    out_ += "</g>\n<g class=\"ticks\" fill=\"#333333\">\n";
    for (double k = 0; k <= y.Ticks(); ++k) {
      out_ +=
          Format("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                 kPlotLeft - 6, Y(y, k * y.step, top, bottom) + 4,
                 y.Label(k * y.step).c_str());
    }
    for (double k = 0; k <= x_.Ticks(); ++k) {
      out_ += Format(
          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
          X(k * x_.step), bottom + 16, x_.Label(k * x_.step).c_str());
    }
    const double middle = (top + bottom) / 2;
    out_ += Format(
        "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" "
        "transform=\"rotate(-90 20 %.1f)\">%s</text>\n</g>\n",
        middle, middle, Escape(y_title).c_str());
  }

  // Legend entries laid out leftwards from the plot's right edge, on the
  // baseline `y`. Each: colour, dashed?, label.
  struct LegendItem {
    const char* color;
    bool dashed;
    std::string label;
  };
  void Legend(double y, const std::vector<LegendItem>& items) {
    out_ += "<g class=\"legend\" fill=\"#333333\">\n";
    double right = kPlotRight;
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      const double text_width = 6.8 * static_cast<double>(it->label.size());
      const double text_x = right - text_width;
      out_ += Format(
          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
          "stroke=\"%s\" stroke-width=\"2\"%s/>\n",
          text_x - 30, y - 4, text_x - 6, y - 4, it->color,
          it->dashed ? " stroke-dasharray=\"6 4\"" : "");
      out_ += Format("<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", text_x, y,
                     Escape(it->label).c_str());
      right = text_x - 48;
    }
    out_ += "</g>\n";
  }

  void Note(double top, double bottom, const std::string& text) {
    out_ += Format(
        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
        "fill=\"#777777\">%s</text>\n",
        (kPlotLeft + kPlotRight) / 2, (top + bottom) / 2, Escape(text).c_str());
  }

  // A polyline (when there are points) and, for a single point, a dot.
  void Series(const char* css_class, const char* color,
              const std::vector<std::pair<double, double>>& points) {
    if (points.empty()) return;
    out_ += Format("<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" ",
                   css_class, color);
    out_ += "stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"";
    for (size_t i = 0; i < points.size(); ++i) {
      if (i != 0) out_ += ' ';
      out_ += Format("%.1f,%.1f", points[i].first, points[i].second);
    }
    out_ += "\"/>\n";
    if (points.size() == 1) {
      out_ += Format(
          "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
          "fill=\"%s\"/>\n",
          css_class, points[0].first, points[0].second, color);
    }
  }

 private:
  const Axis x_;
  std::string& out_;
};

std::string PlotSvg(const std::vector<FrameTimes>& rows,
                    const TimerSummary& summary, int64_t period_ns) {
  const size_t n = rows.size();
  const int64_t origin_ns = n == 0 ? 0 : rows[0].capture_start_ns;
  auto seconds = [&](size_t i) {
    return static_cast<double>(rows[i].capture_start_ns - origin_ns) / 1e9;
  };

  const Axis x = NiceAxis(summary.duration_s, false);
  const double interval_top =
      std::max(summary.interval_max_ms, summary.period_ms) * 1.05;
  const Axis y_interval = NiceAxis(interval_top, false);
  const Axis y_cache =
      NiceAxis(static_cast<double>(summary.peak_cache_frames) * 1.1, true);

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += Format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n",
      kWidth, kHeight, kWidth, kHeight);
  out += "<title>svgcast frame timer</title>\n";
  out += Format("<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
                kWidth, kHeight);

  // Title and a one-line summary.
  std::string title =
      Format("svgcast frame timer: %llu %s in %.1f s",
             static_cast<ull>(summary.frames),
             Plural(summary.frames, "frame", "frames"), summary.duration_s);
  title += summary.period_ms > 0 ? Format(", period %.1f ms", summary.period_ms)
                                 : std::string(", not paced");
  out += Format(
      "<text class=\"title\" x=\"%.1f\" y=\"26\" font-size=\"16\" "
      "font-weight=\"bold\" fill=\"#222222\">%s</text>\n",
      kPlotLeft, Escape(title).c_str());
  std::string subtitle =
      n >= 2 ? Format("interval p50 %.1f, p99 %.1f, max %.1f ms; ",
                      summary.interval_p50_ms, summary.interval_p99_ms,
                      summary.interval_max_ms)
             : std::string();
  subtitle += Format(
      "%llu late, %llu skipped, %llu dropped; peak cache %zu %s / %.1f MB",
      static_cast<ull>(summary.late_ticks),
      static_cast<ull>(summary.skipped_ticks),
      static_cast<ull>(summary.dropped_cache_full), summary.peak_cache_frames,
      Plural(summary.peak_cache_frames, "frame", "frames"),
      BytesToMb(summary.peak_cache_bytes));
  out += Format(
      "<text class=\"subtitle\" x=\"%.1f\" y=\"46\" fill=\"#555555\">%s"
      "</text>\n",
      kPlotLeft, Escape(subtitle).c_str());

  Chart chart(x, &out);

  // Top panel: the capture interval of every frame after the first.
  chart.Panel(y_interval, kTopPanelTop, kTopPanelBottom,
              "capture interval (ms)");
  std::vector<Chart::LegendItem> legend = {
      {kIntervalColor, false, "capture interval"}};
  if (period_ns > 0) {
    legend.push_back(
        {kPeriodColor, true, Format("period %.1f ms", summary.period_ms)});
  }
  chart.Legend(kTopPanelTop - 8, legend);
  std::vector<std::pair<double, double>> points;
  for (size_t i = 1; i < n; ++i) {
    const int64_t interval_ns =
        rows[i].capture_start_ns - rows[i - 1].capture_start_ns;
    points.emplace_back(chart.X(seconds(i)),
                        Chart::Y(y_interval, NsToMs(interval_ns), kTopPanelTop,
                                 kTopPanelBottom));
  }
  chart.Series("interval", kIntervalColor, points);
  // The nominal period on top, dashed, so it shows through the series.
  if (period_ns > 0) {
    const double py =
        Chart::Y(y_interval, summary.period_ms, kTopPanelTop, kTopPanelBottom);
    out += Format(
        "<line class=\"period\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
        "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"6 4\"/>\n",
        kPlotLeft, py, kPlotRight, py, kPeriodColor);
  }
  if (n == 0) {
    chart.Note(kTopPanelTop, kTopPanelBottom, "no frames recorded");
  } else if (n == 1) {
    chart.Note(kTopPanelTop, kTopPanelBottom, "one frame: no capture interval");
  }

  // Bottom panel: the cache depth after each capture, held until the next.
  chart.Panel(y_cache, kBottomPanelTop, kBottomPanelBottom, "cache (frames)");
  chart.Legend(kBottomPanelTop - 8,
               {{kCacheColor, false, "frames cached after each capture"}});
  points.clear();
  for (size_t i = 0; i < n; ++i) {
    const double px = chart.X(seconds(i));
    auto depth = [&](size_t k) {
      return Chart::Y(y_cache, static_cast<double>(rows[k].cache_frames),
                      kBottomPanelTop, kBottomPanelBottom);
    };
    if (i > 0) points.emplace_back(px, depth(i - 1));
    points.emplace_back(px, depth(i));
  }
  chart.Series("cache", kCacheColor, points);
  if (n == 0) {
    chart.Note(kBottomPanelTop, kBottomPanelBottom, "no frames recorded");
  }
  out += Format(
      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
      "fill=\"#333333\">time (s) from the first frame</text>\n",
      (kPlotLeft + kPlotRight) / 2, kBottomPanelBottom + 42);
  out += "</svg>\n";
  return out;
}

}  // namespace

FrameTimer::FrameTimer(int64_t period_ns) : period_ns_(period_ns) {}

void FrameTimer::OnSkippedTicks(uint64_t count) {
  std::lock_guard lock(mutex_);
  skipped_ticks_ += count;
}

void FrameTimer::OnDropped(DropReason reason) {
  std::lock_guard lock(mutex_);
  if (reason == DropReason::kCacheFull) ++dropped_cache_full_;
}

void FrameTimer::OnCaptured(const FrameTimes& times) {
  std::lock_guard lock(mutex_);
  rows_.push_back(times);
}

void FrameTimer::OnProcessed(uint64_t seq, int64_t done_ns) {
  std::lock_guard lock(mutex_);
  if (seq < rows_.size() && rows_[seq].seq == seq) {
    rows_[seq].processed_ns = done_ns;
  }
}

std::optional<FrameTimes> FrameTimer::row(uint64_t seq) const {
  std::lock_guard lock(mutex_);
  if (seq >= rows_.size() || rows_[seq].seq != seq) return std::nullopt;
  return rows_[seq];
}

std::vector<FrameTimes> FrameTimer::rows() const {
  std::lock_guard lock(mutex_);
  return rows_;
}

TimerSummary FrameTimer::Summarize() const {
  std::vector<FrameTimes> rows;
  TimerSummary summary;
  {
    std::lock_guard lock(mutex_);
    rows = rows_;
    summary.skipped_ticks = skipped_ticks_;
    summary.dropped_cache_full = dropped_cache_full_;
  }
  summary.frames = rows.size();
  summary.period_ms = period_ns_ > 0 ? NsToMs(period_ns_) : 0;
  if (rows.empty()) return summary;
  summary.duration_s = static_cast<double>(rows.back().capture_start_ns -
                                           rows.front().capture_start_ns) /
                       1e9;

  std::vector<int64_t> intervals, errors, latencies, lateness;
  for (size_t i = 0; i < rows.size(); ++i) {
    const FrameTimes& row = rows[i];
    if (i > 0) {
      const int64_t interval =
          row.capture_start_ns - rows[i - 1].capture_start_ns;
      intervals.push_back(interval);
      if (period_ns_ > 0) errors.push_back(std::llabs(interval - period_ns_));
    }
    if (row.deadline_ns != 0) {
      const int64_t late_ns =
          std::max<int64_t>(0, row.capture_start_ns - row.deadline_ns);
      lateness.push_back(late_ns);
      if (late_ns > kLateThresholdNs) ++summary.late_ticks;
    }
    summary.peak_cache_frames =
        std::max(summary.peak_cache_frames, row.cache_frames);
    summary.peak_cache_bytes =
        std::max(summary.peak_cache_bytes, row.cache_bytes);
    if (row.processed_ns != 0) {
      latencies.push_back(row.processed_ns - row.capture_end_ns);
    }
  }
  std::sort(intervals.begin(), intervals.end());
  std::sort(errors.begin(), errors.end());
  std::sort(latencies.begin(), latencies.end());
  std::sort(lateness.begin(), lateness.end());
  if (!lateness.empty()) {
    summary.lateness_p99_ms = NsToMs(NearestRank(lateness, 99));
    summary.lateness_max_ms = NsToMs(lateness.back());
  }
  if (!intervals.empty()) {
    summary.interval_p50_ms = NsToMs(NearestRank(intervals, 50));
    summary.interval_p95_ms = NsToMs(NearestRank(intervals, 95));
    summary.interval_p99_ms = NsToMs(NearestRank(intervals, 99));
    summary.interval_max_ms = NsToMs(intervals.back());
  }
  if (!errors.empty()) {
    summary.interval_error_p99_ms = NsToMs(NearestRank(errors, 99));
    summary.interval_error_max_ms = NsToMs(errors.back());
  }
  summary.processed_frames = latencies.size();
  if (!latencies.empty()) {
    summary.latency_p50_ms = NsToMs(NearestRank(latencies, 50));
    summary.latency_p99_ms = NsToMs(NearestRank(latencies, 99));
  }
  return summary;
}

Status FrameTimer::WriteCsv(const std::string& path) const {
  const std::vector<FrameTimes> snapshot = rows();
  std::string csv =
      "seq,deadline_ms,capture_start_ms,capture_end_ms,interval_ms,late_ms,"
      "cache_frames,cache_mb,processed_ms,latency_ms\n";
  const int64_t origin_ns =
      snapshot.empty() ? 0 : snapshot.front().capture_start_ns;
  for (size_t i = 0; i < snapshot.size(); ++i) {
    const FrameTimes& row = snapshot[i];
    const bool paced = row.deadline_ns != 0;
    const bool processed = row.processed_ns != 0;
    csv += std::to_string(row.seq);
    csv += ',';
    if (paced) csv += Millionths3(row.deadline_ns - origin_ns);
    csv += ',';
    csv += Millionths3(row.capture_start_ns - origin_ns);
    csv += ',';
    csv += Millionths3(row.capture_end_ns - origin_ns);
    csv += ',';
    if (i > 0) {
      csv +=
          Millionths3(row.capture_start_ns - snapshot[i - 1].capture_start_ns);
    }
    csv += ',';
    if (paced) csv += Millionths3(row.capture_start_ns - row.deadline_ns);
    csv += ',';
    csv += std::to_string(row.cache_frames);
    csv += ',';
    csv += Millionths3(static_cast<int64_t>(row.cache_bytes));
    csv += ',';
    if (processed) csv += Millionths3(row.processed_ns - origin_ns);
    csv += ',';
    if (processed) csv += Millionths3(row.processed_ns - row.capture_end_ns);
    csv += '\n';
  }
  return WriteFileAtomically(path, csv);
}

Status FrameTimer::WritePlot(const std::string& path) const {
  return WriteFileAtomically(path, PlotSvg(rows(), Summarize(), period_ns_));
}

std::string FormatTimerSummary(const TimerSummary& s) {
  std::string out;
  out += Format("  %-10s%llu in %.1f s", "frames", static_cast<ull>(s.frames),
                s.duration_s);
  out += s.period_ms > 0 ? Format(" (period %.1f ms)\n", s.period_ms)
                         : std::string(" (not paced)\n");
  if (s.frames < 2) {
    out += Format("  %-10s- (fewer than 2 frames)\n", "interval");
  } else {
    out += Format("  %-10sp50 %.1f  p95 %.1f  p99 %.1f  max %.1f ms",
                  "interval", s.interval_p50_ms, s.interval_p95_ms,
                  s.interval_p99_ms, s.interval_max_ms);
    if (s.period_ms > 0) {
      out += Format(" (error p99 %.1f, max %.1f ms)", s.interval_error_p99_ms,
                    s.interval_error_max_ms);
    }
    out += '\n';
  }
  out += Format(
      "  %-10s%llu late, %llu skipped; %llu %s dropped (cache full)\n", "ticks",
      static_cast<ull>(s.late_ticks), static_cast<ull>(s.skipped_ticks),
      static_cast<ull>(s.dropped_cache_full),
      Plural(s.dropped_cache_full, "frame", "frames"));
  if (s.lateness_max_ms > 0) {
    out += Format("  %-10sp99 %.1f  max %.1f ms after the deadline\n",
                  "lateness", s.lateness_p99_ms, s.lateness_max_ms);
  }
  if (!s.capture_scheduling.empty()) {
    out += Format("  %-10s%s\n", "thread", s.capture_scheduling.c_str());
  }
  out += Format("  %-10speak %zu %s / %.1f MB\n", "cache", s.peak_cache_frames,
                Plural(s.peak_cache_frames, "frame", "frames"),
                BytesToMb(s.peak_cache_bytes));
  if (s.processed_frames == 0) {
    out += Format("  %-10s- (no frame was processed)\n", "latency");
  } else {
    out += Format("  %-10sp50 %.1f  p99 %.1f ms (capture end to written",
                  "latency", s.latency_p50_ms, s.latency_p99_ms);
    if (s.processed_frames != s.frames) {
      out +=
          Format(", %llu of %llu frames", static_cast<ull>(s.processed_frames),
                 static_cast<ull>(s.frames));
    }
    out += ")\n";
  }
  return out;
}

std::string FormatTimerComparison(const std::string& left_title,
                                  const TimerSummary& left,
                                  const std::string& right_title,
                                  const TimerSummary& right) {
  struct Row {
    const char* label;
    std::string values[2];
  };
  const TimerSummary* const summaries[2] = {&left, &right};
  auto ms = [](double value) { return Format("%.1f ms", value); };
  auto count = [](uint64_t value) {
    return std::to_string(static_cast<ull>(value));
  };
  std::vector<Row> rows = {
      {"frames", {}},
      {"duration", {}},
      {"period", {}},
      {"interval p50", {}},
      {"interval p95", {}},
      {"interval p99", {}},
      {"interval max", {}},
      {"interval error p99", {}},
      {"interval error max", {}},
      {"lateness p99", {}},
      {"lateness max", {}},
      {"capture thread", {}},
      {"late ticks", {}},
      {"skipped ticks", {}},
      {"dropped (cache full)", {}},
      {"peak cache", {}},
      {"peak cache size", {}},
      {"processed", {}},
      {"latency p50", {}},
      {"latency p99", {}},
  };
  for (int column = 0; column < 2; ++column) {
    const TimerSummary& s = *summaries[column];
    const bool intervals = s.frames >= 2;
    const bool paced = s.period_ms > 0;
    const bool processed = s.processed_frames > 0;
    const std::string values[] = {
        count(s.frames),
        Format("%.1f s", s.duration_s),
        paced ? ms(s.period_ms) : "not paced",
        intervals ? ms(s.interval_p50_ms) : "-",
        intervals ? ms(s.interval_p95_ms) : "-",
        intervals ? ms(s.interval_p99_ms) : "-",
        intervals ? ms(s.interval_max_ms) : "-",
        intervals && paced ? ms(s.interval_error_p99_ms) : "-",
        intervals && paced ? ms(s.interval_error_max_ms) : "-",
        s.lateness_max_ms > 0 ? ms(s.lateness_p99_ms) : "-",
        s.lateness_max_ms > 0 ? ms(s.lateness_max_ms) : "-",
        s.capture_scheduling.empty() ? "-" : s.capture_scheduling,
        count(s.late_ticks),
        count(s.skipped_ticks),
        count(s.dropped_cache_full),
        Format("%zu %s", s.peak_cache_frames,
               Plural(s.peak_cache_frames, "frame", "frames")),
        Format("%.1f MB", BytesToMb(s.peak_cache_bytes)),
        count(s.processed_frames),
        processed ? ms(s.latency_p50_ms) : "-",
        processed ? ms(s.latency_p99_ms) : "-",
    };
    static_assert(std::size(values) == 20);
    for (size_t i = 0; i < rows.size(); ++i) rows[i].values[column] = values[i];
  }
  // Rows that say nothing for either run are left out.
  std::erase_if(rows, [](const Row& row) {
    return std::string_view(row.label) == "capture thread" &&
           row.values[0] == "-" && row.values[1] == "-";
  });
  size_t label_width = 0;
  size_t widths[2] = {left_title.size(), right_title.size()};
  for (const Row& row : rows) {
    label_width = std::max(label_width, std::string_view(row.label).size());
    for (int column = 0; column < 2; ++column) {
      widths[column] = std::max(widths[column], row.values[column].size());
    }
  }
  auto line = [&](std::string_view label, const std::string& a,
                  const std::string& b) {
    return Format("  %-*s   %*s   %*s\n", static_cast<int>(label_width),
                  std::string(label).c_str(), static_cast<int>(widths[0]),
                  a.c_str(), static_cast<int>(widths[1]), b.c_str());
  };
  std::string out = line("", left_title, right_title);
  for (const Row& row : rows) {
    out += line(row.label, row.values[0], row.values[1]);
  }
  return out;
}

}  // namespace svgcast
