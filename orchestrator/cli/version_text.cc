// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/cli/version_text.h"

#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fontconfig/fontconfig.h>
#include <fribidi.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <harfbuzz/hb.h>
#include <lcms2.h>
#include <libheif/heif.h>

#include "common/content_key.h"
#include "common/heif_ffmpeg_decoders.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswscale/swscale.h>
}

namespace chunkreel {
namespace {

std::string av_text(unsigned version) {
  return fmt::format("{}.{}.{}", version >> 16, (version >> 8) & 0xff, version & 0xff);
}

std::string freetype_version() {
  FT_Library library = nullptr;
  if (FT_Init_FreeType(&library) != 0) return "(cannot start)";
  FT_Int major = 0, minor = 0, patch = 0;
  FT_Library_Version(library, &major, &minor, &patch);
  FT_Done_FreeType(library);
  return fmt::format("{}.{}.{}", major, minor, patch);
}

// The HEVC and AV1 decoders libheif's plugins provide decide a HEIC's or
// an AVIF's pixels as much as libheif does.
std::string heif_decoders() {
  std::string names;
  for (heif_compression_format format : {heif_compression_HEVC, heif_compression_AV1}) {
    const heif_decoder_descriptor* found[8] = {};
    const int count = heif_get_decoder_descriptors(format, found, 8);
    for (int i = 0; i < count; ++i)
      names += (names.empty() ? "" : "; ") + std::string(heif_decoder_descriptor_get_name(found[i]));
  }
  return names.empty() ? "none" : names;
}

// "build 164 (libx264.so.164)": the soname's number is X264_BUILD.
std::string x264_build() {
  const std::string soname = loaded_x264();
  const size_t dot = soname.rfind(".so.");
  if (dot == std::string::npos) return soname;
  return "build " + soname.substr(dot + 4) + " (" + soname + ")";
}

std::string first_line(const char* text) {
  const std::string_view all = text ? text : "";
  return std::string(all.substr(0, all.find('\n')));
}

}  // namespace

std::string version_text() {
  heif_init(nullptr);
  use_ffmpeg_for_heif();  // as the worker decodes
  const int lcms = cmsGetEncodedCMMversion();
  const int fc = FcGetVersion();
  const std::vector<std::pair<std::string, std::string>> libraries = {
      {"FFmpeg", av_version_info()},
      {"libavcodec", av_text(avcodec_version())},
      {"libavformat", av_text(avformat_version())},
      {"libswscale", av_text(swscale_version())},
      {"libx264", x264_build()},
      {"libheif", heif_get_version()},
      {"HEIF decoders", heif_decoders()},
      {"LittleCMS", fmt::format("{}.{}", lcms / 1000, (lcms % 1000) / 10)},
      {"HarfBuzz", hb_version_string()},
      {"FreeType", freetype_version()},
      {"FriBidi", first_line(fribidi_version_info)},
      {"fontconfig", fmt::format("{}.{}.{}", fc / 10000, (fc / 100) % 100, fc % 100)},
  };
  heif_deinit();
  std::string out = "chunkreel " CHUNKREEL_VERSION "\n";
  for (const auto& [name, version] : libraries) out += fmt::format("  {:<14} {}\n", name, version);
  return out;
}

}  // namespace chunkreel
