// SPDX-License-Identifier: GPL-2.0-or-later
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "common/auto_motion.h"
#include "common/subject_framing.h"
#include "common/view_window.h"

using namespace chunkreel;

namespace {

FramingRequest request(int index, int w, int h, int ow, int oh, bool automatic, Fit fit = Fit::k_cover) {
  FramingRequest r;
  r.slide_index = index;
  r.image_path = "/photos/p" + std::to_string(index) + ".jpg";
  r.image_width = w;
  r.image_height = h;
  r.fit = fit;
  r.output_width = ow;
  r.output_height = oh;
  r.auto_motion = automatic;
  r.motion = automatic ? auto_motion(index, r.image_path, w, h) : Motion{};
  return r;
}

Window window_at(const FramingRequest& r, const Motion& m, double p) {
  return view_window(r.image_width, r.image_height, r.fit, interpolate_view(m, p), r.output_width,
                     r.output_height);
}

// Whether the window holds the face (normalised) whole, to half a pixel.
bool holds(const Window& w, const Box& face, int W, int H) {
  return w.x <= face.x * W + 0.5 && w.y <= face.y * H + 0.5 && w.x + w.width >= face.right() * W - 0.5 &&
         w.y + w.height >= face.bottom() * H - 0.5;
}

// Whether faces with half a face around each fit a zoom-1 window together.
bool fit_together(const FramingRequest& r, const std::vector<Box>& faces) {
  const Window w = view_window(r.image_width, r.image_height, r.fit, ViewPoint{}, r.output_width, r.output_height);
  double l = 1e9, t = 1e9, rr = -1e9, b = -1e9;
  for (const Box& f : faces) {
    const double m = std::max(f.width * r.image_width, f.height * r.image_height) / 2;
    l = std::min(l, std::max(0.0, f.x * r.image_width - m));
    t = std::min(t, std::max(0.0, f.y * r.image_height - m));
    rr = std::max(rr, std::min<double>(r.image_width, f.right() * r.image_width + m));
    b = std::max(b, std::min<double>(r.image_height, f.bottom() * r.image_height + m));
  }
  return rr - l <= w.width && b - t <= w.height;
}

}  // namespace

TEST_CASE("faces stay in view at the start, middle and end of every slide") {
  std::mt19937 random(7);  // the same faces on every run
  std::uniform_real_distribution<double> unit(0, 1);
  const int shapes[2][2] = {{4000, 3000}, {3000, 4000}};
  const int frames[2][2] = {{1920, 1080}, {1080, 1920}};
  int moving = 0, checked = 0;
  for (const auto& shape : shapes)
    for (const auto& frame : frames)
      for (int trial = 0; trial < 60; ++trial) {
        const int W = shape[0], H = shape[1];
        Subjects subjects;
        const int count = 1 + trial % 4;
        for (int f = 0; f < count; ++f) {
          const double side = (0.04 + 0.2 * unit(random)) * std::min(W, H);
          const double x = unit(random) * (W - side), y = unit(random) * (H - side);
          subjects.faces.push_back(Box{x / W, y / H, side / W, side / H});
        }
        std::sort(subjects.faces.begin(), subjects.faces.end(),
                  [](const Box& a, const Box& b) { return a.width * a.height > b.width * b.height; });
        for (bool automatic : {true, false}) {
          const FramingRequest r = request(trial, W, H, frame[0], frame[1], automatic);
          const auto framed = framed_motion(r, subjects, Focus{});
          REQUIRE(framed);
          // All of them when they fit together; else the largest, at least.
          const std::vector<Box> must = fit_together(r, subjects.faces)
                                            ? subjects.faces
                                            : std::vector<Box>{subjects.faces.front()};
          const bool largest_fits = fit_together(r, {subjects.faces.front()});
          for (double p : {0.0, 0.25, 0.5, 0.75, 1.0})
            for (const Box& face : must) {
              if (!largest_fits) continue;  // a face larger than the view: centred on, not held
              INFO("trial " << trial << " photo " << W << "x" << H << " frame " << frame[0] << "x" << frame[1]
                            << " p " << p);
              CHECK(holds(window_at(r, *framed, p), face, W, H));
              ++checked;
            }
          if (automatic && !(framed->from == framed->to)) ++moving;
        }
      }
  CHECK(checked > 500);
  CHECK(moving > 200);  // of 240 automatic slides: framing keeps them moving
}

