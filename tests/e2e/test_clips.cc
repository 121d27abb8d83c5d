// SPDX-License-Identifier: GPL-2.0-or-later
// Video clips as slides, judged by ffmpeg and ffprobe: every clip here is
// made by ffmpeg in the test, and what chunkreel shows is compared with
// what the clip's own timestamps, display matrix, aspect and audio say.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string ffmpeg_make(const std::string& args, const std::string& out) {
  auto r = test::run("ffmpeg -v error -y " + args + " " + test::quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return out;
}

test::CommandResult run_chunkreel(const std::string& args) {
  return test::run(test::quote(test::chunkreel_path()) + " " + args);
}

void render(const std::string& project, const std::string& out, const std::string& flags) {
  auto r = run_chunkreel("render " + test::quote(project) + " -o " + test::quote(out) + " -q " + flags);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

// A clip whose frame N shows its own number: the left half's grey is
// 16 + 14 * (N % 16), the right half's 16 + 14 * (N / 16), losslessly coded,
// with uneven timestamps t_N = 0.04 N + 0.008 ((N * N) % 5) (a variable
// frame rate) and a keyframe every 10 frames behind B-frames.
std::string numbered_clip(const std::string& path, double seconds) {
  return ffmpeg_make(
      "-f lavfi -i \"color=black:s=160x90:r=25:d=" + std::to_string(seconds) +
          ",format=yuv420p,geq=lum='if(lt(X,W/2),16+14*mod(N,16),16+14*floor(N/16))':cb=128:cr=128,"
          "setpts='(0.04*N+0.008*mod(N*N,5))/TB'\" -c:v libx264 -qp 0 -g 10 -bf 2 -fps_mode passthrough",
      path);
}

// The frame number a rendered frame shows, read from its two halves.
int shown_number(const test::YuvVideo& v, size_t f) {
  const double left = test::mean_ycbcr(v, f, v.width / 4, v.height / 2, 4)[0];
  const double right = test::mean_ycbcr(v, f, 3 * v.width / 4, v.height / 2, 4)[0];
  return static_cast<int>(std::lround((right - 16) / 14)) * 16 + static_cast<int>(std::lround((left - 16) / 14));
}

// Presentation times of a video's frames, from ffprobe, relative to its
// video stream's start.
std::vector<double> frame_times(const std::string& file) {
  const double start = std::stod(test::ffprobe("-select_streams v:0 -show_entries stream=start_time -of csv=p=0", file));
  std::istringstream lines(test::ffprobe("-select_streams v:0 -show_entries frame=best_effort_timestamp_time -of csv=p=0", file));
  std::vector<double> times;
  std::string line;
  while (std::getline(lines, line))
    if (!line.empty()) times.push_back(std::stod(line) - start);
  std::sort(times.begin(), times.end());
  return times;
}

// The frame whose presentation interval holds clip time c (the first for
// any time before it, the last before `out` for any time after).
int frame_at(const std::vector<double>& times, double c, double out) {
  int chosen = 0;
  for (size_t i = 0; i < times.size(); ++i)
    if (times[i] <= c + 1e-6 && times[i] < out - 1e-6) chosen = static_cast<int>(i);
  return chosen;
}

// Amplitude of a tone of `hz` in mono samples [from, to) (Goertzel).
double tone_amplitude(const std::vector<float>& s, double hz, size_t from, size_t to) {
  const double w = 2 * M_PI * hz / 48000, coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (size_t i = from; i < to && i < s.size(); ++i) {
    const double s0 = s[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return 2 * std::sqrt(std::max(power, 0.0)) / double(to - from);
}

std::vector<float> mono_samples(const std::string& file) {
  test::TempDir dir;
  REQUIRE(test::run("ffmpeg -v error -i " + test::quote(file) + " -ac 1 -ar 48000 -f f32le -y " +
                    test::quote(dir / "pcm.raw"))
              .exit_code == 0);
  const std::string bytes = test::read_text(dir / "pcm.raw");
  std::vector<float> samples(bytes.size() / 4);
  std::memcpy(samples.data(), bytes.data(), samples.size() * 4);
  return samples;
}

double amplitude_at(const std::vector<float>& s, double hz, double from_s, double to_s) {
  return tone_amplitude(s, hz, static_cast<size_t>(from_s * 48000), static_cast<size_t>(to_s * 48000));
}

}  // namespace

TEST_CASE("every show frame shows the clip frame its timestamps put there, at speeds 1, 0.5 and 2, in any chunk") {
  test::TempDir dir;
  numbered_clip(dir / "count.mkv", 4);
  const std::vector<double> times = frame_times(dir / "count.mkv");
  REQUIRE(times.size() == 100);
  test::make_photo(dir / "photo.png", "160x90");
  json show = test::lossless_project(json::array(), "#000000", 25);
  show["output"]["width"] = 160;
  show["output"]["height"] = 90;
  show["slides"] = json::array({
      {{"image", "photo.png"}, {"duration", 0.62}},
      {{"video", "count.mkv"}, {"in", 0.3}, {"out", 2.5}},
      {{"video", "count.mkv"}, {"in", 1.01}, {"speed", 0.5}, {"duration", 2}},
      {{"video", "count.mkv"}, {"speed", 2}, {"duration", 2.4}},
      {{"image", "photo.png"}, {"duration", 0.4}},
  });
  for (json& slide : show["slides"]) slide["transition"] = {{"type", "cut"}};
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "one.mp4", "--workers 1 --chunk-seconds 1000");
  render(dir / "show.json", dir / "many.mp4", "--workers 2 --chunk-seconds 0.35 --report " + test::quote(dir / "r.json"));
  REQUIRE(json::parse(test::read_text(dir / "r.json"))["plan"]["chunk_count"].get<int>() >= 8);
  CHECK(test::frame_md5s(dir / "one.mp4") == test::frame_md5s(dir / "many.mp4"));

  const test::YuvVideo v = test::decode_yuv(dir / "many.mp4", 160, 90);
  struct Span {
    double start, in, speed, out;
  };
  // Slide starts: 0.62, 0.62 + 2.2, 2.82 + 2, 4.82 + 2.4: half way between
  // frames, so no frame's slide hangs on rounding.
  const Span spans[] = {{0.62, 0.3, 1, 2.5}, {2.82, 1.01, 0.5, 100}, {4.82, 0, 2, 100}};
  const double ends[] = {2.82, 4.82, 7.22};
  int checked = 0;
  for (size_t f = 0; f < v.frames.size(); ++f) {
    const double t = f / 25.0;
    for (int s = 0; s < 3; ++s) {
      if (t < spans[s].start || t >= ends[s]) continue;
      const double c = spans[s].in + (t - spans[s].start) * spans[s].speed;
      INFO("show frame " << f << " (slide " << s + 1 << ", clip time " << c << ")");
      CHECK(shown_number(v, f) == frame_at(times, c, spans[s].out));
      ++checked;
    }
  }
  CHECK(checked == 165);
}

TEST_CASE("a lossless show is identical however it is chunked, with a clip over three chunks and transitions into and out of it") {
  test::TempDir dir;
  ffmpeg_make("-f lavfi -i testsrc2=s=320x180:r=30:d=3 -c:v libx264 -g 15 -bf 3 -x264-params open-gop=1 "
              "-pix_fmt yuv420p",
              dir / "open-gop.mp4");
  test::make_photo(dir / "photo.png", "480x270");
  json show = test::lossless_project(json::array(), "#000000", 25);
  show["slides"] = json::array({
      {{"image", "photo.png"}, {"duration", 1.5}, {"transition", {{"type", "crossfade"}, {"duration", 0.6}}}},
      {{"video", "open-gop.mp4"}, {"in", 0.2}, {"fit", "contain-blur"}, {"transition", {{"type", "wipe-left"}, {"duration", 0.5}}}},
      {{"image", "photo.png"}, {"duration", 1}},
  });
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "one.mp4", "--workers 1 --chunk-seconds 1000");
  render(dir / "show.json", dir / "many.mp4",
         "--workers 2 --chunk-seconds 0.5 --report " + test::quote(dir / "r.json"));
  const json report = json::parse(test::read_text(dir / "r.json"));
  int showing_clip = 0;
  for (const json& chunk : report["chunks"])
    for (const json& slide : chunk["slides"]) showing_clip += slide.get<int>() == 1;
  CHECK(showing_clip >= 3);
  const auto one = test::frame_md5s(dir / "one.mp4");
  const auto many = test::frame_md5s(dir / "many.mp4");
  REQUIRE(one.size() == 105);  // 1.5 + 2.8 + 1 - 0.6 - 0.5 seconds at 25 fps
  CHECK(one == many);
}

