// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON Schema of shows (common/show.schema.json), judged by a validator
// chunkreel's authors did not write (python3-jsonschema, through
// scripts/validate-shows), against chunkreel's own reading of the same
// shows: the README's and docs' examples, every show the suite writes, the
// fuzz corpus, thousands of mutations of them, and hand-made bad shows.
//
// The two must agree, with one kind of exception in one direction: a rule
// that compares two values (a slide's length with its transitions, a
// caption's start with its end or its slide, a clip's out with its in, a ratio's value) is beyond what a schema can say, so chunkreel
// may refuse a show the schema takes, but only with one of those messages.
// A show the schema refuses, chunkreel always refuses.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/timeline_json.h"
#include "tests/test_support.h"

using namespace chunkreel;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Verdict {
  bool ok = false;
  std::string message;
};

// The schema's verdict on each show, from one run of the validator.
std::vector<Verdict> schema_verdicts(const std::vector<json>& shows) {
  test::TempDir dir;
  {
    std::ofstream lines(dir / "shows.jsonl");
    for (const json& show : shows) lines << show.dump() << "\n";
  }
  auto result = test::run(test::quote(test::source_path("scripts/validate-shows")) + " --lines < " +
                          test::quote(dir / "shows.jsonl") + " 2>&1");
  REQUIRE((result.exit_code == 0 || result.exit_code == 1));
  std::vector<Verdict> verdicts;
  std::istringstream out(result.output);
  std::string line;
  while (std::getline(out, line)) verdicts.push_back({line == "ok", line});
  REQUIRE(verdicts.size() == shows.size());
  return verdicts;
}

Verdict chunkreel_verdict(const json& show) {
  auto timeline = parse_timeline(show.dump(), "/shows/show.json");
  return {timeline.ok(), timeline.ok() ? "" : timeline.error().message};
}

// The rules that compare two values, which no JSON Schema can state.
bool beyond_a_schema(const std::string& message) {
  for (const char* rule : {"the transitions into and out of", "not inside the slide's", "after the slide's",
                           "must be later than start", "must be after in", "must lie inside the photo"})
    if (message.find(rule) != std::string::npos) return true;
  const bool ratio = message.find(": output.fps: ") != std::string::npos;
  return ratio && (message.find("must be positive") != std::string::npos ||
                   message.find("must be at most 240") != std::string::npos ||
                   message.find("must be at least 1") != std::string::npos ||
                   message.find("numerator") != std::string::npos);
}

