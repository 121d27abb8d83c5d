// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/base64.h"

#include <cstring>

extern "C" {
#include <libavutil/base64.h>
}

namespace chunkreel {

std::string to_base64(const std::string& bytes) {
  std::string text(AV_BASE64_SIZE(bytes.size()), '\0');
  if (!av_base64_encode(text.data(), static_cast<int>(text.size()), reinterpret_cast<const uint8_t*>(bytes.data()),
                        static_cast<int>(bytes.size())))
    return {};
  text.resize(std::strlen(text.c_str()));  // the encoder ends it with a NUL
  return text;
}

std::string from_base64(const std::string& text) {
  std::string bytes(AV_BASE64_DECODE_SIZE(text.size()), '\0');
  const int n = av_base64_decode(reinterpret_cast<uint8_t*>(bytes.data()), text.c_str(), static_cast<int>(bytes.size()));
  if (n < 0) return {};
  bytes.resize(static_cast<size_t>(n));
  return bytes;
}

}  // namespace chunkreel