TEST_CASE("a clip's display rotation, its pixel aspect and its interlacing are applied") {
  test::TempDir dir;
  // Red | green over blue | white, stored landscape, to be shown turned a
  // quarter clockwise (as a phone held upright records it).
  const std::string quads =
      "-f lavfi -i \"color=red:s=80x44[a];color=green:s=80x44[b];color=blue:s=80x44[c];color=white:s=80x44[d];"
      "[a][b]hstack[top];[c][d]hstack[bottom];[top][bottom]vstack,trim=duration=1\" -pix_fmt yuv420p -c:v libx264 -crf 10";
  ffmpeg_make(quads, dir / "stored.mp4");
  // The display matrix goes in on a copy: ffmpeg writes it from the rotate
  // tag when it copies a stream.
  ffmpeg_make("-i " + test::quote(dir / "stored.mp4") + " -c copy -metadata:s:v:0 rotate=270", dir / "portrait.mp4");
  REQUIRE(test::ffprobe("-show_streams", dir / "portrait.mp4").find("Display Matrix") != std::string::npos);
  // Anamorphic: 120x90 stored, pixels 4:3 wide, so 160x90 on screen.
  ffmpeg_make("-f lavfi -i \"color=red:s=60x90[a];color=blue:s=60x90[b];[a][b]hstack,trim=duration=1,setsar=4/3\" "
              "-pix_fmt yuv420p -c:v libx264 -crf 10",
              dir / "wide.mp4");
  // Interlaced: moving bars at 50 fields a second, woven into 25 frames,
  // in a camcorder's MPEG transport stream.
  ffmpeg_make("-f lavfi -i \"testsrc2=s=320x180:r=50:d=2,interlace=scan=tff\" -c:v libx264 -flags +ildct+ilme "
              "-x264-params tff=1:scenecut=0 -g 8 -bf 0 -pix_fmt yuv420p -crf 12",
              dir / "interlaced.mts");
  REQUIRE(test::ffprobe("-select_streams v:0 -show_entries stream=field_order -of csv=p=0", dir / "interlaced.mts")
              .find("tt") != std::string::npos);

  json show = test::lossless_project(json::array(), "#000000", 25);
  show["output"]["width"] = 160;
  show["output"]["height"] = 90;
  show["slides"] = json::array({
      {{"video", "portrait.mp4"}, {"fit", "contain"}},
      {{"video", "wide.mp4"}, {"fit", "contain"}},
  });
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "out.mp4", "");
  const test::YuvVideo v = test::decode_yuv(dir / "out.mp4", 160, 90);
  // ffmpeg's own reading of the rotation, as the judge: where each colour
  // lands once the display matrix is applied.
  ffmpeg_make("-i " + test::quote(dir / "portrait.mp4") + " -frames:v 1 -f rawvideo -pix_fmt rgb24", dir / "upright.rgb");
  const std::string upright = test::read_text(dir / "upright.rgb");
  // Quadrants of 80x44 (lavfi rounds 45 down for 4:2:0), turned: 88 wide, 160 high.
  constexpr int uw = 88, uh = 160;
  REQUIRE(upright.size() == uw * uh * 3);
  auto judge = [&](int x, int y, int channel) { return uint8_t(upright[(static_cast<size_t>(y) * uw + x) * 3 + channel]); };
  // Contained in 160x90: scaled by 90/160 and centred.
  const double scale = 90.0 / uh;
  for (auto [ux, uy] : {std::pair{20, 40}, std::pair{68, 40}, std::pair{20, 120}, std::pair{68, 120}}) {
    const int x = static_cast<int>(80 - uw * scale / 2 + ux * scale);
    const int y = static_cast<int>(uy * scale);
    INFO("upright (" << ux << ", " << uy << ")");
    test::check_colour(test::mean_ycbcr(v, 5, x, y, 2), judge(ux, uy, 0), judge(ux, uy, 1), judge(ux, uy, 2), 8);
  }
  // Shown 160 wide, the anamorphic clip fills the frame: no bars.
  const size_t wide = 25 + 5;
  test::check_colour(test::mean_ycbcr(v, wide, 10, 45, 3), 255, 0, 0, 8);
  test::check_colour(test::mean_ycbcr(v, wide, 150, 45, 3), 0, 0, 255, 8);

  // Deinterlaced: ffmpeg's idet finds the source interlaced and chunkreel's
  // output progressive.
  json moving = test::lossless_project(json::array(), "#000000", 25);
  moving["output"]["width"] = 320;
  moving["output"]["height"] = 180;
  moving["slides"] = json::array({{{"video", "interlaced.mts"}}});
  test::write_text(dir / "moving.json", moving.dump());
  render(dir / "moving.json", dir / "moving.mp4", "");
  auto idet = [&](const std::string& file) {
    auto r = test::run("ffmpeg -v info -nostats -i " + test::quote(file) + " -vf idet -f null - 2>&1 | grep 'Multi frame'");
    std::smatch m;
    const std::regex numbers("TFF: *([0-9]+) *BFF: *([0-9]+) *Progressive: *([0-9]+)");
    REQUIRE(std::regex_search(r.output, m, numbers));
    return std::array<int, 3>{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3])};
  };
  const auto source = idet(dir / "interlaced.mts");
  const auto shown = idet(dir / "moving.mp4");
  CHECK(source[0] > source[2]);
  CHECK(shown[0] + shown[1] < shown[2] / 10);
  // The deinterlacer looks at the frame before: a chunk that starts mid-clip
  // still gives the frames one long chunk gives.
  render(dir / "moving.json", dir / "chunked.mp4", "--workers 2 --chunk-seconds 0.32");
  CHECK(test::frame_md5s(dir / "moving.mp4") == test::frame_md5s(dir / "chunked.mp4"));
}

