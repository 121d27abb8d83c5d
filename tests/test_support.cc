// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/test_support.h"

#include <zlib.h>

#include <libheif/heif.h>

#include <catch2/catch.hpp>

#include "worker/colour_convert.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace chunkreel::test {

ScopedPath::ScopedPath(const std::string& folder) {
  const char* old = std::getenv("PATH");
  m_old = old ? old : "";
  ::setenv("PATH", (folder + ":" + m_old).c_str(), 1);
}

ScopedPath::~ScopedPath() { ::setenv("PATH", m_old.c_str(), 1); }

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "chunkreel-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

std::string quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

CommandResult run(const std::string& command_line) {
  CommandResult result;
  FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

int spawn_process(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0].c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

std::vector<WorkerProcess> worker_processes_of(int parent) {
  std::vector<WorkerProcess> found;
  const long long page = ::sysconf(_SC_PAGESIZE);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const size_t open = line.find('('), close = line.rfind(')');
    // The kernel keeps 15 characters of a command's name.
    if (open == std::string::npos || line.substr(open + 1, close - open - 1) != "chunkreel-worke") continue;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid != parent || state == "Z") continue;
    std::ifstream statm(entry.path() / "statm");
    long long size = 0, resident = 0;
    if (statm >> size >> resident) found.push_back({std::stoi(name), resident * page});
  }
  return found;
}

bool process_alive(int pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  return !stat.empty() && stat.find(") Z") == std::string::npos;
}

std::string chunkreel_path() { return std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel"; }
std::string worker_path() { return std::string(CHUNKREEL_BINARY_DIR) + "/chunkreel-worker"; }
std::string source_path(const std::string& relative) {
  return std::string(CHUNKREEL_SOURCE_DIR) + "/" + relative;
}

std::vector<chunkreel::Slide> slides_of(const std::vector<std::pair<double, double>>& pairs) {
  std::vector<chunkreel::Slide> slides;
  for (auto [duration, transition] : pairs) {
    chunkreel::Slide s;
    s.duration = duration;
    s.transition.type = transition > 0 ? chunkreel::TransitionType::k_crossfade
                                       : chunkreel::TransitionType::k_cut;
    s.transition.duration = transition;
    slides.push_back(s);
  }
  return slides;
}

void make_photo(const std::string& path, const std::string& size, const std::string& options) {
  CommandResult r = run("ffmpeg -v error -y -f lavfi -i testsrc2=size=" + size + ":rate=1 " + options +
                        " -frames:v 1 " + quote(path));
  if (r.exit_code != 0) throw std::runtime_error("ffmpeg could not make " + path + ": " + r.output);
}

void make_heic_grid(const std::string& source, const std::string& path, int bits, int crf) {
  CommandResult r = run(quote(source_path("scripts/make-heic-grid")) + " " + quote(source) + " " + quote(path) +
                        " --bits " + std::to_string(bits) + " --crf " + std::to_string(crf));
  if (r.exit_code != 0) throw std::runtime_error("make-heic-grid failed: " + r.output);
}

std::string make_sample(const std::string& dir, const std::string& options) {
  CommandResult r = run(quote(source_path("scripts/make-sample")) + " " + quote(dir) + " " + options);
  if (r.exit_code != 0) throw std::runtime_error("make-sample failed: " + r.output);
  return dir + "/show.json";
}

int spawn_logged(const std::vector<std::string>& args, const std::string& log) {
  // exec keeps the pid: the program itself, not a shell, is the child.
  std::string line = "exec";
  for (const std::string& a : args) {
    line += ' ';
    line += quote(a);
  }
  line += " > ";
  line += quote(log);
  line += " 2>&1";
  return spawn_process({"/bin/sh", "-c", line});
}

std::vector<std::string> leftover_temporaries(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".chunkreel-") != std::string::npos && entry.path().extension() == ".tmp")
      found.push_back(name);
  }
  return found;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string ffprobe(const std::string& args, const std::string& file) {
  CommandResult r = run("ffprobe -v error " + args + " " + quote(file));
  if (r.exit_code != 0) throw std::runtime_error("ffprobe failed: " + r.output);
  return r.output;
}

