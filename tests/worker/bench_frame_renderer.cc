// SPDX-License-Identifier: GPL-2.0-or-later
// Microbenchmarks of the frame renderer and of photo loading. The renderer: the per-frame cost of a 1080p Ken
// Burns frame and a crossfade frame from 24-megapixel sources, beside the
// cost of encoding one 1080p frame with libx264 veryfast on one thread, the
// yardstick the render cost is judged against. Run: build/tests/frame_bench

#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include <lcms2.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <tuple>

#include "common/encoder_settings.h"
#include "common/image_probe.h"
#include "tests/test_support.h"
#include "worker/caption_layer.h"
#include "worker/colour_convert.h"
#include "worker/encoder.h"
#include "worker/frame_renderer.h"
#include "common/image_decoder.h"
#include "worker/image_loader.h"
#include "worker/slide_images.h"
#include "orchestrator/text/caption_layout.h"

using namespace chunkreel;

namespace {

struct Fixture {
  test::TempDir dir;
  std::vector<JobSlide> slides;
  OutputSettings output;

  Fixture() {
    for (int i = 0; i < 2; ++i) {
      std::string path = dir / ("p" + std::to_string(i) + ".jpg");
      auto r = test::run("ffmpeg -v error -f lavfi -i " + std::string(i ? "mandelbrot" : "testsrc2") +
                         "=size=6000x4000:rate=1 -vf noise=alls=20:allf=u -frames:v 1 -q:v 3 " +
                         test::quote(path));
      REQUIRE(r.exit_code == 0);
      JobSlide s;
      s.span = {i, i * 4.0, 5.0, i ? 1.0 : 0.0, i ? 0.0 : 1.0};
      s.image = path;
      s.image_width = 6000;
      s.image_height = 4000;
      s.motion.from = {1.0, 0.5, 0.5};
      s.motion.to = {1.25, 0.55, 0.45};
      s.out_transition = TransitionType::k_crossfade;
      slides.push_back(s);
    }
    output.width = 1920;
    output.height = 1080;
  }
};

}  // namespace

TEST_CASE("frame renderer cost at 1080p from 24-megapixel photos") {
  Fixture f;
  SlideImages images(f.slides, f.output, 0);
  FrameRenderer renderer(f.slides, f.output, &images);
  auto encoder = H264Encoder::open(encoder_config(f.output, 1));
  REQUIRE(encoder.ok());
  AVFrame* target = encoder.value()->frame();
  renderer.render(30, target);   // load the pictures before timing
  renderer.render(130, target);  // both slides, in the crossfade

  int64_t frame = 30;
  BENCHMARK("Ken Burns frame (render into the encoder's frame)") {
    renderer.render(frame++ % 90, target);
    return target->data[0][0];
  };
  frame = 120;
  BENCHMARK("crossfade frame (render into the encoder's frame)") {
    renderer.render(120 + frame++ % 30, target);
    return target->data[0][0];
  };
  // The yardstick encodes 60 different rendered frames in turn, so x264
  // sees motion as in a real show.
  std::vector<FramePtr> frames;
  for (int i = 0; i < 60; ++i) {
    FramePtr copy = make_frame();
    renderer.render(30 + i, target);
    copy->format = target->format;
    copy->width = target->width;
    copy->height = target->height;
    REQUIRE(av_frame_get_buffer(copy.get(), 0) == 0);
    av_frame_copy(copy.get(), target);
    frames.push_back(std::move(copy));
  }
  int64_t pts = 0;
  BENCHMARK("x264 veryfast encode, 1 thread (yardstick)") {
    av_frame_make_writable(target);
    av_frame_copy(target, frames[pts % 60].get());
    return encoder.value()->encode(pts++, [](AVPacket*) { return Expected<void>(); }).ok();
  };
}