namespace {

// Renders a 160x90 show of a 10-bit BT.2020 grey ramp with transfer `trc`
// ("arib-std-b67", "smpte2084"), checks one warning naming the clip, and
// compares the frame with ffmpeg's own zscale and tonemap within 3 levels,
// ffmpeg's values taken at most at `white`. Returns the render's path.
std::string check_tone_mapped(const test::TempDir& dir, const std::string& name, const char* trc,
                              const std::string& warning, int white) {
  ffmpeg_make(std::string("-f lavfi -i \"gradients=s=160x90:c0=0x202020:c1=0xe0e0e0:x0=0:y0=0:x1=159:y1=0:d=1\" "
                          "-pix_fmt yuv420p10le -c:v libx264 -crf 12 -color_primaries bt2020 -color_trc ") +
                  trc + " -colorspace bt2020nc",
              dir / name);
  json show = test::lossless_project(json::array({{{"video", name}}}), "#000000", 25);
  show["output"]["width"] = 160;
  show["output"]["height"] = 90;
  test::write_text(dir / (name + ".json"), show.dump());
  const std::string out = dir / (name + "-out.mp4");
  auto r = run_chunkreel("render " + test::quote(dir / (name + ".json")) + " -o " + test::quote(out));
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  size_t warnings = 0;
  for (size_t at = r.output.find(warning); at != std::string::npos; at = r.output.find(warning, at + 1)) ++warnings;
  CHECK(warnings == 1);
  CHECK(r.output.find(name) != std::string::npos);
  // The same frame through ffmpeg's own zscale and tonemap, as the judge.
  ffmpeg_make("-i " + test::quote(dir / name) +
                  " -frames:v 1 -vf zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:"
                  "desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p -f rawvideo",
              dir / (name + ".yuv"));
  const std::string judge = test::read_text(dir / (name + ".yuv"));
  const test::YuvVideo v = test::decode_yuv(out, 160, 90);
  for (int x : {20, 80, 140}) {
    const double judged = std::min(white, int(uint8_t(judge[45 * 160 + x])));
    INFO(name << ", x " << x << ": ours " << test::mean_ycbcr(v, 0, x, 45, 2)[0] << ", ffmpeg " << judged);
    CHECK(std::abs(test::mean_ycbcr(v, 0, x, 45, 2)[0] - judged) < 3);
  }
  return out;
}

}  // namespace

