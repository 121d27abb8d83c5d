// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/filter_graph.h"

namespace chunkreel {

Expected<void> build_linear_graph(AVFilterGraph* graph, const char* source, const std::string& source_args,
                                  const std::string& description, const char* sink, AVFilterContext** in,
                                  AVFilterContext** out) {
  int rc = avfilter_graph_create_filter(in, avfilter_get_by_name(source), "in", source_args.c_str(), nullptr, graph);
  if (rc < 0) return Error{"cannot make a filter source: " + av_error_text(rc)};
  rc = avfilter_graph_create_filter(out, avfilter_get_by_name(sink), "out", nullptr, nullptr, graph);
  if (rc < 0) return Error{"cannot make a filter sink: " + av_error_text(rc)};
  FilterInOutPtr outputs(avfilter_inout_alloc());
  FilterInOutPtr inputs(avfilter_inout_alloc());
  if (!outputs || !inputs) return Error{"out of memory for a filter graph"};
  outputs->name = av_strdup("in");
  outputs->filter_ctx = *in;
  inputs->name = av_strdup("out");
  inputs->filter_ctx = *out;
  AVFilterInOut* in_list = inputs.release();
  AVFilterInOut* out_list = outputs.release();
  // The lists come back holding what the description left unlinked.
  rc = avfilter_graph_parse_ptr(graph, description.c_str(), &in_list, &out_list, nullptr);
  FilterInOutPtr left_in(in_list), left_out(out_list);
  if (rc < 0) return Error{"cannot build the filters '" + description + "': " + av_error_text(rc)};
  rc = avfilter_graph_config(graph, nullptr);
  if (rc < 0) return Error{"cannot set up the filters '" + description + "': " + av_error_text(rc)};
  return {};
}

}  // namespace chunkreel
