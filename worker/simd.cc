// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/simd.h"

namespace chunkreel {
namespace {

bool g_allowed = true;

}  // namespace

bool use_avx2() {
  static const bool has_avx2 = __builtin_cpu_supports("avx2");
  return has_avx2 && g_allowed;
}

void allow_avx2(bool allowed) { g_allowed = allowed; }

}  // namespace chunkreel