TEST_CASE("HLG and PQ clips are tone-mapped to SDR with one warning, and a clip without sound plays silent") {
  test::TempDir dir;
  // 10-bit BT.2020 HLG, a grey ramp.
  const std::string out = check_tone_mapped(dir, "hlg.mp4", "arib-std-b67", "HDR video (HLG)", 255);
  // No sound in the clip and no music: a silent show has no audio stream.
  CHECK(test::ffprobe("-select_streams a -show_entries stream=index -of csv=p=0", out).empty());
  // PQ (HDR10, as some Android phones record) takes the same way. ffmpeg's
  // limited-range output keeps what the curve leaves above white (up to
  // 254); chunkreel's frames stop at white (235), as a BT.709 display does.
  check_tone_mapped(dir, "pq.mp4", "smpte2084", "HDR video (PQ)", 235);
}

TEST_CASE("a clip's sound starts with its slide, fades with its transitions, and the music ducks under it") {
  test::TempDir dir;
  // The clip speaks at 1 kHz for 4 s; the music plays 300 Hz throughout.
  ffmpeg_make("-f lavfi -i testsrc2=s=160x90:r=25:d=4 -f lavfi -i sine=frequency=1000:sample_rate=44100:duration=4 "
              "-c:v libx264 -pix_fmt yuv420p -c:a pcm_s16le",
              dir / "speaks.mov");
  ffmpeg_make("-f lavfi -i sine=frequency=300:duration=20 -c:a flac", dir / "music.flac");
  test::make_photo(dir / "photo.png", "160x90");
  json show = test::lossless_project(json::array(), "#000000", 25);
  show["output"]["width"] = 160;
  show["output"]["height"] = 90;
  // A cut into the clip at 3 s; a 1 s crossfade out of it, from 6 to 7 s.
  show["slides"] = json::array({
      {{"image", "photo.png"}, {"duration", 3}, {"transition", {{"type", "cut"}}}},
      {{"video", "speaks.mov"}, {"transition", {{"type", "crossfade"}, {"duration", 1}}}},
      {{"image", "photo.png"}, {"duration", 4}},
  });
  show["audio"] = json::array({{{"file", "music.flac"}}});
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "out.mp4", "--chunk-seconds 1");
  const std::vector<float> s = mono_samples(dir / "out.mp4");
  REQUIRE(s.size() > 48000 * 9);
  const double aac_frame = 1024.0 / 48000;
  // The clip's tone: nothing before 3 s, all of it from one AAC frame after.
  const double tone = amplitude_at(s, 1000, 3.5, 5.5);
  CHECK(tone > 0.05);
  CHECK(amplitude_at(s, 1000, 2.5, 3 - aac_frame) < tone * 0.01);
  CHECK(amplitude_at(s, 1000, 3 + aac_frame, 3 + 3 * aac_frame) == Approx(tone).epsilon(0.1));
  // Half way through the crossfade out, half of it; gone after.
  CHECK(amplitude_at(s, 1000, 6.45, 6.55) == Approx(tone * 0.5).epsilon(0.08));
  CHECK(amplitude_at(s, 1000, 7.1, 8) < tone * 0.01);
  // The music: 12 dB down while the clip speaks (3 to 7 s), back after the
  // 0.8 s release.
  const double before = amplitude_at(s, 300, 1, 2.6);
  const double during = amplitude_at(s, 300, 3.2, 6.8);
  const double after = amplitude_at(s, 300, 8, 9);
  CHECK(20 * std::log10(during / before) == Approx(-12).margin(1));
  CHECK(20 * std::log10(after / before) == Approx(0).margin(1));

  // "duck": false keeps the music where it was.
  show["audio"][0]["duck"] = false;
  test::write_text(dir / "flat.json", show.dump());
  render(dir / "flat.json", dir / "flat.mp4", "");
  const std::vector<float> flat = mono_samples(dir / "flat.mp4");
  CHECK(20 * std::log10(amplitude_at(flat, 300, 3.2, 6.8) / amplitude_at(flat, 300, 1, 2.6)) == Approx(0).margin(0.5));
}

