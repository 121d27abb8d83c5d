// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/subjects/subject_finder.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <mutex>
#include <tuple>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/core/version.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "common/av_ptr.h"
#include "common/heif_file.h"
#include "common/heif_ffmpeg_decoders.h"
#include "common/image_decoder.h"
#include "orchestrator/subjects/saliency.h"

namespace chunkreel {
namespace {

// What changes the boxes found, beside the cascade and OpenCV: raise it when
// the method changes, so caches made by the old one are not read.
constexpr int k_method_version = 1;

// The detector's settings, chosen on photographs of people with faces
// labelled by hand (scripts/bench-faces; docs/performance.md, "Finding
// faces"): OpenCV's first LBP frontal-face cascade (better recall there than
// its "improved" one and the Haar cascades, at the LBP cascades' speed), a
// pyramid step of 1.1 and three neighbours.
constexpr double k_scale_step = 1.1;
constexpr int k_min_neighbours = 3;
constexpr int k_min_face = 24;  // the LBP cascade's own window

// A thumbnail item at least this large (its longer side) stands in for a
// HEIF or AVIF image; smaller ones find too few faces.
constexpr int k_min_thumbnail = 240;

// The size the copy is scaled to: the longer side at most k_detect_size.
cv::Size detect_size(int width, int height) {
  const double scale = std::min(1.0, static_cast<double>(k_detect_size) / std::max(width, height));
  return {std::max(1, static_cast<int>(std::lround(width * scale))),
          std::max(1, static_cast<int>(std::lround(height * scale)))};
}

// The decoded frame as 8-bit grey at `size`, scaled bit-exactly (swscale's
// SIMD paths and its C code give the same result with these flags). Where
// the frame carries 8-bit luma in a plane of its own, that plane is the
// grey picture.
Expected<cv::Mat> grey_copy(const AVFrame& frame, cv::Size size, const std::string& path) {
  const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame.format));
  if (!desc) return Error{path + ": decoded to an unknown pixel format"};
  const bool luma_plane = !(desc->flags & AV_PIX_FMT_FLAG_RGB) && (desc->flags & AV_PIX_FMT_FLAG_PLANAR) &&
                          desc->comp[0].plane == 0 && desc->comp[0].depth == 8 && desc->comp[0].step == 1;
  const AVPixelFormat from = luma_plane ? AV_PIX_FMT_GRAY8 : static_cast<AVPixelFormat>(frame.format);
  SwsPtr sws(sws_getContext(frame.width, frame.height, from, size.width, size.height, AV_PIX_FMT_GRAY8,
                            SWS_AREA | SWS_BITEXACT | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
  if (!sws) return Error{path + ": cannot scale its pixels for finding faces"};
  cv::Mat grey(size, CV_8UC1);
  uint8_t* planes[4] = {grey.data, nullptr, nullptr, nullptr};
  int strides[4] = {static_cast<int>(grey.step), 0, 0, 0};
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, planes, strides);
  return grey;
}

// `stored` turned upright per EXIF orientation `orientation` (as the
// worker's loader turns it).
cv::Mat upright(const cv::Mat& stored, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(stored, out, 1); break;
    case 3: cv::rotate(stored, out, cv::ROTATE_180); break;
    case 4: cv::flip(stored, out, 0); break;
    case 5: cv::transpose(stored, out); break;
    case 6: cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7: cv::transpose(stored, out); cv::rotate(out, out, cv::ROTATE_180); break;
    case 8: cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: out = stored; break;
  }
  return out;
}

// Whether an item's rotation turns it a quarter (its size as stored, the
// ispe box, is its displayed size transposed).
bool turned(heif_image_handle* handle) {
  const int w = heif_image_handle_get_width(handle), h = heif_image_handle_get_height(handle);
  return w != h && heif_image_handle_get_ispe_width(handle) == h && heif_image_handle_get_ispe_height(handle) == w;
}

