#include "processing/scroll_detector.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <unordered_map>
#include <vector>

namespace svgcast {
namespace {

// FNV-1a of a row's pixels in [x0, x1), the X byte left out.
uint64_t RowHash(const cv::Mat& bgrx, int y, int x0, int x1) {
  uint64_t hash = 14695981039346656037ull;
  const uint32_t* row = bgrx.ptr<uint32_t>(y);
  for (int x = x0; x < x1; ++x) {
    hash ^= row[x] & 0x00FFFFFFu;
    hash *= 1099511628211ull;
  }
  return hash;
}

bool SameRow(const cv::Mat& a, int ya, const cv::Mat& b, int yb, int x0,
             int x1) {
  const uint32_t* ra = a.ptr<uint32_t>(ya);
  const uint32_t* rb = b.ptr<uint32_t>(yb);
  for (int x = x0; x < x1; ++x) {
    if (((ra[x] ^ rb[x]) & 0x00FFFFFFu) != 0) return false;
  }
  return true;
}

// Whether the row is one colour: such rows (blank lines) match anywhere
// and say nothing about how far the text moved.
bool PlainRow(const cv::Mat& bgrx, int y, int x0, int x1) {
  const uint32_t* row = bgrx.ptr<uint32_t>(y);
  for (int x = x0 + 1; x < x1; ++x) {
    if (((row[x] ^ row[x0]) & 0x00FFFFFFu) != 0) return false;
  }
  return true;
}

}  // namespace

// DetectScroll over the columns [x0, x1) of `area`'s rows.
std::optional<Move> DetectInColumns(const cv::Mat& prev, const cv::Mat& cur,
                                    const cv::Rect& area, int x0, int x1,
                                    const ScrollOptions& options,
                                    int* unaligned_dy) {
  // Where each distinct row of the frame before was (-1: at several
  // places, or plain).
  std::unordered_map<uint64_t, int> before;
  std::vector<uint64_t> prev_hash(prev.rows);
  for (int y = 0; y < prev.rows; ++y) {
    prev_hash[y] = RowHash(prev, y, x0, x1);
    if (PlainRow(prev, y, x0, x1)) continue;
    auto [it, added] = before.try_emplace(prev_hash[y], y);
    if (!added) it->second = -1;
  }
  // Each changed, distinct row of cur found once in prev votes for the
  // distance it moved.
  std::map<int, int> votes;  // dy -> rows
  for (int y = area.y; y < area.br().y; ++y) {
    const uint64_t hash = RowHash(cur, y, x0, x1);
    if (hash == prev_hash[y]) continue;
    auto it = before.find(hash);
    if (it == before.end() || it->second < 0 || it->second == y) continue;
    if (PlainRow(cur, y, x0, x1)) continue;
    votes[it->second - y] += 1;
  }
  const int a = std::max(1, options.align_px);
  int dy = 0;
  int best = 0;
  int any_dy = 0;
  int any_best = 0;
  for (const auto& [distance, count] : votes) {  // ties: the smallest dy
    if (distance % a == 0 && count > best) {
      dy = distance;
      best = count;
    }
    if (count > any_best) {
      any_dy = distance;
      any_best = count;
    }
  }
  if (any_best >= options.min_votes && any_dy % a != 0) *unaligned_dy = any_dy;
  if (best < options.min_votes) return std::nullopt;
  // The longest run of rows that are the rows dy away.
  int run_start = 0, best_start = 0, best_length = 0;
  bool in_run = false;
  for (int y = area.y; y <= area.br().y; ++y) {
    const bool same = y < area.br().y && y + dy >= 0 && y + dy < prev.rows &&
                      SameRow(cur, y, prev, y + dy, x0, x1);
    if (same && !in_run) run_start = y;
    if (!same && in_run && y - run_start > best_length) {
      best_start = run_start;
      best_length = y - run_start;
    }
    in_run = same;
  }
  // On past the rows that changed, while the rows are still the rows dy
  // away (unchanged rows the text moved through: the top of a terminal's
  // first line, which its neighbour moved into): the band's edge is then
  // where the picture really stops moving, and fewer rows around it are
  // painted afresh (a log scrolled in a 13 px font: 6 rows a frame, now 2).
  auto moved_here = [&](int y) {
    return y >= 0 && y < cur.rows && y + dy >= 0 && y + dy < prev.rows &&
           SameRow(cur, y, prev, y + dy, x0, x1);
  };
  if (best_length > 0 && best_start == area.y) {
    while (moved_here(best_start - 1)) {
      best_start -= 1;
      best_length += 1;
    }
  }
  if (best_length > 0 && best_start + best_length == area.br().y) {
    while (moved_here(best_start + best_length)) best_length += 1;
  }
  // Inside on aligned edges.
  auto up = [a](int v) { return (v + a - 1) / a * a; };
  auto down = [a](int v) { return v / a * a; };
  const cv::Rect to(cv::Point(up(x0), up(best_start)),
                    cv::Point(down(x1), down(best_start + best_length)));
  if (to.height < options.min_band_px || to.width <= 0) return std::nullopt;
  return Move{to, dy};
}

std::optional<Move> DetectScroll(const cv::Mat& prev, const cv::Mat& cur,
                                 const cv::Rect& changed,
                                 const ScrollOptions& options,
                                 int* unaligned_dy) {
  int unaligned_wide = 0, unaligned_narrow = 0;
  if (unaligned_dy != nullptr) *unaligned_dy = 0;
  const cv::Rect frame(0, 0, cur.cols, cur.rows);
  const cv::Rect area = changed & frame;
  if (!options.enabled || area.height < options.min_band_px || area.width < 2) {
    return std::nullopt;
  }
  // Across the whole width (a terminal scrolls edge to edge: the next move
  // then finds the band in one frame, and a browser scaling the SVG sees
  // no edge inside it), unless the columns that changed give a taller
  // band (a page beside a scroll bar whose thumb moved).
  std::optional<Move> wide =
      DetectInColumns(prev, cur, area, 0, cur.cols, options, &unaligned_wide);
  std::optional<Move> narrow = DetectInColumns(
      prev, cur, area, area.x, area.br().x, options, &unaligned_narrow);
  if (unaligned_dy != nullptr) {
    *unaligned_dy = unaligned_wide != 0 ? unaligned_wide : unaligned_narrow;
  }
  if (wide && (!narrow || wide->to.height >= narrow->to.height)) return wide;
  return narrow;
}

std::optional<Move> DetectScrollInColumns(const cv::Mat& prev,
                                          const cv::Mat& cur,
                                          const cv::Rect& changed,
                                          const cv::Rect& columns,
                                          const ScrollOptions& options) {
  const cv::Rect area = changed & cv::Rect(0, 0, cur.cols, cur.rows);
  const cv::Rect within = columns & area;
  if (!options.enabled || area.height < options.min_band_px ||
      within.width < 2) {
    return std::nullopt;
  }
  int unaligned = 0;
  return DetectInColumns(prev, cur, area, within.x, within.br().x, options,
                         &unaligned);
}

cv::Mat ApplyMove(const cv::Mat& prev, const cv::Mat& source,
                  const Move& move) {
  cv::Mat moved = prev.clone();
  source(move.to + cv::Point(0, move.dy)).copyTo(moved(move.to));
  return moved;
}

namespace {

// A band's four edges (top, bottom, left, right): the strip `e` wide
// inside it, and the one just outside it (with the corners).
struct Edges {
  cv::Rect inside[4];
  cv::Rect outside[4];
};

Edges EdgesOf(const cv::Rect& to, int e) {
  return Edges{{{to.x, to.y, to.width, e},
                {to.x, to.br().y - e, to.width, e},
                {to.x, to.y, e, to.height},
                {to.br().x - e, to.y, e, to.height}},
               {{to.x - e, to.y - e, to.width + 2 * e, e},
                {to.x - e, to.br().y, to.width + 2 * e, e},
                {to.x - e, to.y - e, e, to.height + 2 * e},
                {to.br().x, to.y - e, e, to.height + 2 * e}}};
}

}  // namespace

std::vector<cv::Rect> EdgesToRepaint(const cv::Mat& source, const cv::Mat& cur,
                                     const Move& move, int edge_px) {
  const cv::Rect frame(0, 0, cur.cols, cur.rows);
  const int e = edge_px;
  const Edges edges_of = EdgesOf(move.to, e);
  std::vector<cv::Rect> edges;
  for (int k = 0; k < 4; ++k) {
    // (Past the frame's left or right border both are the border pixels
    // repeated, as the band moves only up or down; past the top or the
    // bottom, the band's source goes on.)
    const cv::Rect now = edges_of.outside[k] & frame;
    const cv::Rect then = now + cv::Point(0, move.dy);
    const bool cut = k < 2 && now.height < e;
    const bool same =
        !cut &&
        (now.empty() || ((then & frame) == then &&
                         cv::norm(cur(now), source(then), cv::NORM_INF) == 0));
    if (!same) edges.push_back(edges_of.inside[k] & frame);
  }
  return edges;
}

std::vector<cv::Rect> OutsideEdgesToRepaint(const cv::Mat& prev,
                                            const cv::Mat& cur,
                                            const Move& move, int edge_px) {
  const cv::Rect frame(0, 0, cur.cols, cur.rows);
  const Edges edges_of = EdgesOf(move.to, edge_px);
  std::vector<cv::Rect> strips;
  for (int k = 0; k < 4; ++k) {
    const cv::Rect strip = edges_of.outside[k] & frame;
    const cv::Rect edge = edges_of.inside[k] & frame;
    if (strip.empty() || edge.empty()) continue;
    if (cv::norm(cur(edge), prev(edge), cv::NORM_INF) != 0) {
      strips.push_back(strip);
    }
  }
  return strips;
}

}  // namespace svgcast