TEST_CASE("a clip at half speed keeps its sound's pitch and plays twice as long") {
  test::TempDir dir;
  ffmpeg_make("-f lavfi -i testsrc2=s=160x90:r=25:d=2 -f lavfi -i sine=frequency=800:duration=2 -c:v libx264 "
              "-pix_fmt yuv420p -c:a aac",
              dir / "clip.mp4");
  json show = test::lossless_project(json::array(), "#000000", 25);
  show["output"]["width"] = 160;
  show["output"]["height"] = 90;
  show["slides"] = json::array({{{"video", "clip.mp4"}, {"speed", 0.5}}});
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "out.mp4", "");
  CHECK(std::stod(test::ffprobe("-show_entries format=duration -of csv=p=0", dir / "out.mp4")) == Approx(4).margin(0.1));
  const std::vector<float> s = mono_samples(dir / "out.mp4");
  const double at_pitch = amplitude_at(s, 800, 1, 3);
  CHECK(at_pitch > 0.05);
  CHECK(amplitude_at(s, 400, 1, 3) < at_pitch * 0.1);
  // Stretched, not cut: the 2 s of sound last the slide's 4 s.
  CHECK(amplitude_at(s, 800, 3, 3.8) == Approx(at_pitch).epsilon(0.2));
}

TEST_CASE("a folder's videos play between its photos, with Live Photos and long clips handled") {
  test::TempDir dir;
  const std::string folder = dir / "roll";
  fs::create_directories(folder);
  test::make_photo(folder + "/IMG_0001.JPG", "320x240");
  // A Live Photo: the still and a 2 s motion of the same stem, cases mixed.
  test::make_photo(folder + "/IMG_0002.jpg", "320x240");
  ffmpeg_make("-f lavfi -i testsrc2=s=320x240:r=30:d=2 -c:v libx264 -pix_fmt yuv420p", folder + "/img_0002.MOV");
  // A 5 s clip with sound, and a portrait one.
  ffmpeg_make("-f lavfi -i testsrc2=s=320x180:r=30:d=5 -f lavfi -i sine=duration=5 -c:v libx264 -pix_fmt yuv420p "
              "-c:a aac -metadata creation_time=2024-07-14T10:31:02.000000Z",
              folder + "/IMG_0003.mp4");
  // A portrait clip of 1 s, too short for two transitions of 2/3 s.
  ffmpeg_make("-f lavfi -i testsrc2=s=180x320:r=30:d=1 -c:v libx264 -pix_fmt yuv420p", folder + "/IMG_0003A.Mkv");
  test::make_photo(folder + "/IMG_0005.JPG", "320x240");
  test::write_text(folder + "/notes.txt", "hello");
  auto r = run_chunkreel("init " + test::quote(folder) + " -o " + test::quote(dir / "show.json") +
                     " --size 320x180 --max-clip-seconds 3 --seconds-per-slide 2");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("img_0002.MOV: the motion of 1 Live Photo") != std::string::npos);
  CHECK(r.output.find("notes.txt: neither a photo nor a video") != std::string::npos);
  const json show = json::parse(test::read_text(dir / "show.json"));
  const json& slides = show["slides"];
  REQUIRE(slides.size() == 5);
  CHECK(slides[0]["image"] == "roll/IMG_0001.JPG");
  CHECK(slides[1]["image"] == "roll/IMG_0002.jpg");
  CHECK(slides[2]["video"] == "roll/IMG_0003.mp4");
  CHECK(slides[2]["out"].get<double>() == 3);
  CHECK(slides[2]["duration"].get<double>() == 3);
  CHECK(slides[2]["fit"] == "cover");
  CHECK(slides[3]["video"] == "roll/IMG_0003A.Mkv");
  CHECK(slides[3]["fit"] == "contain-blur");
  CHECK(slides[4]["image"] == "roll/IMG_0005.JPG");
  // The 1 s clip holds its transitions once each is shortened to half of it.
  CHECK(slides[1]["transition"]["duration"].get<double>() == Approx(2.0 / 3));
  CHECK(slides[2]["transition"]["duration"].get<double>() == Approx(0.5));
  CHECK(slides[3]["transition"]["duration"].get<double>() == Approx(0.5));
  // The music ducks under the clips, and the show renders.
  ffmpeg_make("-f lavfi -i sine=frequency=300:duration=30", dir / "music.mp3");
  render(folder, dir / "roll.mp4", "--size 320x180 --max-clip-seconds 3 --seconds-per-slide 2 --music " +
                                       test::quote(dir / "music.mp3"));
  CHECK(test::ffprobe("-show_entries stream=codec_type -of csv=p=0", dir / "roll.mp4").find("audio") != std::string::npos);

  // A clip's date is its container's creation time.
  r = run_chunkreel("init " + test::quote(folder) + " -o " + test::quote(dir / "dated.json") + " --captions date");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(test::read_text(dir / "dated.json"))["slides"][2].dump().find("14 July 2024") != std::string::npos);

  // --live-photos video plays the motion and leaves the still out.
  r = run_chunkreel("init " + test::quote(folder) + " -o " + test::quote(dir / "live.json") +
                " --live-photos video -y");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("IMG_0002.jpg: the photo of 1 Live Photo") != std::string::npos);
  const json live = json::parse(test::read_text(dir / "live.json"));
  CHECK(live["slides"][1]["video"] == "roll/img_0002.MOV");
}