TEST_CASE("a portrait photo in a landscape frame keeps the faces in its top third") {
  // Two faces side by side near the top of a 3:4 photo.
  Subjects subjects;
  subjects.faces = {Box{0.30, 0.12, 0.14, 0.105}, Box{0.55, 0.14, 0.12, 0.09}};
  for (bool automatic : {true, false})
    for (int index = 0; index < 6; ++index) {
      const FramingRequest r = request(index, 3024, 4032, 1920, 1080, automatic);
      const auto framed = framed_motion(r, subjects, Focus{});
      REQUIRE(framed);
      for (double p : {0.0, 0.5, 1.0})
        for (const Box& face : subjects.faces) CHECK(holds(window_at(r, *framed, p), face, 3024, 4032));
      // Without framing the middle band shows, and the faces are cut.
      const Motion plain = r.motion;
      CHECK_FALSE(holds(window_at(r, plain, 0.0), subjects.faces[0], 3024, 4032));
    }
}

TEST_CASE("auto motion framed by faces stays as gentle as before") {
  Subjects subjects;
  subjects.faces = {Box{0.1, 0.1, 0.08, 0.1}};
  for (int index = 0; index < 20; ++index) {
    const FramingRequest r = request(index, 4000, 3000, 1920, 1080, true);
    const auto framed = framed_motion(r, subjects, Focus{});
    REQUIRE(framed);
    const double zoom = std::max(framed->from.zoom, framed->to.zoom);
    CHECK(zoom <= 1.24 + 1e-9);
    CHECK(std::min(framed->from.zoom, framed->to.zoom) == Approx(1.0));
    // Even slides zoom in, odd ones out, as auto motion always has.
    CHECK((framed->to.zoom >= framed->from.zoom) == (index % 2 == 0));
    // The window's centre travels no further than auto motion's widest pan
    // plus the way to the face (the zoom-1 view is clamped to the image).
    const Window a = window_at(r, *framed, 0), b = window_at(r, *framed, 1);
    const double travel = std::hypot((a.x + a.width / 2) - (b.x + b.width / 2), (a.y + a.height / 2) - (b.y + b.height / 2));
    CHECK(travel <= 0.25 * 4000);
  }
}

TEST_CASE("nothing found, focus none, or a motion written out: the slide keeps its motion") {
  const FramingRequest automatic = request(3, 4000, 3000, 1920, 1080, true);
  Subjects faces;
  faces.faces = {Box{0.1, 0.1, 0.1, 0.1}};
  CHECK_FALSE(framed_motion(automatic, Subjects{}, Focus{}));
  CHECK_FALSE(framed_motion(automatic, faces, Focus{Focus::Kind::k_none, {}}));
  FramingRequest written = request(3, 4000, 3000, 1920, 1080, false);
  written.motion.to = ViewPoint{1.2, 0.3, 0.3};
  CHECK_FALSE(framing_applies(written));
  CHECK_FALSE(framed_motion(written, faces, Focus{}));
  // A contained photo that does not move shows all of itself already.
  const FramingRequest contained = request(3, 4000, 3000, 1920, 1080, false, Fit::k_contain);
  CHECK_FALSE(framed_motion(contained, faces, Focus{}));
}

TEST_CASE("a slide's focus replaces what was found") {
  Subjects faces;
  faces.faces = {Box{0.05, 0.05, 0.1, 0.1}};
  const Box box{0.6, 0.6, 0.2, 0.2};
  for (bool automatic : {true, false}) {
    const FramingRequest r = request(2, 3000, 4000, 1920, 1080, automatic);
    const auto framed = framed_motion(r, faces, Focus{Focus::Kind::k_box, box});
    REQUIRE(framed);
    for (double p : {0.0, 0.5, 1.0}) {
      CHECK(holds(window_at(r, *framed, p), box, 3000, 4000));
      CHECK_FALSE(holds(window_at(r, *framed, p), faces.faces[0], 3000, 4000));
    }
  }
  // A point: the still crop is centred on it, as far as the image allows.
  const FramingRequest still = request(2, 3000, 4000, 1920, 1080, false);
  const auto pointed = framed_motion(still, Subjects{}, Focus{Focus::Kind::k_point, Box{0.5, 0.8, 0, 0}});
  REQUIRE(pointed);
  const Window w = window_at(still, *pointed, 0);
  CHECK(w.y + w.height / 2 == Approx(std::min(0.8 * 4000, 4000 - w.height / 2)));
}

TEST_CASE("a salient region steers the view toward it") {
  Subjects salient;
  salient.salient = Box{0.7, 0.1, 0.2, 0.2};
  const FramingRequest still = request(0, 3000, 4000, 1920, 1080, false);
  const auto framed = framed_motion(still, salient, Focus{});
  REQUIRE(framed);
  const Window w = window_at(still, *framed, 0);
  CHECK(w.y == Approx(0));  // the band moves up toward the region
  CHECK(holds(w, *salient.salient, 3000, 4000));
}
