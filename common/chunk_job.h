// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The chunk job: everything one worker needs to render and encode a range of
// frames, in one self-contained JSON file. It carries the slides the range
// shows with their global start times, the output and encoder settings and
// where to write; nothing refers back to the project file, so a job can run
// on any host that sees the same image paths.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clip_probe.h"
#include "common/error.h"
#include "common/show_timing.h"
#include "common/subjects.h"
#include "common/timeline.h"

namespace chunkreel {

constexpr int k_chunk_job_version = 1;

/// What a worker needs to show a clip: the slide's clip settings and the
/// probed facts it decodes by (recorded once, in the plan).
struct JobClip {
  std::string file;
  int stream = 0;      ///< the video stream the probe chose
  double in = 0;       ///< clip seconds shown at the slide's start
  double out = 0;      ///< clip seconds where it stops (its last frame holds after)
  double speed = 1;
  double start = 0;    ///< clip time 0 in seconds of the stream's timestamps
  int quarter_turns = 0;
  bool interlaced = false;
  ClipTransfer transfer = ClipTransfer::k_sdr;
  std::string matrix;  ///< "" when the stream does not say
  bool full_range = false;
  bool operator==(const JobClip&) const = default;
};

struct JobSlide {
  SlideSpan span;
  std::string image;      ///< empty for a title card or a clip
  std::optional<Colour> card;  ///< a title card's colour
  std::optional<JobClip> clip;  ///< a clip's decoding facts
  int image_width = 0;  ///< probed size after orientation, for planning
  int image_height = 0;
  int orientation = 1;  ///< EXIF orientation the worker applies
  Fit fit = Fit::k_cover;
  Motion motion;
  TransitionType out_transition = TransitionType::k_cut;
  std::optional<LaidOutCaption> caption;
  /// What the photo shows, as found when the show was planned; `motion` was
  /// framed by it. Carried with the job so that no node looks again; the
  /// renderer reads only the motion.
  Subjects subjects;
  /// Where this slide's prepared picture is shared with the other chunks
  /// that show it (a file of the work folder); empty when no other chunk
  /// shows it. The first chunk to load the photo writes it there, through
  /// shared_picture_temporary(); a later one reads it instead of loading.
  std::string shared_picture;
};

struct ChunkJob {
  int chunk_index = 0;
  int64_t first_frame = 0;
  int64_t frame_count = 0;
  OutputSettings output;
  int threads = 1;          ///< x264 plus render threads inside the worker
  std::string chunk_path;   ///< final chunk file; written through attempt_temporary()
  std::vector<JobSlide> slides;  ///< contiguous, in show order
  /// Which attempt runs the job, given on the worker's command line, not in
  /// the job file: empty for a local worker (a chunk never has two at once);
  /// on a farm the task's manifest ("slurm-tasks-3"), because a task on a
  /// node cut off from the controller may still be running when its chunk's
  /// next attempt starts elsewhere.
  std::string attempt;
};

/// The temporary name an attempt writes `path` through: own_temporary_path()
/// of `path` when `attempt` is empty, else of `path` + "." + `attempt`, so
/// two attempts of one chunk never write the same file and each renames
/// only a whole file of its own into place.
std::string attempt_temporary(const std::string& path, const std::string& attempt);

/// The temporary name chunk `chunk` writes `shared_picture` through: each
/// chunk has its own, so two chunks writing it at once never share a file.
/// It is attempt_temporary() of `shared_picture` + ".chunkNNNNN", so a work
/// folder records it by claiming that name with the attempt.
std::string shared_picture_temporary(const std::string& shared_picture, int chunk, const std::string& attempt = {});

/// True for an attempt name a worker accepts: letters, digits, '-' and '_'.
bool is_attempt_name(const std::string& attempt);

std::string chunk_job_to_json(const ChunkJob& job);
Expected<ChunkJob> chunk_job_from_json(const std::string& text);

Expected<ChunkJob> read_chunk_job(const std::string& path);
/// Writes atomically, through own_temporary_path(path): jobs live in a work folder.
Expected<void> write_chunk_job(const ChunkJob& job, const std::string& path);

}  // namespace chunkreel
