// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The decoded, prefiltered pictures of a chunk's slides.
//
// A worker holds only the slides it is showing: a picture is loaded when a
// frame first needs it, the next slide's picture is decoded on a prefetch
// thread meanwhile, and pictures behind the current frame are released. What
// a slide's picture looks like depends only on the slide itself (file,
// orientation, fit, motion, output size), never on the chunk, which keeps
// frames identical however the show is split.
//
// A slide that other chunks show too (JobSlide::shared_picture) is read
// from the work folder when a neighbour had already written it when this
// worker started; otherwise it is loaded and then written there for them
// (unless a neighbour has written it meanwhile), after it has been handed
// to the renderer. A picture a neighbour writes after the start is not
// read: which pictures a worker decodes is then settled at its start, when
// the orchestrator estimates its memory from them (a decode's buffers cost
// far more than a read), so the estimate holds whoever finishes first.

#include <atomic>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "common/chunk_job.h"
#include "worker/clip_frames.h"
#include "worker/picture.h"
#include "worker/thread_cpu.h"

namespace chunkreel {

struct PreparedSlide {
  SourcePicture picture;
  double scale_x = 1;  ///< picture pixels per image pixel
  double scale_y = 1;
  /// contain-blur only: the blurred, darkened cover-fitted copy shown
  /// behind the contained picture, at output size (it does not move).
  Picture backdrop;
};

/// The contain-blur backdrop of `picture` at the output size, into
/// `*backdrop` (whose memory is reused).
void make_blur_backdrop(const SourcePicture& picture, int output_width, int output_height, Picture* backdrop);

/// The prefiltered size of a slide's picture (display orientation).
void prefiltered_size(const JobSlide& slide, const OutputSettings& output, int* width,
                      int* height);

class SlideImages {
 public:
  /// `chunk`: the chunk's index, which names its temporary files.
  /// `attempt`: ChunkJob::attempt, for the shared pictures' temporary names.
  SlideImages(const std::vector<JobSlide>& slides, const OutputSettings& output, int chunk, std::string attempt = {});
  ~SlideImages();

  /// The picture of slides[position], a photo or a card; throws Fatal if it
  /// cannot be decoded.
  const PreparedSlide& get(int position);
  /// The picture clip slide slides[position] shows at show time `t`;
  /// throws Fatal if it cannot be decoded. Times must come in order, as
  /// a chunk's frames do (an earlier time costs a seek).
  const PreparedSlide& clip_at(int position, double t);
  /// Starts decoding slides[position] on a prefetch thread, if not already
  /// (a clip decodes as it plays, on the renderer's thread).
  void prefetch(int position);
  /// Drops pictures of slides before `position`.
  void release_before(int position);
  /// CPU seconds spent loading pictures so far (decode, reduction, colour
  /// conversion), over all prefetch threads.
  double decode_cpu_seconds() const { return m_decode_cpu.seconds(); }
  /// Waits for every prefetch and every write of a shared picture.
  void wait();
  /// Photos decoded so far, and pictures read from a neighbour's file instead.
  int photos_loaded() const { return m_loaded; }
  int pictures_shared() const { return m_shared; }
  /// CPU seconds spent on clips (demuxing, decoding, deinterlacing, tone
  /// mapping, scaling, conversion), and the clip frames decoded.
  double clip_cpu_seconds() const { return m_clip_cpu.seconds(); }
  int64_t clip_frames_decoded() const;

 private:
  void share(const JobSlide& slide, const PreparedSlide& prepared);

  const std::vector<JobSlide>& m_slides;
  const OutputSettings& m_output;
  const int m_chunk;
  const std::string m_attempt;
  std::vector<std::future<std::shared_ptr<PreparedSlide>>> m_pending;
  std::vector<std::shared_ptr<PreparedSlide>> m_ready;
  std::vector<std::thread> m_threads;  ///< one per prefetch; joined on destruction
  std::vector<bool> m_read_shared;     ///< per slide: its shared picture was written at the start
  struct ClipSlide {
    std::unique_ptr<ClipFrames> frames;
    PreparedSlide prepared;
  };
  std::vector<std::unique_ptr<ClipSlide>> m_clips;  ///< per slide, while it plays
  CpuTotal m_clip_cpu;
  int64_t m_clip_frames_done = 0;  ///< decoded by clips already released
  CpuTotal m_decode_cpu;
  std::atomic<int> m_loaded{0};
  std::atomic<int> m_shared{0};
};

}  // namespace chunkreel