std::vector<std::string> frame_md5s(const std::string& file) {
  CommandResult r = run("ffmpeg -v error -i " + quote(file) + " -map 0:v -f framemd5 -");
  if (r.exit_code != 0) throw std::runtime_error("ffmpeg framemd5 failed: " + r.output);
  std::vector<std::string> md5s;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    md5s.push_back(line.substr(line.rfind(',') + 1));
  }
  return md5s;
}

void save_image(const RgbImage& image, const std::string& path, bool deep,
                const std::string& ffmpeg_options) {
  const std::string ppm = path + ".ppm";
  {
    std::ofstream out(ppm, std::ios::binary);
    out << "P6\n" << image.width << " " << image.height << "\n" << (deep ? 65535 : 255) << "\n";
    for (double v : image.pixels) {
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      if (deep) {
        unsigned value = static_cast<unsigned>(v * 65535 + 0.5);
        out.put(static_cast<char>(value >> 8));
        out.put(static_cast<char>(value & 0xFF));
      } else {
        out.put(static_cast<char>(static_cast<unsigned>(v * 255 + 0.5)));
      }
    }
  }
  CommandResult r = run("ffmpeg -v error -y -i " + quote(ppm) + " " + ffmpeg_options + " " + quote(path));
  std::filesystem::remove(ppm);
  if (r.exit_code != 0) throw std::runtime_error("ffmpeg could not write " + path + ": " + r.output);
}

namespace {

// TIFF bytes in either byte order, as EXIF blocks hold them.
struct TiffBytes {
  bool little;
  std::string bytes;
  explicit TiffBytes(bool little_endian)
      : little(little_endian), bytes(little_endian ? std::string("II*\0", 4) : std::string("MM\0*", 4)) {}
  void u16(unsigned v) {
    const char a = static_cast<char>(v & 0xFF), b = static_cast<char>((v >> 8) & 0xFF);
    bytes += little ? a : b;
    bytes += little ? b : a;
  }
  void u32(unsigned v) {
    u16(little ? v & 0xFFFF : v >> 16);
    u16(little ? v >> 16 : v & 0xFFFF);
  }
  void entry(unsigned tag, unsigned type, unsigned count, unsigned value) {
    u16(tag);
    u16(type);
    u32(count);
    u32(value);
  }
};

std::string big_endian32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// Puts an EXIF block into a JPEG (an APP1 segment after SOI) or a PNG (an
// eXIf chunk after IHDR).
void add_exif(const std::string& path, const std::string& tiff) {
  std::string file = read_text(path);
  if (file.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) {
    const std::string body = "eXIf" + tiff;
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    file.insert(33, big_endian32(static_cast<uint32_t>(tiff.size())) + body + big_endian32(crc));
  } else {
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    std::string segment = "\xFF\xE1";
    segment += static_cast<char>((payload.size() + 2) >> 8);
    segment += static_cast<char>((payload.size() + 2) & 0xFF);
    file.insert(2, segment + payload);
  }
  write_text(path, file);
}

}  // namespace

void add_exif_orientation(const std::string& jpeg_path, int orientation, bool little) {
  TiffBytes t(little);
  t.u32(8);  // IFD0, one entry: Orientation, one SHORT held inline
  t.u16(1);
  t.u16(0x0112);
  t.u16(3);
  t.u32(1);
  t.u16(static_cast<unsigned>(orientation));  // a SHORT sits in the value's first two bytes
  t.u16(0);
  t.u32(0);  // no further IFD
  add_exif(jpeg_path, t.bytes);
}

