// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A clip's frames for the renderer, chosen by timestamp.
//
// picture_at(c) gives the frame whose presentation interval holds clip time
// c: the last frame whose timestamp is at or before c (the first frame for
// any c before it; the last frame before `out` for any c after). Frames are
// never counted, so variable frame rates and any source rate play at the
// right moments.
//
// Which pixels a frame has must not depend on where decoding began, since
// each chunk begins wherever its first frame falls. So every decode starts
// with a seek to the keyframe at or before the first time needed, and the
// frames it may show are only those that decode the same from any earlier
// keyframe: frames at or after that keyframe in presentation order (leading
// pictures of an open GOP, which refer to the GOP before, are dropped), and
// for a deinterlaced clip only frames after it (the deinterlacer looks at
// the frame before). When the keyframe comes after the time needed (a
// container whose index is coarse), it seeks further back. A seek to the
// clip's start is the same in every chunk, so its first frame is shown.
//
// A clip decodes on one thread, the renderer's: its memory is then its
// stream's own (a frame thread holds a whole decoder state more), its CPU
// is counted exactly, and the parallelism comes from the chunks, as for
// photos.
//
// Each frame shown goes through one stateless chain: tone mapping for HLG
// and PQ (zscale, tonemap), conversion to BT.709's matrix, scaling to the
// slide's prefiltered size (which also squares anamorphic pixels), and the
// display rotation, into Y'CbCr 4:2:0; its samples then become the
// renderer's 16-bit codes through a table.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/av_ptr.h"
#include "common/chunk_job.h"
#include "worker/filter_chain.h"
#include "worker/picture.h"

namespace chunkreel {

/// The filters a clip's shown frames go through, and what they give.
struct ShapeChain {
  std::string description;
  int depth = 8;           ///< bits a sample: 8, 10 or 16
  bool full_range = false;
};

class ClipFrames {
 public:
  /// `width` x `height`: the picture size wanted (display orientation).
  ClipFrames(const JobClip& clip, int width, int height);
  ~ClipFrames();

  /// Makes `*picture` the frame that shows at clip time `c`, unless it
  /// already is (the previous call's frame): returns whether it wrote it.
  /// Throws Fatal naming the file and the time when the clip cannot be
  /// decoded there.
  bool picture_at(double c, SourcePicture* picture);

  /// Frames decoded so far (shown or not), for the worker's account.
  int64_t frames_decoded() const { return m_decoded; }

 private:
  struct Timed {
    FramePtr frame;
    double time = 0;  ///< clip time
  };
  Expected<void> open();
  Expected<void> seek(double c);
  /// The next frame in presentation order that this decode may show, or
  /// none at the end of the clip.
  Expected<std::optional<Timed>> next_frame();
  Expected<std::optional<Timed>> next_decoded();
  Expected<void> convert(const AVFrame& frame, SourcePicture* picture);

  JobClip m_clip;
  int m_width, m_height;
  InputFormatPtr m_input;
  CodecContextPtr m_decoder;
  int m_stream = -1;
  AVRational m_time_base{1, 1};
  PacketPtr m_packet;
  FramePtr m_decoded_frame;
  std::unique_ptr<FilterChain> m_deinterlace;
  std::unique_ptr<FilterChain> m_shape;  ///< tone map, scale, rotate: one frame in, one out
  ShapeChain m_shape_of;
  std::vector<int16_t> m_luma_codes, m_chroma_codes;  ///< sample -> BlockedPlane code
  bool m_input_done = false;
  bool m_decoder_done = false;
  /// Set by seek(): the keyframe's timestamp (clip time) and whether the
  /// next frame out is the first since the seek.
  double m_key_time = 0;
  bool m_key_known = false;
  bool m_first_after_seek = false;
  bool m_seek_at_start = false;

  std::optional<Timed> m_current;  ///< the frame shown last
  std::optional<Timed> m_next;     ///< the frame after it, once decoded
  bool m_at_end = false;           ///< nothing after m_current
  double m_converted_time = -1e300;
  bool m_has_picture = false;
  int64_t m_decoded = 0;
};

}  // namespace chunkreel
