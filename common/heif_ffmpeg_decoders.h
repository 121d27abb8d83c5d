// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// libheif decoder plugins that decode through libavcodec: HEIC's HEVC with
// FFmpeg's own HEVC decoder instead of libde265, and AVIF's AV1 with dav1d
// as libavcodec drives it instead of libheif's own dav1d plugin. libheif
// still reads the file, assembles grid tiles, applies irot/imir/clap and
// converts colour; only each image's (or tile's) bitstream goes to
// libavcodec. Decoding either codec is exact, so the pixels are the same
// bits either way (the suite compares them). What the plugins change is
// where the work runs: FFmpeg's HEVC decoder is the faster of the two, and
// both decode on the calling thread (one thread each), where libheif's
// dav1d starts a thread for every core. A worker decodes beside its
// encoder's threads and counts a decode by its loading thread's CPU clock.

namespace chunkreel {

/// Registers both plugins with libheif, once per process, ahead of its own
/// decoders. Safe to call from any thread, any number of times. For
/// measuring the decoders side by side (scripts/bench --phone), the
/// environment can leave one out: CHUNKREEL_HEIF_HEVC=libde265 keeps
/// libde265 for HEVC, CHUNKREEL_HEIF_AV1=libheif keeps libheif's dav1d
/// plugin for AV1.
void use_ffmpeg_for_heif();

/// The plugins' names, as heif_get_decoder_descriptors lists them.
const char* ffmpeg_heif_hevc_plugin_name();
const char* ffmpeg_heif_av1_plugin_name();

}  // namespace chunkreel