// A HEIF or AVIF image's thumbnail item, decoded (libheif applies its
// rotation and mirroring); empty when it has none of usable size, or none
// that shows the picture the way the image does (a writer may give the
// image its rotation and leave the thumbnail without it; the aspect
// check catches the same for an image whose size tells nothing).
Expected<cv::Mat> heif_thumbnail(const std::string& path) {
  use_ffmpeg_for_heif();
  auto primary = open_heif(path);
  if (!primary) return Error{path + ": " + primary.error().message};
  heif_image_handle* handle = primary.value().handle.get();
  const int count = heif_image_handle_get_number_of_thumbnails(handle);
  if (count <= 0) return cv::Mat();
  std::vector<heif_item_id> ids(static_cast<size_t>(count));
  heif_image_handle_get_list_of_thumbnail_IDs(handle, ids.data(), count);
  for (heif_item_id id : ids) {
    heif_image_handle* raw_thumb = nullptr;
    if (heif_image_handle_get_thumbnail(handle, id, &raw_thumb).code != heif_error_Ok) continue;
    HeifHandlePtr thumb(raw_thumb);
    const int w = heif_image_handle_get_width(thumb.get());
    const int h = heif_image_handle_get_height(thumb.get());
    if (std::max(w, h) < k_min_thumbnail || turned(thumb.get()) != turned(handle)) continue;
    const double aspect = static_cast<double>(w) / h;
    const double image_aspect = static_cast<double>(heif_image_handle_get_width(handle)) /
                                heif_image_handle_get_height(handle);
    if (std::abs(aspect / image_aspect - 1) > 0.03) continue;
    heif_image* raw_image = nullptr;
    if (heif_decode_image(thumb.get(), &raw_image, heif_colorspace_RGB, heif_chroma_interleaved_RGB, nullptr).code !=
        heif_error_Ok)
      continue;
    HeifImagePtr image(raw_image);
    int stride = 0;
    const uint8_t* plane = heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
    if (!plane) continue;
    cv::Mat rgb(h, w, CV_8UC3, const_cast<uint8_t*>(plane), static_cast<size_t>(stride));
    cv::Mat grey;
    cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
    cv::Mat scaled;
    cv::resize(grey, scaled, detect_size(w, h), 0, 0, cv::INTER_AREA);
    return scaled;
  }
  return cv::Mat();
}

// The photo as an upright grey copy, its longer side at most k_detect_size.
Expected<cv::Mat> small_copy(const std::string& path, const ImageInfo& image) {
  if (image.format == ImageFormat::k_heif || image.format == ImageFormat::k_avif) {
    Expected<cv::Mat> thumbnail = heif_thumbnail(path);
    if (!thumbnail) return thumbnail.error();
    if (!thumbnail.value().empty()) return thumbnail;
  }
  const cv::Size stored = detect_size(image.stored_width, image.stored_height);
  DecodeHint hint{(stored.width + 1) / 2, (stored.height + 1) / 2, 3};
  Expected<DecodedImage> decoded = decode_image(path, image, hint);
  if (!decoded) return decoded.error();
  Expected<cv::Mat> grey = grey_copy(*decoded.value().frame, stored, path);
  if (!grey) return grey.error();
  return upright(grey.value(), image.orientation);
}

