#pragma once
// The self-contained job of each chunk, and the names of its files.

#include <string>

#include "common/chunk_job.h"
#include "orchestrator/plan/render_plan.h"

namespace chunkreel {

/// The job of chunk `chunk`, writing its chunk into `work_dir`. The chunk's
/// file name carries its content key, so finished chunks are found again by
/// what they contain.
ChunkJob make_chunk_job(const Project& project, const RenderPlan& plan, const ChunkPlan& chunk,
                        const std::string& work_dir);

/// chunk_00003_<content key>.mp4
std::string chunk_file_name(int chunk, const std::string& key);
/// chunk_00003.json
std::string job_file_name(int chunk);

}  // namespace chunkreel
