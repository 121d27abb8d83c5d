// SPDX-License-Identifier: GPL-2.0-or-later
#include "worker/caption_layer.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_GLYPH_H
#include FT_OUTLINE_H
#include FT_STROKER_H

#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "common/error.h"
#include "worker/picture.h"

namespace chunkreel {
namespace {

struct LibraryDeleter {
  void operator()(FT_Library library) const { FT_Done_FreeType(library); }
};
struct FaceDeleter {
  void operator()(FT_Face face) const { FT_Done_Face(face); }
};
struct GlyphDeleter {
  void operator()(FT_Glyph glyph) const { FT_Done_Glyph(glyph); }
};
struct StrokerDeleter {
  void operator()(FT_Stroker stroker) const { FT_Stroker_Done(stroker); }
};
using GlyphPtr = std::unique_ptr<FT_GlyphRec_, GlyphDeleter>;

/// Coverage in [0, 1] over a rectangle of the frame.
struct Mask {
  int x0 = 0, y0 = 0, width = 0, height = 0;
  std::vector<float> data;
  Mask(int ax0, int ay0, int w, int h)
      : x0(ax0), y0(ay0), width(w), height(h), data(static_cast<size_t>(w) * h, 0.0f) {}
  float& at(int x, int y) { return data[static_cast<size_t>(y) * width + x]; }
  float at(int x, int y) const { return data[static_cast<size_t>(y) * width + x]; }
};

// Replaces *glyph by what `transform` makes of it (FreeType's in-place
// glyph functions take and give back ownership through a pointer).
template <typename F>
bool transform_glyph(GlyphPtr& glyph, F transform) {
  FT_Glyph raw = glyph.release();
  const FT_Error error = transform(&raw);
  glyph.reset(raw);
  return error == 0;
}

class GlyphRasteriser {
 public:
  explicit GlyphRasteriser(const LaidOutCaption& caption) {
    FT_Library library = nullptr;
    if (FT_Init_FreeType(&library) != 0) throw Fatal(ExitCode::k_render_failed, "FreeType cannot start");
    m_library.reset(library);
    const FT_F26Dot6 size = std::lround(caption.pixel_size * 64);
    for (const FontFile& file : caption.fonts) {
      FT_Face face = nullptr;
      if (FT_New_Face(m_library.get(), file.path.c_str(), file.index, &face) != 0)
        throw Fatal(ExitCode::k_render_failed, fmt::format("{}: the caption's font cannot be loaded", file.path));
      m_faces.emplace_back(face);
      // 72 dpi makes the char size in points the em in pixels, the unit the
      // orchestrator shaped with.
      if (FT_Set_Char_Size(face, 0, size, 72, 72) != 0)
        throw Fatal(ExitCode::k_render_failed, fmt::format("{}: cannot be sized for the caption", file.path));
    }
    FT_Stroker stroker = nullptr;
    if (FT_Stroker_New(m_library.get(), &stroker) != 0)
      throw Fatal(ExitCode::k_render_failed, "FreeType cannot make a stroker");
    m_stroker.reset(stroker);
    const FT_Fixed radius = std::lround(caption.style.outline.width * caption.pixel_size * 64);
    FT_Stroker_Set(stroker, radius, FT_STROKER_LINECAP_ROUND, FT_STROKER_LINEJOIN_ROUND, 0);
  }

  /// Unites the glyph's coverage, its pen moved by (dx, dy), into `mask`;
  /// `stroked` draws the glyph grown by the outline width instead.
  void draw(const PlacedGlyph& g, double dx, double dy, bool stroked, Mask* mask) {
    FT_Face face = m_faces[static_cast<size_t>(g.font)].get();
    if (FT_Load_Glyph(face, g.glyph, FT_LOAD_NO_HINTING | FT_LOAD_NO_BITMAP) != 0) return;
    if (face->glyph->format != FT_GLYPH_FORMAT_OUTLINE) return;
    FT_Glyph raw = nullptr;
    if (FT_Get_Glyph(face->glyph, &raw) != 0) return;
    GlyphPtr glyph(raw);
    // The pen's whole pixels go to the bitmap's place; its fraction moves
    // the outline, so the glyph is rendered where it really is.
    const double x = g.x + dx, y = g.y + dy;
    const double ix = std::floor(x), iy = std::floor(y);
    FT_Outline_Translate(&reinterpret_cast<FT_OutlineGlyph>(glyph.get())->outline,
                         std::lround((x - ix) * 64), -std::lround((y - iy) * 64));
    if (stroked && !transform_glyph(glyph, [&](FT_Glyph* p) {
          return FT_Glyph_StrokeBorder(p, m_stroker.get(), 0, 1);
        }))
      return;
    if (!transform_glyph(glyph, [](FT_Glyph* p) {
          return FT_Glyph_To_Bitmap(p, FT_RENDER_MODE_NORMAL, nullptr, 1);
        }))
      return;
    const auto* bitmap_glyph = reinterpret_cast<FT_BitmapGlyph>(glyph.get());
    const FT_Bitmap& bitmap = bitmap_glyph->bitmap;
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY) return;
    const int left = static_cast<int>(ix) + bitmap_glyph->left - mask->x0;
    const int top = static_cast<int>(iy) - bitmap_glyph->top - mask->y0;
    const float scale = 1.0f / static_cast<float>(bitmap.num_grays - 1);
    for (unsigned r = 0; r < bitmap.rows; ++r) {
      const int my = top + static_cast<int>(r);
      if (my < 0 || my >= mask->height) continue;
      const unsigned char* src = bitmap.buffer + static_cast<ptrdiff_t>(r) * bitmap.pitch;
      for (unsigned c = 0; c < bitmap.width; ++c) {
        const int mx = left + static_cast<int>(c);
        if (mx < 0 || mx >= mask->width || src[c] == 0) continue;
        // Overlapping glyphs (joined Arabic letters, conjuncts) unite as
        // independent coverages do, never brighter than full.
        float& m = mask->at(mx, my);
        const float v = src[c] * scale;
        m = m + v - m * v;
      }
    }
  }

