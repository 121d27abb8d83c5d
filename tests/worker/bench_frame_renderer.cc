// Microbenchmarks of the frame renderer and of photo loading. The renderer: the per-frame cost of a 1080p Ken
// Burns frame and a crossfade frame from 24-megapixel sources, beside the
// cost of encoding one 1080p frame with libx264 veryfast on one thread, the
// yardstick the render cost is judged against. Run: build/tests/frame_bench

#define CATCH_CONFIG_MAIN
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>

#include <lcms2.h>

#include "common/encoder_settings.h"
#include "common/image_probe.h"
#include "tests/test_support.h"
#include "worker/colour_convert.h"
#include "worker/encoder.h"
#include "worker/frame_renderer.h"
#include "worker/image_decoder.h"
#include "worker/image_loader.h"
#include "worker/slide_images.h"

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
  SlideImages images(f.slides, f.output);
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
