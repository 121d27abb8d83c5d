// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A libheif decoder plugin that decodes HEIC's HEVC through FFmpeg's HEVC
// decoder instead of libde265. libheif still reads the file, assembles grid
// tiles, applies irot/imir/clap and converts colour; only the HEVC
// bitstream of each tile goes to libavcodec. HEVC decoding is exact, so the
// pixels are the same bits either way (the suite compares the two); FFmpeg's
// decoder is the faster of the two, and a phone's camera roll is HEIC.

namespace chunkreel {

/// Registers the plugin with libheif, once per process, ahead of libde265
/// for HEVC. Safe to call from any thread, any number of times. With
/// CHUNKREEL_HEIF_HEVC=libde265 in the environment it registers nothing, so
/// a benchmark can compare the two decoders in the same build.
void use_ffmpeg_for_heif_hevc();

/// The plugin's name, as heif_get_decoder_descriptors lists it.
const char* ffmpeg_heif_hevc_plugin_name();

}  // namespace chunkreel