// The grey copy, its longer side k_thumbnail_size, as a JPEG written by
// libavcodec (OpenCV's own writer would bring its image codecs, over a
// hundred more libraries, into chunkreel). Empty when it cannot be made:
// the report then draws on a plain ground.
std::string thumbnail(const cv::Mat& grey) {
  const double scale = std::min(1.0, static_cast<double>(k_thumbnail_size) / std::max(grey.cols, grey.rows));
  // Even sides, for 4:2:0.
  const int w = std::max(2, static_cast<int>(std::lround(grey.cols * scale / 2)) * 2);
  const int h = std::max(2, static_cast<int>(std::lround(grey.rows * scale / 2)) * 2);
  cv::Mat small;
  cv::resize(grey, small, cv::Size(w, h), 0, 0, cv::INTER_AREA);
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  CodecContextPtr encoder(codec ? avcodec_alloc_context3(codec) : nullptr);
  FramePtr frame = make_frame();
  PacketPtr packet = make_packet();
  if (!encoder || !frame || !packet) return {};
  encoder->width = w;
  encoder->height = h;
  encoder->pix_fmt = AV_PIX_FMT_YUVJ420P;
  encoder->time_base = AVRational{1, 1};
  encoder->flags |= AV_CODEC_FLAG_QSCALE;
  encoder->global_quality = FF_QP2LAMBDA * 4;
  if (avcodec_open2(encoder.get(), codec, nullptr) < 0) return {};
  frame->width = w;
  frame->height = h;
  frame->format = AV_PIX_FMT_YUVJ420P;
  frame->quality = encoder->global_quality;
  if (av_frame_get_buffer(frame.get(), 0) < 0) return {};
  for (int y = 0; y < h; ++y) std::memcpy(frame->data[0] + y * frame->linesize[0], small.ptr(y), w);
  for (int p = 1; p <= 2; ++p)
    for (int y = 0; y < h / 2; ++y) std::memset(frame->data[p] + y * frame->linesize[p], 128, w / 2);
  if (avcodec_send_frame(encoder.get(), frame.get()) < 0 || avcodec_send_frame(encoder.get(), nullptr) < 0 ||
      avcodec_receive_packet(encoder.get(), packet.get()) < 0)
    return {};
  return std::string(reinterpret_cast<const char*>(packet->data), static_cast<size_t>(packet->size));
}

}  // namespace

struct SubjectFinder::Impl {
  cv::CascadeClassifier faces;
};

std::string subject_finder_version() {
  return fmt::format("method {}; {}; OpenCV {}; {} px", k_method_version, CHUNKREEL_FACE_CASCADE,
                     CV_VERSION, k_detect_size);
}

Expected<SubjectFinder> SubjectFinder::open() {
  // Photos are found side by side by the caller; one thread each keeps the
  // cascade's results in one order.
  static std::once_flag once;
  std::call_once(once, [] { cv::setNumThreads(1); });
  auto impl = std::make_unique<Impl>();
  if (!impl->faces.load(CHUNKREEL_FACE_CASCADE))
    return Error{fmt::format("cannot load the face detector's cascade {} (package opencv-data)",
                             CHUNKREEL_FACE_CASCADE)};
  return SubjectFinder(std::move(impl));
}

SubjectFinder::SubjectFinder(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SubjectFinder::SubjectFinder(SubjectFinder&&) noexcept = default;
SubjectFinder& SubjectFinder::operator=(SubjectFinder&&) noexcept = default;
SubjectFinder::~SubjectFinder() = default;

Expected<FoundSubjects> SubjectFinder::find(const std::string& path, const ImageInfo& image) {
  Expected<cv::Mat> copy = small_copy(path, image);
  if (!copy) return copy.error();
  const cv::Mat& grey = copy.value();
  cv::Mat equalised;
  cv::equalizeHist(grey, equalised);
  std::vector<cv::Rect> found;
  m_impl->faces.detectMultiScale(equalised, found, k_scale_step, k_min_neighbours, 0,
                                
                                 cv::Size(k_min_face, k_min_face));
  // Largest first; position breaks ties, so the order never depends on
  // the order the detector grouped them in.
  std::sort(found.begin(), found.end(), [](const cv::Rect& a, const cv::Rect& b) {
    return std::make_tuple(-a.area(), a.y, a.x) < std::make_tuple(-b.area(), b.y, b.x);
  });
  Subjects subjects;
  const double w = grey.cols, h = grey.rows;
  for (const cv::Rect& r : found) subjects.faces.push_back(Box{r.x / w, r.y / h, r.width / w, r.height / h});
  if (subjects.faces.empty()) subjects.salient = salient_region(grey);
  FoundSubjects result{subjects, thumbnail(grey)};
  return result;
}

}  // namespace chunkreel