TEST_CASE("bad clips are refused before any work, naming the field") {
  test::TempDir dir;
  ffmpeg_make("-f lavfi -i testsrc2=s=160x90:r=25:d=2 -c:v libx264 -pix_fmt yuv420p", dir / "ok.mp4");
  ffmpeg_make("-f lavfi -i sine=duration=2 -c:a aac", dir / "sound-only.mp4");
  test::write_text(dir / "text.mp4", "not a video at all");
  test::make_photo(dir / "photo.png", "160x90");
  struct Case {
    json slide;
    const char* field;
    const char* words;
    std::string flags = "";
  };
  const std::vector<Case> cases = {
      {{{"video", "missing.mp4"}}, "slides[0].video", "no such file"},
      {{{"video", "text.mp4"}}, "slides[0].video", "text.mp4"},
      {{{"video", "sound-only.mp4"}}, "slides[0].video", "no video stream"},
      {{{"video", "ok.mp4"}, {"in", 2.5}}, "slides[0].in", "at or after the end"},
      {{{"video", "ok.mp4"}, {"out", 3}}, "slides[0].out", "after the end"},
      {{{"video", "ok.mp4"}, {"in", 1}, {"out", 1}}, "slides[0].out", "must be after in"},
      {{{"video", "ok.mp4"}, {"speed", 5}}, "slides[0].speed", "0.25 to 4"},
      {{{"video", "ok.mp4"}, {"volume", -1}}, "slides[0].volume", "between 0 and 10"},
      {{{"image", "photo.png"}, {"speed", 2}}, "slides[0].speed", "video slide only"},
      {{{"video", "ok.mp4"}, {"image", "photo.png"}}, "slides[0].video", "one of image, color or video"},
      {{{"video", "ok.mp4"}}, "slides[0].video", "megapixels", "--max-megapixels 0.01"},
  };
  for (const Case& c : cases) {
    json show = {{"version", 1}, {"output", {{"width", 160}, {"height", 90}}}, {"slides", json::array({c.slide})}};
    test::write_text(dir / "show.json", show.dump());
    auto r = run_chunkreel("render " + test::quote(dir / "show.json") + " -o " + test::quote(dir / "out.mp4") + " " + c.flags);
    INFO(c.slide.dump() << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find(c.field) != std::string::npos);
    CHECK(r.output.find(c.words) != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out.mp4"));
    CHECK_FALSE(fs::exists(dir / "out.mp4.parts"));
  }
}

TEST_CASE("the memory estimate holds for H.264 1080p, 10-bit HEVC 2160p, MJPEG and HLG clips beside photos") {
  test::TempDir dir;
  ffmpeg_make("-f lavfi -i testsrc2=s=1920x1080:r=30:d=1.5 -c:v libx264 -preset veryfast -pix_fmt yuv420p", dir / "h264.mp4");
  ffmpeg_make("-f lavfi -i testsrc2=s=3840x2160:r=30:d=1 -c:v libx265 -preset ultrafast -pix_fmt yuv420p10le "
              "-x265-params log-level=error",
              dir / "hevc.mp4");
  ffmpeg_make("-f lavfi -i testsrc2=s=1920x1080:r=30:d=1.5 -c:v mjpeg -q:v 3 -pix_fmt yuvj420p", dir / "mjpeg.avi");
  ffmpeg_make("-f lavfi -i testsrc2=s=1920x1080:r=30:d=1 -c:v libx265 -preset ultrafast -pix_fmt yuv420p10le "
              "-color_primaries bt2020 -color_trc arib-std-b67 -colorspace bt2020nc -x265-params log-level=error",
              dir / "hlg.mp4");
  test::make_photo(dir / "photo.jpg", "3000x2000");
  json show = {{"version", 1},
               {"output", {{"width", 640}, {"height", 360}, {"fps", 30}}},
               {"defaults", {{"transition", {{"type", "crossfade"}, {"duration", 0.3}}}}},
               {"slides", json::array({{{"video", "h264.mp4"}},
                                       {{"image", "photo.jpg"}, {"duration", 1}},
                                       {{"video", "hevc.mp4"}, {"fit", "contain-blur"}},
                                       {{"video", "mjpeg.avi"}},
                                       {{"video", "hlg.mp4"}}})}};
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "out.mp4", "--workers 1 --chunk-seconds 1 --report " + test::quote(dir / "r.json"));
  const json report = json::parse(test::read_text(dir / "r.json"));
  REQUIRE(report["chunks"].size() >= 5);
  for (const json& c : report["chunks"]) {
    const double estimate = c["estimated_peak_bytes"].get<double>();
    const double measured = c["peak_rss_bytes"].get<double>();
    INFO("chunk " << c["index"] << " showing slides " << c["slides"].dump() << ": estimate " << estimate / (1 << 20)
                  << " MiB, measured " << measured / (1 << 20) << " MiB");
    CHECK(estimate >= 0.85 * measured);
    CHECK(estimate <= 1.15 * measured);
  }
}

