// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A caption laid out for the output frame: fonts matched, text shaped and
// broken into lines, the block placed by position and align, and checked to
// lie inside the frame. Runs once per caption, in the orchestrator, before
// any work; chunk jobs carry the result (see common/caption.h).
//
// Geometry (all in output pixels, em = size * height):
//   - lines are em-sized with the fonts' own ascender, descender and gap;
//   - the box is the text block plus 0.3 em left and right and 0.15 em
//     above and below; the background fills it, and it is what is placed;
//   - bottom/top/center put the box 5% of the height from that edge (or in
//     the middle), and left/center/right put it 5% of the width from the
//     left edge, in the middle, or 5% from the right edge;
//   - [x, y] puts the box's left edge, centre or right edge (by align) at x
//     and its vertical centre at y;
//   - lines wrap so the box is at most max_width of the frame wide;
//   - each line's baseline and left edge sit on whole pixels (crisp
//     horizontal strokes); glyphs inside a line keep their exact sub-pixel
//     advances.

#include <string>
#include <vector>

#include "common/caption.h"
#include "common/error.h"
#include "orchestrator/text/font_match.h"

namespace chunkreel {

struct CaptionFault {
  std::string field;  ///< the caption field at fault ("font"), or empty for the whole caption
  std::string message;
};

struct CaptionLayoutResult {
  bool ok = false;
  LaidOutCaption caption;
  CaptionFault fault;              ///< when !ok
  std::vector<std::string> notes;  ///< font substitutes, characters no font has
};

CaptionLayoutResult lay_out_caption(const Caption& caption, int width, int height,
                                    FontMatcher& fonts);

}  // namespace chunkreel