std::string exif_with_date(const std::string& date_time, bool little) {
  TiffBytes t(little);
  t.u32(8);  // IFD0 at 8: one entry, the Exif IFD pointer (26 = 8 + 2 + 12 + 4)
  t.u16(1);
  t.entry(0x8769, 4, 1, 26);
  t.u32(0);
  t.u16(1);  // Exif IFD at 26: DateTimeOriginal, 20 ASCII bytes at 44 (26 + 2 + 12 + 4)
  t.entry(0x9003, 2, 20, 44);
  t.u32(0);
  t.bytes += date_time;
  t.bytes += std::string(20 - std::min<size_t>(20, date_time.size()), '\0');
  return t.bytes;
}

void add_exif_date(const std::string& path, const std::string& date_time, bool little) {
  add_exif(path, exif_with_date(date_time, little));
}

YuvVideo decode_yuv(const std::string& file, int width, int height) {
  CommandResult r = run("ffmpeg -v error -i " + quote(file) + " -map 0:v -f rawvideo -pix_fmt yuv420p -");
  if (r.exit_code != 0) throw std::runtime_error("ffmpeg could not decode " + file);
  YuvVideo video;
  video.width = width;
  video.height = height;
  const size_t frame_bytes = static_cast<size_t>(width) * height * 3 / 2;
  for (size_t at = 0; at + frame_bytes <= r.output.size(); at += frame_bytes)
    video.frames.emplace_back(r.output.begin() + static_cast<ptrdiff_t>(at),
                              r.output.begin() + static_cast<ptrdiff_t>(at + frame_bytes));
  return video;
}

std::array<double, 3> mean_ycbcr(const test::YuvVideo& v, size_t f, int cx, int cy, int half) {
  double y = 0, u = 0, w = 0;
  int n = 0, nc = 0;
  for (int row = cy - half; row < cy + half; ++row)
    for (int x = cx - half; x < cx + half; ++x) {
      y += v.y(f, x, row);
      ++n;
    }
  for (int row = (cy - half) / 2; row < (cy + half) / 2; ++row)
    for (int x = (cx - half) / 2; x < (cx + half) / 2; ++x) {
      u += v.u(f, x, row);
      w += v.v(f, x, row);
      ++nc;
    }
  return {y / n, u / nc, w / nc};
}

void check_colour(const std::array<double, 3>& got, double r, double g, double b, double tolerance) {
  double y, cb, cr;
  bt709_limited(r, g, b, &y, &cb, &cr);
  INFO("RGB " << r << "," << g << "," << b << " -> expected " << y << "/" << cb << "/" << cr
              << ", got " << got[0] << "/" << got[1] << "/" << got[2]);
  CHECK(std::fabs(got[0] - y) <= tolerance);
  CHECK(std::fabs(got[1] - cb) <= tolerance);
  CHECK(std::fabs(got[2] - cr) <= tolerance);
}


void displayed_position(int o, int c, int r, int dw, int dh, int* x, int* y) {
  switch (o) {
    default:
    case 1: *x = c; *y = r; break;
    case 2: *x = dw - 1 - c; *y = r; break;
    case 3: *x = dw - 1 - c; *y = dh - 1 - r; break;
    case 4: *x = c; *y = dh - 1 - r; break;
    case 5: *x = r; *y = c; break;
    case 6: *x = dw - 1 - r; *y = c; break;
    case 7: *x = dw - 1 - r; *y = dh - 1 - c; break;
    case 8: *x = r; *y = dh - 1 - c; break;
  }
}

void check_quadrants(const YuvVideo& v, size_t f) {
  // The 4:3 picture is 240 x 180 in the middle of the 320 x 180 frame.
  check_colour(mean_ycbcr(v, f, 100, 46, 12), 255, 0, 0, 6);
  check_colour(mean_ycbcr(v, f, 220, 46, 12), 0, 255, 0, 6);
  check_colour(mean_ycbcr(v, f, 100, 134, 12), 0, 0, 255, 6);
  check_colour(mean_ycbcr(v, f, 220, 134, 12), 255, 255, 255, 6);
}


