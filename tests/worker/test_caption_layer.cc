// SPDX-License-Identifier: GPL-2.0-or-later
// The caption layer as the renderer sees it: coverage at exact sub-pixel
// glyph positions, and opacity that scales the whole layer.

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "orchestrator/text/caption_layout.h"
#include "worker/caption_layer.h"

using namespace chunkreel;

namespace {

constexpr int k_w = 640, k_h = 360;

// The luma a layer lays over black, summed, and its horizontal centroid.
struct Ink {
  double sum = 0, centroid = 0;
};
Ink luma_ink(const CaptionLayer& layer, float opacity) {
  Ink ink;
  double moment = 0;
  std::vector<float> row(k_w);
  for (int y = 0; y < k_h; ++y) {
    std::fill(row.begin(), row.end(), 0.0f);
    layer.apply_row(0, y, row.data(), opacity);
    for (int x = 0; x < k_w; ++x) {
      ink.sum += row[x];
      moment += row[x] * (x + 0.5);
    }
  }
  ink.centroid = moment / ink.sum;
  return ink;
}

LaidOutCaption laid_out(const std::string& text) {
  FontMatcher fonts;
  Caption caption;
  caption.text = text;
  caption.size = 0.1;
  caption.style.shadow.enabled = false;
  CaptionLayoutResult r = lay_out_caption(caption, k_w, k_h, fonts);
  REQUIRE(r.ok);
  return r.caption;
}

}  // namespace

TEST_CASE("a caption layer draws glyphs at their sub-pixel positions, not snapped to pixels") {
  const LaidOutCaption base = laid_out("Il1|");
  const Ink at_zero = luma_ink(CaptionLayer(base, k_w, k_h), 1.0f);
  REQUIRE(at_zero.sum > 100);
  for (double shift : {0.25, 0.5, 0.75}) {
    LaidOutCaption moved = base;
    for (PlacedGlyph& g : moved.glyphs) g.x += shift;
    const Ink ink = luma_ink(CaptionLayer(moved, k_w, k_h), 1.0f);
    INFO("shift " << shift);
    // The ink moves with the pen, by the fraction, to within 1/20 pixel,
    // and keeps its amount.
    CHECK(std::abs(ink.centroid - at_zero.centroid - shift) < 0.05);
    CHECK(std::abs(ink.sum / at_zero.sum - 1) < 0.01);
  }
}

TEST_CASE("a caption layer's opacity scales it linearly") {
  const CaptionLayer layer(laid_out("Opacity"), k_w, k_h);
  const double full = luma_ink(layer, 1.0f).sum;
  CHECK(luma_ink(layer, 0.25f).sum == Approx(0.25 * full).epsilon(1e-4));
  CHECK(luma_ink(layer, 0.0f).sum == 0);
}

TEST_CASE("a coloured caption's chroma sits at the encoder's chroma sites, on its luma") {
  LaidOutCaption red = laid_out("Red text");
  red.style.color = {255, 0, 0, 255};
  const CaptionLayer layer(red, k_w, k_h);
  const Ink luma = luma_ink(layer, 1.0f);
  // Cr' over black: chroma sample i stands for luma column 2i (left-sited),
  // whose centre is at 2i + 0.5 in the luma's pixel-centre coordinates.
  double sum = 0, moment = 0;
  std::vector<float> row(k_w / 2);
  for (int y = 0; y < k_h / 2; ++y) {
    std::fill(row.begin(), row.end(), 0.0f);
    layer.apply_row(2, y, row.data(), 1.0f);
    for (int i = 0; i < k_w / 2; ++i) {
      sum += row[i];
      moment += row[i] * (2 * i + 0.5);
    }
  }
  REQUIRE(sum > 10);
  CHECK(std::abs(moment / sum - luma.centroid) < 0.15);
}