 private:
  std::unique_ptr<FT_LibraryRec_, LibraryDeleter> m_library;
  std::vector<std::unique_ptr<FT_FaceRec_, FaceDeleter>> m_faces;
  std::unique_ptr<FT_StrokerRec_, StrokerDeleter> m_stroker;
};

// Three box blurs of radius r approximate a Gaussian; outside is empty.
void blur(Mask& mask, int radius) {
  if (radius < 1) return;
  std::vector<float> line;
  auto pass = [&](float* data, int n, size_t stride) {
    line.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) line[i] = data[i * stride];
    float sum = 0;
    for (int k = 0; k <= radius && k < n; ++k) sum += line[k];
    const float norm = 1.0f / static_cast<float>(2 * radius + 1);
    for (int i = 0; i < n; ++i) {
      data[i * stride] = sum * norm;
      if (i + radius + 1 < n) sum += line[i + radius + 1];
      if (i - radius >= 0) sum -= line[i - radius];
    }
  };
  for (int repeat = 0; repeat < 3; ++repeat) {
    for (int y = 0; y < mask.height; ++y) pass(&mask.at(0, y), mask.width, 1);
    for (int x = 0; x < mask.width; ++x) pass(&mask.at(x, 0), mask.height, static_cast<size_t>(mask.width));
  }
}

// Overlap of the pixel span [p, p + 1) with [a, b).
double overlap(int p, double a, double b) {
  return std::clamp(std::min<double>(p + 1, b) - std::max<double>(p, a), 0.0, 1.0);
}

struct Premultiplied {
  float r = 0, g = 0, b = 0, a = 0;
  void over(const Rgba& colour, float coverage) {
    const float alpha = colour.a / 255.0f * coverage;
    r = colour.r / 255.0f * alpha + r * (1 - alpha);
    g = colour.g / 255.0f * alpha + g * (1 - alpha);
    b = colour.b / 255.0f * alpha + b * (1 - alpha);
    a = alpha + a * (1 - alpha);
  }
};

}  // namespace