// Every ```json block of a Markdown file that is a show.
std::vector<json> examples_in(const std::string& path) {
  std::vector<json> shows;
  std::istringstream text(test::read_text(path));
  std::string line, block;
  bool inside = false;
  while (std::getline(text, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      json show = json::parse(block, nullptr, false);
      if (show.is_object() && show.contains("slides")) shows.push_back(show);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return shows;
}

std::vector<std::string> documentation() {
  std::vector<std::string> files = {test::source_path("README.md")};
  for (const auto& entry : fs::directory_iterator(test::source_path("docs")))
    if (entry.path().extension() == ".md") files.push_back(entry.path().string());
  return files;
}

// Every show the suite writes inline: the raw string literals of its
// sources that parse as JSON objects with slides.
std::vector<json> suite_shows() {
  std::vector<json> shows;
  for (const auto& entry : fs::recursive_directory_iterator(test::source_path("tests"))) {
    if (entry.path().extension() != ".cc") continue;
    const std::string source = test::read_text(entry.path().string());
    for (size_t at = source.find("R\""); at != std::string::npos; at = source.find("R\"", at + 2)) {
      const size_t open = source.find('(', at);
      if (open == std::string::npos || open - at > 18) continue;
      std::string end = ")";
      end.append(source, at + 2, open - at - 2).push_back('"');
      const size_t close = source.find(end, open);
      if (close == std::string::npos) continue;
      json show = json::parse(source.substr(open + 1, close - open - 1), nullptr, false);
      if (show.is_object() && show.contains("slides")) shows.push_back(show);
    }
  }
  return shows;
}

std::vector<json> corpus() {
  std::vector<json> shows;
  for (const auto& entry : fs::directory_iterator(test::source_path("tests/fuzz/corpus")))
    shows.push_back(json::parse(test::read_text(entry.path().string())));
  return shows;
}

// Each mutation of `show`: every key removed, an unknown key added to every
// object, and every value (leaf or subtree) replaced by each of a set of
// values of every type, in and out of every range.
void mutate(const json& show, std::vector<json>* out) {
  static const std::vector<json> replacements = {
      nullptr, true, -1, 0, 0.5, 1, 2, 3.5, 17, 30.0, 1e7, "", " ", "x", "auto", "#12345g", "#123456", "#12345678",
      "30000/1001", "0/1", json::array(), json::object(), json::array({0.5, 0.5}), json::array({2, 0.5})};
  const json flat = show.flatten();
  std::vector<json::json_pointer> pointers;
  for (auto it = flat.begin(); it != flat.end(); ++it) {
    // Every ancestor of every leaf, once.
    for (json::json_pointer p(it.key()); !p.empty(); p = p.parent_pointer())
      if (std::find(pointers.begin(), pointers.end(), p) == pointers.end()) pointers.push_back(p);
  }
  for (const auto& pointer : pointers) {
    const json::json_pointer parent = pointer.parent_pointer();
    if (show.at(parent).is_object()) {
      json removed = show;
      removed.at(parent).erase(pointer.back());
      out->push_back(removed);
    }
    for (const json& value : replacements) {
      json replaced = show;
      replaced.at(pointer) = value;
      out->push_back(replaced);
    }
    if (show.at(pointer).is_object()) {
      json extra = show;
      extra.at(pointer)["colour"] = 1;
      out->push_back(extra);
    }
  }
  json extra = show;
  extra["slide"] = json::array();
  out->push_back(extra);
}

// Shows written to be wrong in ways a reader would be.
std::vector<json> hand_made_bad_shows() {
  const std::vector<const char*> texts = {
      R"({"slides": [{"image": "a.jpg"}]})",
      R"({"version": 1})",
      R"({"version": 1, "slides": []})",
      R"({"version": "1", "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "color": "#000000"}]})",
      R"({"version": 1, "slides": [{"duration": 3}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "fit": "fill"}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "motion": "ken-burns"}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "motion": {"from": {"zoom": 0}}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "motion": {"to": {"center": [0.5]}}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "transition": {"type": "dissolve"}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "caption": ""}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "caption": {"text": "hi", "size": 0}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "caption": {"text": "hi", "position": "left"}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "caption": {"text": "hi", "color": "red"}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "caption": {"text": "hi", "outline": {"width": 0.6}}}]})",
      R"({"version": 1, "output": {"width": 1921}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "output": {"fps": 0}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "output": {"fps": "thirty"}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "output": {"video": {"preset": "fastest"}}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "output": {"video": {"crf": 52}}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "output": {"background": "#fff"}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": {"file": "m.mp3"}})",
      R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": [{"start": 1}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": [{"file": "m.mp3", "volume": 11}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg"}], "audio": [{"file": "m.mp3", "loop": "yes"}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg"}], "music": "m.mp3"})",
      R"({"version": 1, "defaults": {"caption": " "}, "slides": [{"image": "a.jpg"}]})",
      R"({"version": 1, "defaults": {"caption": "hello"}, "slides": [{"image": "a.jpg", "caption": {}}]})",
      R"({"version": 1, "defaults": {"caption": {"text": "hi"}}, "slides": [{"image": "a.jpg", "caption": {}}]})",
      R"({"version": 1, "slides": [{"image": "a.jpg", "caption": {"size": 0.1}}]})",
  };
  std::vector<json> shows;
  for (const char* text : texts) shows.push_back(json::parse(text));
  return shows;
}

// Holds every show to the two verdicts' agreement; returns how many each
// side refused, for the caller to check the shows were not all alike.
std::pair<int, int> check_agreement(const std::vector<json>& shows) {
  const std::vector<Verdict> schema = schema_verdicts(shows);
  int schema_refused = 0, only_chunkreel_refused = 0;
  for (size_t i = 0; i < shows.size(); ++i) {
    const Verdict ours = chunkreel_verdict(shows[i]);
    INFO(shows[i].dump() << "\nschema: " << schema[i].message << "\nchunkreel: " << ours.message);
    if (!schema[i].ok) {
      ++schema_refused;
      CHECK_FALSE(ours.ok);
    } else if (!ours.ok) {
      ++only_chunkreel_refused;
      CHECK(beyond_a_schema(ours.message));
    }
  }
  return {schema_refused, only_chunkreel_refused};
}

}  // namespace