nlohmann::json lossless_project(nlohmann::json slides, const std::string& background, int fps) {
  return {{"version", 1},
          {"output",
           {{"width", 320}, {"height", 180}, {"fps", fps}, {"background", background},
            {"video", {{"preset", "ultrafast"}, {"crf", 0}}}}},
          {"defaults",
           {{"duration", 1.0},
            {"transition", {{"type", "cut"}}},
            {"motion", {{"from", {{"zoom", 1.0}}}, {"to", {{"zoom", 1.0}}}}}}},
          {"audio_mix", {{"loudness", nullptr}}},
          {"slides", std::move(slides)}};
}

void write_heif(const std::string& path, int w, int h, int bits, bool alpha, int orientation, bool avif,
                const std::function<void(int, int, double*)>& pixel, heif_color_profile_nclx* nclx, int thumbnail) {
  heif_context* ctx = heif_context_alloc();
  heif_encoder* encoder = nullptr;
  REQUIRE(heif_context_get_encoder_for_format(ctx, avif ? heif_compression_AV1 : heif_compression_HEVC, &encoder)
              .code == heif_error_Ok);
  heif_encoder_set_lossy_quality(encoder, 95);
  const bool deep = bits > 8;
  const heif_chroma chroma = deep ? (alpha ? heif_chroma_interleaved_RRGGBBAA_LE : heif_chroma_interleaved_RRGGBB_LE)
                                  : (alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB);
  heif_image* image = nullptr;
  REQUIRE(heif_image_create(w, h, heif_colorspace_RGB, chroma, &image).code == heif_error_Ok);
  REQUIRE(heif_image_add_plane(image, heif_channel_interleaved, w, h, bits).code == heif_error_Ok);
  int stride = 0;
  uint8_t* plane = heif_image_get_plane(image, heif_channel_interleaved, &stride);
  const int channels = alpha ? 4 : 3;
  const double top = (1 << bits) - 1;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double v[4] = {0, 0, 0, 1};
      pixel(x, y, v);
      for (int c = 0; c < channels; ++c) {
        const unsigned q = static_cast<unsigned>(std::lround(std::clamp(v[c], 0.0, 1.0) * top));
        if (deep)
          reinterpret_cast<uint16_t*>(plane + static_cast<size_t>(y) * stride)[x * channels + c] = static_cast<uint16_t>(q);
        else
          plane[static_cast<size_t>(y) * stride + x * channels + c] = static_cast<uint8_t>(q);
      }
    }
  heif_encoding_options* options = heif_encoding_options_alloc();
  options->image_orientation = static_cast<heif_orientation>(orientation);
  if (nclx) {  // the colr box, and the matrix the encoder converts RGB with
    REQUIRE(heif_image_set_nclx_color_profile(image, nclx).code == heif_error_Ok);
    options->output_nclx_profile = nclx;
    options->macOS_compatibility_workaround_no_nclx_profile = 0;  // libheif 1.15 leaves nclx out unless told
  }
  heif_image_handle* handle = nullptr;
  REQUIRE(heif_context_encode_image(ctx, image, encoder, options, &handle).code == heif_error_Ok);
  if (thumbnail > 0) {
    heif_image_handle* thumb = nullptr;
    REQUIRE(heif_context_encode_thumbnail(ctx, image, handle, encoder, options, thumbnail, &thumb).code ==
            heif_error_Ok);
    heif_image_handle_release(thumb);
  }
  heif_image_handle_release(handle);
  REQUIRE(heif_context_write_to_file(ctx, path.c_str()).code == heif_error_Ok);
  heif_encoding_options_free(options);
  heif_image_release(image);
  heif_encoder_release(encoder);
  heif_context_free(ctx);
}

}  // namespace chunkreel::test
