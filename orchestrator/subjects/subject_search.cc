// SPDX-License-Identifier: GPL-2.0-or-later
#include "orchestrator/subjects/subject_search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "orchestrator/subjects/subject_finder.h"

namespace chunkreel {

Expected<SubjectSearch> search_subjects(const std::vector<PhotoToSearch>& photos, int threads,
                                        const std::optional<SubjectCache>& cache) {
  const auto start = std::chrono::steady_clock::now();
  SubjectSearch search;
  search.subjects.resize(photos.size());
  search.thumbnails.resize(photos.size());
  if (photos.empty()) return search;

  std::atomic<size_t> next{0};
  std::atomic<int> found{0}, from_cache{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards `failure` and `cache_problem`
  std::optional<Error> failure;
  std::string cache_problem;
  // The first error ends the search: the other threads stop at their next photo.
  auto fail = [&](const Error& error) {
    std::lock_guard lock(mutex);
    if (!failure) failure = error;
    failed = true;
  };
  auto work = [&] {
    std::optional<SubjectFinder> finder;
    for (size_t i = next++; i < photos.size() && !failed; i = next++) {
      const PhotoToSearch& photo = photos[i];
      std::string key;
      if (cache) {
        Expected<std::string> k = SubjectCache::key_of(photo.path);
        if (!k) return fail(k.error());
        key = k.value();
        if (std::optional<FoundSubjects> known = cache->read(key)) {
          search.subjects[i] = known->subjects;
          search.thumbnails[i] = known->thumbnail_jpeg;
          ++from_cache;
          continue;
        }
      }
      if (!finder) {
        Expected<SubjectFinder> opened = SubjectFinder::open();
        if (!opened) return fail(opened.error());
        finder.emplace(std::move(opened.value()));
      }
      Expected<FoundSubjects> result = finder->find(photo.path, photo.image);
      if (!result) return fail(result.error());
      ++found;
      search.subjects[i] = result.value().subjects;
      search.thumbnails[i] = result.value().thumbnail_jpeg;
      if (cache) {
        Expected<void> kept = cache->write(key, result.value());
        std::lock_guard lock(mutex);
        if (!kept && cache_problem.empty()) cache_problem = kept.error().message;
      }
    }
  };
  const int count = std::clamp(threads, 1, static_cast<int>(photos.size()));
  std::vector<std::thread> pool;
  for (int t = 1; t < count; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
  if (failure) return *failure;
  search.found = found;
  search.from_cache = from_cache;
  if (!cache_problem.empty())
    search.warnings.push_back("the cache of faces found is not kept: " + cache_problem);
  search.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return search;
}

}  // namespace chunkreel
