// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/subject_framing.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/auto_motion.h"
#include "common/prefilter_size.h"
#include "common/view_window.h"

namespace chunkreel {
namespace {

// A zoom this close to 1 reads as no zoom at all: the view pans instead.
constexpr double k_least_zoom = 1.03;
// Samples of the eased path checked to hold the faces.
constexpr int k_checks = 48;

// A rectangle in upright image pixels.
struct Rect {
  double left = 0, top = 0, right = 0, bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
  double cx() const { return (left + right) / 2; }
  double cy() const { return (top + bottom) / 2; }
};

Rect to_pixels(const Box& box, int width, int height) {
  return {box.x * width, box.y * height, box.right() * width, box.bottom() * height};
}

Rect unite(const Rect& a, const Rect& b) {
  return {std::min(a.left, b.left), std::min(a.top, b.top), std::max(a.right, b.right),
          std::max(a.bottom, b.bottom)};
}

// A face with half its size around it, inside the image.
Rect with_margin(const Rect& face, int width, int height) {
  const double m = std::max(face.width(), face.height()) / 2;
  return {std::max(0.0, face.left - m), std::max(0.0, face.top - m), std::min<double>(width, face.right + m),
          std::min<double>(height, face.bottom + m)};
}

// What the view keeps: `region` to compose on, and `kept`, the boxes every
// frame must hold in full (none when the region cannot fit a view, or only
// steers it).
struct Target {
  Rect region;
  std::vector<Rect> kept;
};

Target choose_target(const FramingRequest& r, const Subjects& subjects, const Focus& focus, double w0, double h0) {
  const int W = r.image_width, H = r.image_height;
  auto fits = [&](const Rect& rect) { return rect.width() <= w0 + 1e-6 && rect.height() <= h0 + 1e-6; };
  Target target;
  if (focus.kind == Focus::Kind::k_point || focus.kind == Focus::Kind::k_box || subjects.faces.empty()) {
    const Box box = focus.kind == Focus::Kind::k_found ? *subjects.salient : focus.box;
    target.region = to_pixels(box, W, H);
    // The user's box is kept whole; a salient region only steers.
    if (fits(target.region) && focus.kind == Focus::Kind::k_box) target.kept.push_back(target.region);
    return target;
  }
  // Faces, largest first, while together (with their margins) they fit.
  for (const Box& face : subjects.faces) {
    const Rect bare = to_pixels(face, W, H);
    const Rect padded = with_margin(bare, W, H);
    if (target.kept.empty()) {
      target.region = fits(padded) ? padded : bare;
      if (!fits(target.region)) return target;  // one face larger than the view: centre on it
      target.kept.push_back(bare);
      continue;
    }
    const Rect grown = unite(target.region, padded);
    if (!fits(grown)) continue;
    target.region = grown;
    target.kept.push_back(bare);
  }
  return target;
}

// The centre range (one axis) at which a window of `size` holds
// [lo, hi] and stays inside [0, extent]; empty (first > second) when none.
std::pair<double, double> centre_range(double lo, double hi, double size, double extent) {
  double a = hi - size / 2, b = lo + size / 2;
  if (size < extent) {
    a = std::max(a, size / 2);
    b = std::min(b, extent - size / 2);
  }
  return {a, b};
}

bool holds(const Window& w, const Rect& box) {
  constexpr double slack = 0.5;  // half a pixel: rounding, not a cut face
  return w.x <= box.left + slack && w.y <= box.top + slack && w.x + w.width >= box.right - slack &&
         w.y + w.height >= box.bottom - slack;
}

bool keeps_all(const FramingRequest& r, const Motion& motion, const std::vector<Rect>& kept) {
  for (int i = 0; i <= k_checks; ++i) {
    const ViewPoint v = interpolate_view(motion, static_cast<double>(i) / k_checks);
    const Window w = view_window(r.image_width, r.image_height, r.fit, v, r.output_width, r.output_height);
    for (const Rect& box : kept)
      if (!holds(w, box)) return false;
  }
  return true;
}

ViewPoint point(double zoom, double x, double y, const FramingRequest& r) {
  return ViewPoint{zoom, x / r.image_width, y / r.image_height};
}

Motion still(const Target& t, const FramingRequest& r) {
  Motion motion;
  motion.from = motion.to = point(1, t.region.cx(), t.region.cy(), r);
  return motion;
}

Motion moving(const Target& t, const FramingRequest& r, double w0, double h0) {
  const int W = r.image_width, H = r.image_height;
  const AutoMotionDraw draw = auto_motion_draw(r.slide_index, r.image_path, W, H);
  const Rect& u = t.region;
  // Only what must stay whole limits the zoom and the wide view's shift.
  const bool bound = !t.kept.empty();
  const double zoom_fit = bound ? std::min(w0 / std::max(u.width(), 1e-9), h0 / std::max(u.height(), 1e-9)) : 1e9;
  // Where a zoom-1 window may be centred and still hold the region.
  auto [x_lo, x_hi] = bound ? centre_range(u.left, u.right, w0, W) : std::pair<double, double>(0, W);
  auto [y_lo, y_hi] = bound ? centre_range(u.top, u.bottom, h0, H) : std::pair<double, double>(0, H);
  // As far as today's auto motion pans, at most.
  const double room = (1 - 1 / draw.zoom) / 2 * draw.reach;
  const double pan_x = room * W, pan_y = room * H;

  Motion motion;
  motion.easing = Easing::k_ease_in_out;
  double zoom = std::min(draw.zoom, zoom_fit);
  ViewPoint wide, close;
  if (zoom >= k_least_zoom) {
    wide = point(1, std::clamp(u.cx() + pan_x * std::cos(draw.angle), x_lo, std::max(x_lo, x_hi)),
                 std::clamp(u.cy() + pan_y * std::sin(draw.angle), y_lo, std::max(y_lo, y_hi)), r);
    close = point(zoom, u.cx(), u.cy(), r);
  } else {
    // No room to zoom: pan along the axis with more room, within the range
    // that keeps the region in view.
    zoom = 1;
    const bool along_x = (x_hi - x_lo) / W >= (y_hi - y_lo) / H;
    const double lo = along_x ? x_lo : y_lo, hi = along_x ? x_hi : y_hi;
    const double reach = std::max(0.0, std::min(hi - lo, along_x ? 2 * pan_x : 2 * pan_y) / 2);
    const double mid = std::clamp(along_x ? u.cx() : u.cy(), lo + reach, std::max(lo + reach, hi - reach));
    const double sign = std::cos(draw.angle) >= 0 ? 1 : -1;
    if (along_x) {
      wide = point(1, mid - sign * reach, u.cy(), r);
      close = point(1, mid + sign * reach, u.cy(), r);
    } else {
      wide = point(1, u.cx(), mid - sign * reach, r);
      close = point(1, u.cx(), mid + sign * reach, r);
    }
  }
  const bool zoom_in = r.slide_index % 2 == 0;
  motion.from = zoom_in ? wide : close;
  motion.to = zoom_in ? close : wide;
  // The path between two views that hold the faces can still cut one (the
  // window's size changes geometrically, its centre linearly, and clamping
  // at the image's edges moves it): zoom less until no frame does.
  for (int attempt = 0; attempt < 8 && !keeps_all(r, motion, t.kept); ++attempt) {
    ViewPoint& c = zoom_in ? motion.to : motion.from;
    c.zoom = 1 + (c.zoom - 1) / 2;
    ViewPoint& w = zoom_in ? motion.from : motion.to;
    w.center_x = (w.center_x + c.center_x) / 2;
    w.center_y = (w.center_y + c.center_y) / 2;
  }
  if (!keeps_all(r, motion, t.kept)) {
    const Motion fixed = still(t, r);
    motion.from = fixed.from;
    motion.to = fixed.to;
  }
  return motion;
}

}  // namespace

bool framing_applies(const FramingRequest& r) {
  if (r.auto_motion) return true;
  return r.fit == Fit::k_cover && r.motion.from == ViewPoint{} && r.motion.to == ViewPoint{};
}

std::optional<Motion> framed_motion(const FramingRequest& r, const Subjects& subjects, const Focus& focus) {
  if (!framing_applies(r) || focus.kind == Focus::Kind::k_none) return std::nullopt;
  if (focus.kind == Focus::Kind::k_found && subjects.empty()) return std::nullopt;
  if (r.image_width <= 0 || r.image_height <= 0 || r.output_width <= 0 || r.output_height <= 0) return std::nullopt;
  const double w0 = base_window_width(r.image_width, r.image_height, r.fit, r.output_width, r.output_height);
  const double h0 = w0 * r.output_height / r.output_width;
  const Target target = choose_target(r, subjects, focus, w0, h0);
  if (!r.auto_motion) {
    Motion motion = still(target, r);
    motion.easing = r.motion.easing;
    return motion;
  }
  return moving(target, r, w0, h0);
}

}  // namespace chunkreel