// What a caption adds to a frame: the same frames with and without a
// two-line caption (shadow and a translucent box) on both slides. The two
// renderers alternate frame by frame, so drift in the machine's speed hits
// both alike; the figure is the median over frames of with / without.
TEST_CASE("caption cost per frame at 1080p") {
  Fixture f;
  FontMatcher fonts;
  Caption caption;
  caption.text = "Lisbon, 12 August 2024\nthe view from the castle over the Tagus";
  caption.style.shadow.enabled = true;
  caption.style.background = {0, 0, 0, 96};
  CaptionLayoutResult laid = lay_out_caption(caption, f.output.width, f.output.height, fonts);
  REQUIRE(laid.ok);
  std::vector<JobSlide> captioned = f.slides;
  for (JobSlide& s : captioned) s.caption = laid.caption;
  SlideImages plain_images(f.slides, f.output, 0), captioned_images(captioned, f.output, 0);
  FrameRenderer plain(f.slides, f.output, &plain_images);
  FrameRenderer with(captioned, f.output, &captioned_images);
  auto encoder = H264Encoder::open(encoder_config(f.output, 1));
  REQUIRE(encoder.ok());
  AVFrame* target = encoder.value()->frame();
  for (FrameRenderer* r : {&plain, &with}) {
    r->render(30, target);
    r->render(130, target);
  }
  auto time_ms = [&](FrameRenderer& r, int64_t index) {
    const auto start = std::chrono::steady_clock::now();
    r.render(index, target);
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  {  // The caption's own work, alone: laying it over every row of a frame.
    CaptionLayer layer(laid.caption, f.output.width, f.output.height);
    // Each row starts from fresh picture values, as in a frame (laying a
    // caption over the same buffer again and again would drive its samples
    // towards denormals, which a real frame never sees).
    std::vector<float> row(static_cast<size_t>(f.output.width));
    const auto start = std::chrono::steady_clock::now();
    constexpr int k_frames = 200;
    for (int n = 0; n < k_frames; ++n)
      for (int plane = 0; plane < 3; ++plane)
        for (int y = 0; y < (plane ? f.output.height / 2 : f.output.height); ++y) {
          std::fill(row.begin(), row.end(), plane ? 0.1f : 0.5f);
          layer.apply_row(plane, y, row.data(), 0.9f);
        }
    std::printf("laying the caption (%zu samples) over one frame's rows, with a fresh row each time: %.3f ms\n", layer.covered_samples(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / k_frames);
  }
  for (auto [name, first, count] : {std::tuple{"Ken Burns", 30, 90}, std::tuple{"crossfade", 120, 30}}) {
    std::vector<double> without_ms, with_ms, ratios;
    for (int round = 0; round < 4; ++round)
      for (int i = 0; i < count; ++i) {
        // Alternate which goes first, too.
        const bool plain_first = (round + i) % 2 == 0;
        const double a = plain_first ? time_ms(plain, first + i) : 0;
        const double b = time_ms(with, first + i);
        const double c = plain_first ? a : time_ms(plain, first + i);
        without_ms.push_back(c);
        with_ms.push_back(b);
        ratios.push_back(b / c);
      }
    std::printf("%s frame: %.2f ms without a caption, %.2f ms with (median of %zu); with / without: median %.3f\n",
                name, median(without_ms), median(with_ms), ratios.size(), median(ratios));
  }
}

// What colour management adds to loading one 24-megapixel photo: decoding it
// alone, loading it untagged (decode, reduce, convert), and loading the same
// pixels tagged with a Display P3 profile (decode, convert to RGB, LittleCMS
// to sRGB, reduce, convert).
TEST_CASE("loading a 24-megapixel photo, untagged and with a Display P3 profile") {
  test::TempDir dir;
  const std::string plain = dir / "plain.jpg", tagged = dir / "p3.jpg";
  auto r = test::run("ffmpeg -v error -f lavfi -i testsrc2=size=6000x4000:rate=1 -vf noise=alls=20:allf=u "
                     "-frames:v 1 -q:v 3 " + test::quote(plain));
  REQUIRE(r.exit_code == 0);
  const cmsCIExyY d65{0.3127, 0.3290, 1.0};
  const cmsCIExyYTRIPLE p3{{0.680, 0.320, 1.0}, {0.265, 0.690, 1.0}, {0.150, 0.060, 1.0}};
  const cmsFloat64Number srgb_curve[5] = {2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045};
  cmsToneCurve* curve = cmsBuildParametricToneCurve(nullptr, 4, srgb_curve);
  cmsToneCurve* curves[3] = {curve, curve, curve};
  cmsHPROFILE profile = cmsCreateRGBProfile(&d65, &p3, curves);
  cmsUInt32Number size = 0;
  cmsSaveProfileToMem(profile, nullptr, &size);
  std::string icc(size, '\0');
  cmsSaveProfileToMem(profile, icc.data(), &size);
  cmsCloseProfile(profile);
  cmsFreeToneCurve(curve);
  std::string payload = std::string("ICC_PROFILE\0\x01\x01", 14) + icc;
  std::string jpeg = test::read_text(plain);
  jpeg.insert(2, "\xFF\xE2" + std::string(1, static_cast<char>((payload.size() + 2) >> 8)) +
                     std::string(1, static_cast<char>((payload.size() + 2) & 0xFF)) + payload);
  test::write_text(tagged, jpeg);
  ImageRequest request;
  request.target_width = 2400;  // what a 1080p slide zooming to 1.25 can use
  request.target_height = 1600;
  const ImageInfo info = probe_image(plain).value();
  BENCHMARK("decode only (libavcodec)") { return decode_image(plain, info).ok(); };
  request.path = plain;
  BENCHMARK("load untagged (decode, reduce, convert)") { return load_image(request).ok(); };
  request.path = tagged;
  BENCHMARK("load with Display P3 (decode, to RGB, LittleCMS, reduce, convert)") { return load_image(request).ok(); };
}