CaptionLayer::CaptionLayer(const LaidOutCaption& caption, int width, int height) {
  const double em = caption.pixel_size;
  const CaptionStyle& s = caption.style;
  const PixelRect region = caption_region(caption, width, height);
  const int x0 = region.x0, y0 = region.y0, x1 = region.x1, y1 = region.y1;
  const int w = x1 - x0, h = y1 - y0;

  GlyphRasteriser rasteriser(caption);
  Mask fill(x0, y0, w, h);
  for (const PlacedGlyph& g : caption.glyphs) rasteriser.draw(g, 0, 0, false, &fill);
  Mask ring(x0, y0, s.outline.enabled ? w : 0, s.outline.enabled ? h : 0);
  if (s.outline.enabled)
    for (const PlacedGlyph& g : caption.glyphs) rasteriser.draw(g, 0, 0, true, &ring);
  Mask shadow(x0, y0, s.shadow.enabled ? w : 0, s.shadow.enabled ? h : 0);
  if (s.shadow.enabled) {
    const double d = s.shadow.offset * em;
    for (const PlacedGlyph& g : caption.glyphs) rasteriser.draw(g, d, d, s.outline.enabled, &shadow);
    blur(shadow, static_cast<int>(std::lround(s.shadow.blur * em / 2)));
  }

  // Flatten box, shadow, outline and fill into premultiplied Y'CbCr.
  std::vector<float> alpha(static_cast<size_t>(w) * h), py(alpha.size()), pcb(alpha.size()),
      pcr(alpha.size());
  for (int y = 0; y < h; ++y) {
    const double box_y = overlap(y0 + y, caption.box_y0, caption.box_y1);
    for (int x = 0; x < w; ++x) {
      Premultiplied p;
      if (s.background.a > 0 && box_y > 0)
        p.over(s.background, static_cast<float>(box_y * overlap(x0 + x, caption.box_x0, caption.box_x1)));
      if (s.shadow.enabled) p.over(s.shadow.color, shadow.at(x, y));
      if (s.outline.enabled) p.over(s.outline.color, ring.at(x, y));
      p.over(s.color, fill.at(x, y));
      const size_t i = static_cast<size_t>(y) * w + x;
      // Opacity below 2^-16 moves no sample by a hundredth of a code value;
      // dropping it keeps the blur's faint tails (and their denormal
      // products, which cost a hundred cycles each) out of every frame.
      if (p.a < 1.0f / 65536) continue;
      const YCbCr c = to_ycbcr(p.r, p.g, p.b);  // linear: premultiplied in, premultiplied out
      alpha[i] = p.a;
      py[i] = c.y;
      pcb[i] = c.cb;
      pcr[i] = c.cr;
    }
  }

  auto finish = [](Layer& layer) {
    layer.first.assign(static_cast<size_t>(layer.height), 0);
    layer.last.assign(static_cast<size_t>(layer.height), 0);
    for (int y = 0; y < layer.height; ++y) {
      const float* a = layer.alpha.data() + static_cast<size_t>(y) * layer.width;
      int first = 0, last = layer.width;
      while (first < last && a[first] <= 0) ++first;
      while (last > first && a[last - 1] <= 0) --last;
      layer.first[y] = first;
      layer.last[y] = last;
    }
  };
  Layer& luma = m_planes[0];
  luma = {x0, y0, w, h, alpha, py, {}, {}};
  finish(luma);

  // Chroma at its sites: columns 2i-1, 2i, 2i+1 weighted 1/4, 1/2, 1/4;
  // rows 2j and 2j+1 halved.
  const int chroma_w = (width + 1) / 2, chroma_h = (height + 1) / 2;
  const int cx0 = x0 / 2, cy0 = y0 / 2;
  const int cx1 = std::min(chroma_w, (x1 + 2) / 2), cy1 = std::min(chroma_h, (y1 + 1) / 2);
  auto sample = [&](const std::vector<float>& v, int lx, int ly) -> float {
    lx -= x0;
    ly -= y0;
    if (lx < 0 || ly < 0 || lx >= w || ly >= h) return 0.0f;
    return v[static_cast<size_t>(ly) * w + lx];
  };
  auto site = [&](const std::vector<float>& v, int i, int j) {
    float sum = 0;
    for (int row = 2 * j; row <= 2 * j + 1; ++row)
      sum += 0.5f * (0.25f * sample(v, 2 * i - 1, row) + 0.5f * sample(v, 2 * i, row) +
                     0.25f * sample(v, 2 * i + 1, row));
    return sum;
  };
  for (int plane = 1; plane <= 2; ++plane) {
    Layer& layer = m_planes[plane];
    layer.x0 = cx0;
    layer.y0 = cy0;
    layer.width = std::max(0, cx1 - cx0);
    layer.height = std::max(0, cy1 - cy0);
    layer.alpha.resize(static_cast<size_t>(layer.width) * layer.height);
    layer.value.resize(layer.alpha.size());
    const std::vector<float>& premultiplied = plane == 1 ? pcb : pcr;
    for (int j = 0; j < layer.height; ++j)
      for (int i = 0; i < layer.width; ++i) {
        const size_t k = static_cast<size_t>(j) * layer.width + i;
        layer.alpha[k] = site(alpha, cx0 + i, cy0 + j);
        layer.value[k] = site(premultiplied, cx0 + i, cy0 + j);
      }
    finish(layer);
  }
}

size_t CaptionLayer::covered_samples() const {
  size_t n = 0;
  for (const Layer& layer : m_planes)
    for (int y = 0; y < layer.height; ++y) n += static_cast<size_t>(layer.last[y] - layer.first[y]);
  return n;
}

bool CaptionLayer::covers(int plane, int y) const {
  const Layer& layer = m_planes[static_cast<size_t>(plane)];
  const int row = y - layer.y0;
  return row >= 0 && row < layer.height && layer.first[row] < layer.last[row];
}

void CaptionLayer::apply_row(int plane, int y, float* row, float opacity) const {
  if (!covers(plane, y) || opacity <= 0) return;
  const Layer& layer = m_planes[static_cast<size_t>(plane)];
  const int r = y - layer.y0;
  const float* a = layer.alpha.data() + static_cast<size_t>(r) * layer.width;
  const float* v = layer.value.data() + static_cast<size_t>(r) * layer.width;
  float* out = row + layer.x0;
  for (int x = layer.first[r]; x < layer.last[r]; ++x)
    out[x] = out[x] * (1.0f - opacity * a[x]) + opacity * v[x];
}

}  // namespace chunkreel
