// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `chunkreel batch`: a night's queue of projects under one set of caps.
// Each project renders to DIR/<stem>.mp4 with its report beside it; a project
// that fails is recorded and the batch goes on. DIR/summary.json and a
// printed table say what happened; DIR/batch.log has timestamped lines for
// the whole night. With --resume, a project whose output exists and whose
// content key, as the last summary.json recorded it, still matches is skipped, and an interrupted project
// resumes from its finished chunks.
//
// Projects render one after another under the batch's worker cap and memory
// budget, so the caps hold across the whole queue; while one project joins
// and writes its report, the next project's workers already render.

#include <functional>
#include <memory>

#include "orchestrator/cli/command_line.h"

namespace chunkreel {

class RenderSession;

/// Builds a project's session (validation and planning). Anything it, or
/// the session after it, throws is that project's failure.
using SessionFactory = std::function<std::unique_ptr<RenderSession>(const RenderConfig&)>;

/// Exit code: 0 all succeeded (or were skipped), 1 any failed, 130
/// interrupted. `make_session` defaults to building a RenderSession.
int run_batch(const Command& command, const SessionFactory& make_session = {});

}  // namespace chunkreel
