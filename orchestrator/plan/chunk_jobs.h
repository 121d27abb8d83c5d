// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The self-contained job of each chunk, and the names of its files.

#include <string>

#include "common/chunk_job.h"
#include "orchestrator/plan/render_plan.h"

namespace chunkreel {

/// The job of chunk `chunk`, writing its chunk into `work_dir`. The chunk's
/// file name carries its content key, so finished chunks are found again by
/// what they contain. A photo slide that another chunk of the plan shows too
/// gets a shared picture in `work_dir` (JobSlide::shared_picture), named
/// after the picture's content key.
ChunkJob make_chunk_job(const Project& project, const RenderPlan& plan, const ChunkPlan& chunk,
                        const std::string& work_dir);

/// chunk_00003_<content key>.mp4
std::string chunk_file_name(int chunk, const std::string& key);
/// chunk_00003.json
std::string job_file_name(int chunk);
/// picture_00007_<content key>.pic, for slide 7
std::string shared_picture_name(int slide, const std::string& key);

}  // namespace chunkreel
