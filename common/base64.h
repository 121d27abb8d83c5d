// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Base64 (RFC 4648) through FFmpeg's libavutil: small binary things, such
// as a thumbnail, inside JSON and HTML.

#include <string>

namespace chunkreel {

std::string to_base64(const std::string& bytes);
/// Empty for text that is not base64.
std::string from_base64(const std::string& text);

}  // namespace chunkreel