TEST_CASE("the schema is a valid draft 2020-12 schema, and every example in the README and docs/ is a valid show") {
  std::vector<json> examples;
  for (const std::string& file : documentation()) {
    const std::vector<json> found = examples_in(file);
    examples.insert(examples.end(), found.begin(), found.end());
  }
  REQUIRE(examples.size() >= 2);
  const std::vector<Verdict> verdicts = schema_verdicts(examples);
  for (size_t i = 0; i < examples.size(); ++i) {
    INFO(examples[i].dump() << "\n" << verdicts[i].message);
    CHECK(verdicts[i].ok);
    CHECK(chunkreel_verdict(examples[i]).ok);
  }
}

TEST_CASE("the schema and chunkreel agree on every show the suite writes and on the fuzz corpus") {
  std::vector<json> shows = suite_shows();
  REQUIRE(shows.size() > 20);
  const std::vector<json> seeds = corpus();
  shows.insert(shows.end(), seeds.begin(), seeds.end());
  const auto [schema_refused, only_ours] = check_agreement(shows);
  CHECK(schema_refused > 0);  // the suite's bad shows are among them
  CHECK(schema_refused + only_ours < static_cast<int>(shows.size()));
}

TEST_CASE("the schema and chunkreel agree on thousands of mutations of the corpus and the examples") {
  std::vector<json> bases = corpus();
  for (const std::string& file : documentation()) {
    const std::vector<json> found = examples_in(file);
    bases.insert(bases.end(), found.begin(), found.end());
  }
  std::vector<json> shows;
  for (const json& base : bases) mutate(base, &shows);
  REQUIRE(shows.size() > 2000);
  const auto [schema_refused, only_ours] = check_agreement(shows);
  // Most mutations break the show, some do not, and a few break only what
  // a schema cannot see.
  CHECK(schema_refused > static_cast<int>(shows.size()) / 2);
  CHECK(schema_refused < static_cast<int>(shows.size()));
  CHECK(only_ours > 0);
}

TEST_CASE("hand-made bad shows are refused by both the schema and chunkreel") {
  const std::vector<json> shows = hand_made_bad_shows();
  const std::vector<Verdict> schema = schema_verdicts(shows);
  for (size_t i = 0; i < shows.size(); ++i) {
    INFO(shows[i].dump());
    CHECK_FALSE(schema[i].ok);
    CHECK_FALSE(chunkreel_verdict(shows[i]).ok);
  }
}

TEST_CASE("a show may name its schema with $schema, as editors expect") {
  const json show = json::parse(R"({"$schema": "file:///usr/share/chunkreel/show.schema.json", "version": 1,
                                    "slides": [{"image": "a.jpg"}]})");
  CHECK(schema_verdicts({show})[0].ok);
  CHECK(chunkreel_verdict(show).ok);
}

TEST_CASE("every example in the README and docs/ renders, with stand-in photos and music") {
  for (const std::string& file : documentation()) {
    for (json show : examples_in(file)) {
      INFO(file << ": " << show.dump());
      test::TempDir dir;
      // Stand-ins for the files it names, and a small output to keep it quick.
      for (const json& slide : show["slides"])
        if (slide.contains("image")) {
          fs::create_directories(fs::path(dir / slide["image"].get<std::string>()).parent_path());
          test::make_photo(dir / slide["image"].get<std::string>(), "640x480");
        } else if (slide.contains("video")) {
          const std::string clip = dir / slide["video"].get<std::string>();
          fs::create_directories(fs::path(clip).parent_path());
          REQUIRE(test::run("ffmpeg -v error -f lavfi -i testsrc2=s=320x240:r=30:d=20 -f lavfi -i "
                            "sine=frequency=660:duration=20 -c:v libx264 -pix_fmt yuv420p -c:a aac -y " +
                            test::quote(clip))
                      .exit_code == 0);
        }
      for (const json& track : show.value("audio", json::array())) {
        const std::string music = dir / track["file"].get<std::string>();
        fs::create_directories(fs::path(music).parent_path());
        REQUIRE(test::run("ffmpeg -v error -f lavfi -i sine=frequency=440:duration=4 -y " + test::quote(music))
                    .exit_code == 0);
      }
      show["output"]["width"] = 320;
      show["output"]["height"] = 180;
      test::write_text(dir / "show.json", show.dump(2));
      auto result = test::run(test::quote(test::chunkreel_path()) + " render " + test::quote(dir / "show.json") +
                              " -o " + test::quote(dir / "show.mp4") + " --quiet 2>&1");
      INFO(result.output);
      CHECK(result.exit_code == 0);
      CHECK(fs::exists(dir / "show.mp4"));
    }
  }
}
