// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Which form the renderer's hot loops take. Each has a portable form, the
// definition, and an AVX2 form written with intrinsics that does the same
// float operations in the same order per sample, so both give the same
// bits and a render farm of mixed CPUs makes identical chunks. The AVX2
// forms are used when the CPU has AVX2; tests turn them off to check that
// the two agree.

namespace chunkreel {

/// True when the CPU has AVX2 and the AVX2 forms are allowed.
bool use_avx2();

/// Allows or forbids the AVX2 forms (for tests; not thread-safe against
/// rendering at the same time).
void allow_avx2(bool allowed);

}  // namespace chunkreel