TEST_CASE("clips in BT.601, BT.709 and full range keep their colours as ffmpeg reads them") {
  test::TempDir dir;
  struct Source {
    const char* name;
    const char* options;
  };
  const Source sources[] = {
      {"bt601.mp4", "-pix_fmt yuv420p -colorspace bt470bg -color_primaries bt470bg -color_trc smpte170m"},
      {"untagged-sd.mp4", "-pix_fmt yuv420p"},  // under 720 lines and untagged: BT.601, as players take it
      {"bt709.mp4", "-pix_fmt yuv420p -colorspace bt709 -color_primaries bt709 -color_trc bt709"},
      {"full.mp4", "-pix_fmt yuvj420p -colorspace bt709"},
  };
  for (const Source& source : sources) {
    ffmpeg_make(std::string("-f lavfi -i color=0x2f7fc8:s=320x240:d=1 -c:v libx264 -crf 0 ") + source.options,
                dir / source.name);
    // ffmpeg's own R'G'B' of the clip's middle, as the judge.
    ffmpeg_make("-i " + test::quote(dir / source.name) + " -frames:v 1 -f rawvideo -pix_fmt rgb24", dir / "judge.rgb");
    const std::string rgb = test::read_text(dir / "judge.rgb");
    const size_t middle = (120 * 320 + 160) * 3;
    json show = test::lossless_project(json::array({{{"video", source.name}}}), "#000000", 25);
    show["output"]["width"] = 320;
    show["output"]["height"] = 240;
    test::write_text(dir / "show.json", show.dump());
    render(dir / "show.json", dir / "out.mp4", "-y");
    const test::YuvVideo v = test::decode_yuv(dir / "out.mp4", 320, 240);
    INFO(source.name);
    test::check_colour(test::mean_ycbcr(v, 3, 160, 120, 8), uint8_t(rgb[middle]), uint8_t(rgb[middle + 1]),
                       uint8_t(rgb[middle + 2]), 2.5);
  }
}

