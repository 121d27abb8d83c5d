// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Shared fixtures: temporary folders, running programs, and ffprobe/ffmpeg
// as the independent checker of what chunkreel writes.

#include <array>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <libheif/heif.h>
#include <nlohmann/json.hpp>

#include "common/timeline.h"

namespace chunkreel::test {

/// A fresh folder under the system temp dir, removed when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return m_path + "/" + name; }

 private:
  std::string m_path;
};

/// Puts `folder` first on PATH (its programs stand in for the system's,
/// e.g. a fake sbatch) until destroyed.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& folder);
  ~ScopedPath();
  ScopedPath(const ScopedPath&) = delete;
  ScopedPath& operator=(const ScopedPath&) = delete;

 private:
  std::string m_old;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
};

/// Runs a shell command line, capturing its output.
CommandResult run(const std::string& command_line);

/// Quotes for the shell.
std::string quote(const std::string& text);

std::string chunkreel_path();
std::string worker_path();
std::string source_path(const std::string& relative);

/// Slides with the given (duration, outgoing transition) pairs: a crossfade
/// when the transition is above 0, otherwise a cut.
std::vector<chunkreel::Slide> slides_of(const std::vector<std::pair<double, double>>& pairs);

/// One test-pattern photo from ffmpeg's lavfi sources; `options` go before
/// the output name (pixel format, quality...). Throws if ffmpeg fails.
void make_photo(const std::string& path, const std::string& size, const std::string& options = "");
/// A phone-style HEIC grid of 512x512 HEVC tiles made from the picture at
/// `source` (scripts/make-heic-grid), `bits` deep, at x265's `crf`.
void make_heic_grid(const std::string& source, const std::string& path, int bits, int crf = 24);

/// Writes a HEIF (HEVC) or AVIF image through libheif: `pixel(x, y, rgba)`
/// fills 0..1 values (alpha starts at 1), at `bits` per channel, with the
/// given container orientation; `nclx`, when given, goes into the colr box
/// and is the matrix the encoder converts RGB with; `thumbnail`, when above
/// 0, adds a thumbnail item of that size (its longer side), as phones do.
void write_heif(const std::string& path, int w, int h, int bits, bool alpha, int orientation, bool avif,
                const std::function<void(int, int, double*)>& pixel, heif_color_profile_nclx* nclx = nullptr,
                int thumbnail = 0);

/// scripts/make-sample into `dir`; returns the project path.
std::string make_sample(const std::string& dir, const std::string& options);

std::string read_text(const std::string& path);

/// Temporary files chunkreel left in `dir` (`NAME.chunkreel-XXXXXX.tmp`).
std::vector<std::string> leftover_temporaries(const std::string& dir);
void write_text(const std::string& path, const std::string& text);

/// Starts `args` (args[0] is the program) without a shell; returns its pid.
int spawn_process(std::vector<std::string> args);

/// As spawn_process, with stdout and stderr going to the file `log`.
int spawn_logged(const std::vector<std::string>& args, const std::string& log);

/// A live (not zombie) chunkreel-worker whose parent is `parent`.
struct WorkerProcess {
  int pid = 0;
  long long rss_bytes = 0;
};
std::vector<WorkerProcess> worker_processes_of(int parent);

/// True while `pid` exists and is not a zombie.
bool process_alive(int pid);

/// One ffprobe value per line: `ffprobe -v error <args> FILE`.
std::string ffprobe(const std::string& args, const std::string& file);

/// The per-frame md5s of a video's decoded frames, in order.
std::vector<std::string> frame_md5s(const std::string& file);

/// An 8- or 16-bit RGB picture for making test images.
struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<double> pixels;  ///< r, g, b per pixel, each in [0, 1]
  RgbImage(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * h * 3, 0.0) {}
  void set(int x, int y, double r, double g, double b) {
    size_t at = (static_cast<size_t>(y) * width + x) * 3;
    pixels[at] = r;
    pixels[at + 1] = g;
    pixels[at + 2] = b;
  }
};

/// Writes `image` as a PPM (16-bit when `deep`) and converts it with ffmpeg
/// to `path`, whose extension picks the format; `ffmpeg_options` go before
/// the output name.
void save_image(const RgbImage& image, const std::string& path, bool deep = true,
                const std::string& ffmpeg_options = "");

/// Inserts an EXIF APP1 segment with `orientation` after a JPEG's SOI.
void add_exif_orientation(const std::string& jpeg_path, int orientation, bool little_endian);

/// An EXIF TIFF structure (no "Exif\0\0" prefix) whose Exif IFD holds
/// DateTimeOriginal = `date_time` ("YYYY:MM:DD HH:MM:SS"), as cameras write it.
std::string exif_with_date(const std::string& date_time, bool little_endian);
/// Adds such a structure to a JPEG (an APP1 segment) or a PNG (an eXIf chunk).
void add_exif_date(const std::string& path, const std::string& date_time, bool little_endian);

/// Decoded yuv420p frames of a video, read raw (no conversion).
struct YuvVideo {
  int width = 0;
  int height = 0;
  std::vector<std::vector<uint8_t>> frames;
  int y(size_t f, int x, int row) const { return frames[f][static_cast<size_t>(row) * width + x]; }
  int u(size_t f, int x, int row) const {
    return frames[f][static_cast<size_t>(width) * height + static_cast<size_t>(row) * (width / 2) + x];
  }
  int v(size_t f, int x, int row) const {
    return frames[f][static_cast<size_t>(width) * height * 5 / 4 + static_cast<size_t>(row) * (width / 2) + x];
  }
};
YuvVideo decode_yuv(const std::string& file, int width, int height);

/// Where stored pixel (c, r) of a dw x dh picture (as displayed) is seen
/// under EXIF orientation o, as a camera stores it.
void displayed_position(int o, int c, int r, int dw, int dh, int* x, int* y);

/// A 4:3 picture of red | green over blue | white, contained in the middle
/// of a 320 x 180 frame f, each quadrant within 6 levels.
void check_quadrants(const YuvVideo& v, size_t f);

/// A real photograph of one person from a Debian package
/// (python-matplotlib-data): Grace Hopper's portrait, 512x600.
constexpr const char* k_portrait_photo = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg";

/// A 320x180 lossless (x264 crf 0) project of `slides`, 1 s each by default,
/// with cuts and no motion, on `background`; its sound left at the levels
/// the show gives (no loudness target).
nlohmann::json lossless_project(nlohmann::json slides, const std::string& background, int fps);

/// Mean Y', Cb, Cr over the box of half-size `half` around (cx, cy) of frame f.
std::array<double, 3> mean_ycbcr(const YuvVideo& v, size_t f, int cx, int cy, int half);

/// Checks `got` against the BT.709 limited-range coding of 8-bit RGB, to
/// within `tolerance` levels.
void check_colour(const std::array<double, 3>& got, double r, double g, double b, double tolerance);

}  // namespace chunkreel::test