TEST_CASE("an old phone's 3GP (H.263, 8 kHz mono sound) plays with its sound at 48 kHz stereo") {
  test::TempDir dir;
  ffmpeg_make("-f lavfi -i testsrc2=s=176x144:r=15:d=2 -f lavfi -i sine=frequency=600:sample_rate=8000:duration=2 "
              "-c:v h263 -c:a aac -ac 1 -ar 8000",
              dir / "old.3gp");
  json show = test::lossless_project(json::array({{{"video", "old.3gp"}, {"fit", "contain"}}}), "#000000", 25);
  test::write_text(dir / "show.json", show.dump());
  render(dir / "show.json", dir / "out.mp4", "");
  CHECK(test::ffprobe("-select_streams a -show_entries stream=sample_rate,channels -of csv=p=0", dir / "out.mp4")
            .find("48000,2") != std::string::npos);
  CHECK(std::stod(test::ffprobe("-show_entries format=duration -of csv=p=0", dir / "out.mp4")) == Approx(2).margin(0.1));
  const std::vector<float> s = mono_samples(dir / "out.mp4");
  CHECK(amplitude_at(s, 600, 0.5, 1.5) > 0.05);
  // testsrc2's picture, contained: the frame's middle is not the background.
  const test::YuvVideo v = test::decode_yuv(dir / "out.mp4", 320, 180);
  CHECK(test::mean_ycbcr(v, 10, 160, 90, 20)[0] > 20);
}
