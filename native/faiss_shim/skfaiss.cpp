// SkEmbeddingGemma FAISS shim. Our own extern "C" surface over FAISS's C++ API (not FAISS's c_api sources).
// Every entry point catches all C++ exceptions and turns them into an error code plus a thread-local message.

#include "skfaiss.h"

#include <faiss/Index.h>
#include <faiss/IndexBinaryFlat.h>
#include <faiss/IndexBinaryHNSW.h>
#include <faiss/IndexBinaryIVF.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/InvertedLists.h>
#include <faiss/invlists/OnDiskInvertedLists.h>
#include <faiss/utils/distances.h>

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <numeric>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <cstdlib>
#include <mutex>

extern "C" {
// From the statically linked OpenBLAS.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace {

thread_local std::string g_last_error;

// One thread pool: OpenMP (FAISS). See skf_set_blas_threads. Run on first use, not from a load-time constructor:
// OpenBLAS's own initialization must have run first.
std::once_flag g_blas_once;

void configure_blas_once() {
    std::call_once(g_blas_once, [] {
        if (std::getenv("OPENBLAS_NUM_THREADS") == nullptr) {
            openblas_set_num_threads(1);
        }
    });
}

void set_error(const char* message) {
    g_last_error = message != nullptr ? message : "unknown error";
}

faiss::Index* as_index(skf_index* index) {
    return reinterpret_cast<faiss::Index*>(index);
}

const faiss::Index* as_index(const skf_index* index) {
    return reinterpret_cast<const faiss::Index*>(index);
}

struct ArgumentError : std::exception {
    std::string message;
    explicit ArgumentError(std::string m) : message(std::move(m)) {}
    const char* what() const noexcept override {
        return message.c_str();
    }
};

void require(bool condition, const char* message) {
    if (!condition) {
        throw ArgumentError(message);
    }
}

// The HNSW index itself, inside an IDMap wrapper or not; HNSW parameters live there.
faiss::IndexHNSW* as_hnsw(skf_index* index) {
    faiss::Index* idx = as_index(index);
    if (auto* map = dynamic_cast<faiss::IndexIDMap*>(idx)) {
        idx = map->index;
    }
    auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(idx);
    require(hnsw != nullptr, "not an HNSW index");
    return hnsw;
}

// The selector an skf_search/skfb_search call asks for: none, the listed ids, or all ids but those.
struct CallSelector {
    std::unique_ptr<faiss::IDSelector> base;
    std::unique_ptr<faiss::IDSelector> negated;
    const faiss::IDSelector* sel = nullptr;
    bool include_list = false;
    CallSelector(const int64_t* ids, int64_t count, int32_t exclude) {
        if (ids == nullptr) {
            return;
        }
        base = std::make_unique<faiss::IDSelectorBatch>(
                static_cast<size_t>(count), reinterpret_cast<const faiss::Index::idx_t*>(ids));
        sel = base.get();
        include_list = exclude == 0;
        if (!include_list) {
            negated = std::make_unique<faiss::IDSelectorNot>(base.get());
            sel = negated.get();
        }
    }
};

// Selector over the positions of an IndexIDMap's sub-index that tests the external id at that position.
// (FAISS 1.7.3's IndexIDMap rejects search parameters; 1.7.4 added the same idea as IDSelectorTranslated.)
struct PositionSelector final : faiss::IDSelector {
    const std::vector<faiss::Index::idx_t>& id_map;
    const faiss::IDSelector& inner;
    PositionSelector(const std::vector<faiss::Index::idx_t>& map, const faiss::IDSelector& sel)
            : id_map(map), inner(sel) {}
    bool is_member(idx_t position) const override {
        return position >= 0 && static_cast<size_t>(position) < id_map.size() && inner.is_member(id_map[position]);
    }
};

bool is_hnsw(const faiss::Index* index) {
    return dynamic_cast<const faiss::IndexHNSW*>(index) != nullptr;
}

// Whether FAISS 1.7.3 honours SearchParameters::sel for this (unwrapped) index type.
bool honours_selector(const faiss::Index* index) {
    return dynamic_cast<const faiss::IndexIVF*>(index) != nullptr ||
            dynamic_cast<const faiss::IndexFlat*>(index) != nullptr ||
            dynamic_cast<const faiss::IndexHNSW*>(index) != nullptr;
}

std::unique_ptr<faiss::SearchParameters> make_params(const faiss::Index* index, int32_t ef_search, int32_t nprobe) {
    if (const auto* hnsw = dynamic_cast<const faiss::IndexHNSW*>(index)) {
        auto p = std::make_unique<faiss::SearchParametersHNSW>();
        p->efSearch = ef_search > 0 ? ef_search : hnsw->hnsw.efSearch;
        return p;
    }
    if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(index)) {
        auto p = std::make_unique<faiss::SearchParametersIVF>();
        p->nprobe = nprobe > 0 ? static_cast<size_t>(nprobe) : ivf->nprobe;
        return p;
    }
    return std::make_unique<faiss::SearchParameters>();
}

// Exact search restricted to the given positions of `index` (used for HNSW, whose graph walk can miss members of a
// selective filter): reconstructs each candidate and ranks it by the index metric.
void exact_search_positions(
        const faiss::Index* index, int64_t n, const float* x, int64_t k, float* distances, int64_t* labels,
        const std::vector<faiss::Index::idx_t>& positions) {
    const size_t d = static_cast<size_t>(index->d);
    const bool l2 = index->metric_type == faiss::METRIC_L2;
    std::vector<float> vectors(positions.size() * d);
    for (size_t i = 0; i < positions.size(); i++) {
        index->reconstruct(positions[i], vectors.data() + i * d);
    }
    std::vector<std::pair<float, faiss::Index::idx_t>> scored(positions.size());
    for (int64_t q = 0; q < n; q++) {
        const float* query = x + q * d;
        for (size_t i = 0; i < positions.size(); i++) {
            const float* v = vectors.data() + i * d;
            scored[i] = {l2 ? faiss::fvec_L2sqr(query, v, d) : faiss::fvec_inner_product(query, v, d), positions[i]};
        }
        const size_t take = std::min<size_t>(static_cast<size_t>(k), scored.size());
        std::partial_sort(scored.begin(), scored.begin() + take, scored.end(), [l2](const auto& a, const auto& b) {
            return l2 ? (a.first < b.first || (a.first == b.first && a.second < b.second))
                      : (a.first > b.first || (a.first == b.first && a.second < b.second));
        });
        for (int64_t j = 0; j < k; j++) {
            if (static_cast<size_t>(j) < take) {
                distances[q * k + j] = scored[j].first;
                labels[q * k + j] = scored[j].second;
            } else {
                distances[q * k + j] = l2 ? std::numeric_limits<float>::max() : -std::numeric_limits<float>::max();
                labels[q * k + j] = -1;
            }
        }
    }
}

// Searches `index` (never an IDMap) honouring `sel`; for index types that ignore selectors, searches wider and
// filters afterwards until k members are found or the whole index was searched.
void search_with_selector(
        const faiss::Index* index, int64_t n, const float* x, int64_t k, float* distances, int64_t* labels,
        const faiss::IDSelector* sel, int64_t include_count, int32_t ef_search, int32_t nprobe) {
    auto params = make_params(index, ef_search, nprobe);
    if (sel != nullptr && is_hnsw(index) && include_count >= 0) {
        // A graph walk restricted to a small subset misses members: rank a small subset exactly instead.
        const int64_t ntotal = index->ntotal;
        if (include_count <= 4096 || include_count * 10 <= ntotal) {
            std::vector<faiss::Index::idx_t> positions;
            positions.reserve(static_cast<size_t>(std::min(include_count, ntotal)));
            for (faiss::Index::idx_t i = 0; i < ntotal; i++) {
                if (sel->is_member(i)) {
                    positions.push_back(i);
                }
            }
            exact_search_positions(index, n, x, k, distances, labels, positions);
            return;
        }
    }
    if (sel == nullptr || honours_selector(index)) {
        params->sel = const_cast<faiss::IDSelector*>(sel);
        index->search(n, x, k, distances, labels, params.get());
        return;
    }
    const int64_t ntotal = index->ntotal;
    std::fill(distances, distances + n * k, index->metric_type == faiss::METRIC_L2
            ? std::numeric_limits<float>::max() : -std::numeric_limits<float>::max());
    std::fill(labels, labels + n * k, int64_t{-1});
    for (int64_t q = 0; q < n; q++) {
        int64_t wide = std::min<int64_t>(ntotal, std::max<int64_t>(k * 4, 64));
        while (true) {
            std::vector<float> d(wide);
            std::vector<faiss::Index::idx_t> l(wide);
            index->search(1, x + q * index->d, wide, d.data(), l.data(), params.get());
            int64_t found = 0;
            for (int64_t j = 0; j < wide && found < k; j++) {
                if (l[j] >= 0 && sel->is_member(l[j])) {
                    distances[q * k + found] = d[j];
                    labels[q * k + found] = l[j];
                    found++;
                }
            }
            if (found == k || wide >= ntotal) {
                break;
            }
            wide = std::min<int64_t>(ntotal, wide * 4);
        }
    }
}

}  // namespace

#define SKF_TRY try {
#define SKF_CATCH                                   \
    }                                               \
    catch (const faiss::FaissException& e) {        \
        set_error(e.what());                        \
        return SKF_ERR_FAISS;                       \
    }                                               \
    catch (const ArgumentError& e) {                \
        set_error(e.what());                        \
        return SKF_ERR_ARGUMENT;                    \
    }                                               \
    catch (const std::bad_alloc& e) {               \
        set_error("out of memory");                 \
        return SKF_ERR_BAD_ALLOC;                   \
    }                                               \
    catch (const std::exception& e) {               \
        set_error(e.what());                        \
        return SKF_ERR_STD;                         \
    }                                               \
    catch (...) {                                   \
        set_error("unknown native exception");      \
        return SKF_ERR_UNKNOWN;                     \
    }                                               \
    return SKF_OK;

extern "C" {

const char* skf_last_error(void) {
    return g_last_error.c_str();
}

int skf_version(int* major, int* minor, int* patch) {
    SKF_TRY
    require(major != nullptr && minor != nullptr && patch != nullptr, "null output pointer");
    *major = FAISS_VERSION_MAJOR;
    *minor = FAISS_VERSION_MINOR;
    *patch = FAISS_VERSION_PATCH;
    SKF_CATCH
}

int skf_index_factory(int32_t d, const char* description, int32_t metric, skf_index** out) {
    SKF_TRY
    configure_blas_once();
    require(out != nullptr && description != nullptr, "null argument");
    require(d > 0, "dimension must be positive");
    require(metric == SKF_METRIC_INNER_PRODUCT || metric == SKF_METRIC_L2, "unknown metric");
    *out = nullptr;
    faiss::Index* index = faiss::index_factory(
            d, description, metric == SKF_METRIC_L2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT);
    *out = reinterpret_cast<skf_index*>(index);
    SKF_CATCH
}

void skf_free(skf_index* index) {
    try {
        delete as_index(index);
    } catch (...) {
    }
}

int skf_dimension(const skf_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = static_cast<int32_t>(as_index(index)->d);
    SKF_CATCH
}

int skf_metric(const skf_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    auto m = as_index(index)->metric_type;
    require(m == faiss::METRIC_L2 || m == faiss::METRIC_INNER_PRODUCT, "unsupported metric in index");
    *out = m == faiss::METRIC_L2 ? SKF_METRIC_L2 : SKF_METRIC_INNER_PRODUCT;
    SKF_CATCH
}

int skf_ntotal(const skf_index* index, int64_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = as_index(index)->ntotal;
    SKF_CATCH
}

int skf_is_trained(const skf_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = as_index(index)->is_trained ? 1 : 0;
    SKF_CATCH
}

int skf_train(skf_index* index, int64_t n, const float* x) {
    SKF_TRY
    configure_blas_once();
    require(index != nullptr && (x != nullptr || n == 0) && n >= 0, "invalid argument");
    as_index(index)->train(n, x);
    SKF_CATCH
}

namespace {

// IndexIVF::add_with_ids and remove_ids change the lists inside OpenMP parallel regions, where a FAISS exception
// (OnDiskInvertedLists failing to grow its file: disk full, folder gone) terminates the process instead of reaching
// SKF_CATCH. For on-disk lists the shim therefore does the list changes on this thread; only the coarse assignment
// (no file I/O) runs in parallel. The logic is FAISS's own (IndexIVF::add_core, DirectMap::remove_ids without a map).
void ondisk_add(faiss::IndexIVF* ivf, int64_t n, const float* x, const faiss::Index::idx_t* ids) {
    require(ivf->is_trained, "the IVF index is not trained");
    require(ivf->direct_map.type == faiss::DirectMap::NoMap, "on-disk IVF lists need an index without a direct map");
    std::vector<faiss::Index::idx_t> lists(static_cast<size_t>(n));
    ivf->quantizer->assign(n, x, lists.data());
    std::vector<uint8_t> codes(static_cast<size_t>(n) * ivf->code_size);
    ivf->encode_vectors(n, x, lists.data(), codes.data());
    std::vector<size_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lists[a] < lists[b]; });
    std::vector<faiss::Index::idx_t> batch_ids;
    std::vector<uint8_t> batch_codes;
    for (size_t start = 0; start < order.size();) {
        faiss::Index::idx_t list = lists[order[start]];
        size_t end = start;
        batch_ids.clear();
        batch_codes.clear();
        for (; end < order.size() && lists[order[end]] == list; end++) {
            batch_ids.push_back(ids[order[end]]);
            const uint8_t* code = codes.data() + order[end] * ivf->code_size;
            batch_codes.insert(batch_codes.end(), code, code + ivf->code_size);
        }
        if (list >= 0) {
            ivf->invlists->add_entries(list, batch_ids.size(), batch_ids.data(), batch_codes.data());
            ivf->ntotal += static_cast<faiss::Index::idx_t>(batch_ids.size());
        }
        start = end;
    }
}

size_t ondisk_remove(faiss::IndexIVF* ivf, const faiss::IDSelector& sel) {
    require(ivf->direct_map.type == faiss::DirectMap::NoMap, "on-disk IVF lists need an index without a direct map");
    faiss::InvertedLists* invlists = ivf->invlists;
    size_t removed = 0;
    for (size_t i = 0; i < invlists->nlist; i++) {
        size_t size = invlists->list_size(i);
        size_t kept = size;
        for (size_t j = 0; j < kept;) {
            if (sel.is_member(invlists->get_single_id(i, j))) {
                kept--;
                faiss::InvertedLists::ScopedCodes last(invlists, i, kept);
                invlists->update_entry(i, j, invlists->get_single_id(i, kept), last.get());
            } else {
                j++;
            }
        }
        if (kept < size) {
            invlists->resize(i, kept);
            removed += size - kept;
        }
    }
    ivf->ntotal -= static_cast<faiss::Index::idx_t>(removed);
    return removed;
}

}  // namespace

int skf_add_with_ids(skf_index* index, int64_t n, const float* x, const int64_t* ids) {
    SKF_TRY
    configure_blas_once();
    require(index != nullptr && n >= 0 && (n == 0 || (x != nullptr && ids != nullptr)), "invalid argument");
    if (n > 0) {
        auto* ivf = dynamic_cast<faiss::IndexIVF*>(as_index(index));
        if (ivf != nullptr && dynamic_cast<faiss::OnDiskInvertedLists*>(ivf->invlists) != nullptr) {
            ondisk_add(ivf, n, x, reinterpret_cast<const faiss::Index::idx_t*>(ids));
        } else {
            as_index(index)->add_with_ids(n, x, reinterpret_cast<const faiss::Index::idx_t*>(ids));
        }
    }
    SKF_CATCH
}

int skf_remove_ids(skf_index* index, int64_t n, const int64_t* ids, int64_t* removed) {
    SKF_TRY
    require(index != nullptr && n >= 0 && (n == 0 || ids != nullptr) && removed != nullptr, "invalid argument");
    *removed = 0;
    if (n > 0) {
        faiss::IDSelectorBatch sel(static_cast<size_t>(n), reinterpret_cast<const faiss::Index::idx_t*>(ids));
        auto* ivf = dynamic_cast<faiss::IndexIVF*>(as_index(index));
        if (ivf != nullptr && dynamic_cast<faiss::OnDiskInvertedLists*>(ivf->invlists) != nullptr) {
            *removed = static_cast<int64_t>(ondisk_remove(ivf, sel));
        } else {
            *removed = static_cast<int64_t>(as_index(index)->remove_ids(sel));
        }
    }
    SKF_CATCH
}

int skf_supports_remove(const skf_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    const faiss::Index* inner = as_index(index);
    if (const auto* map = dynamic_cast<const faiss::IndexIDMap*>(inner)) {
        inner = map->index;
    }
    *out = is_hnsw(inner) ? 0 : 1;
    SKF_CATCH
}

int skf_search(
        const skf_index* index, int64_t n, const float* x, int64_t k, float* distances, int64_t* labels,
        const int64_t* selector_ids, int64_t selector_count, int32_t selector_exclude, int32_t ef_search,
        int32_t nprobe) {
    SKF_TRY
    configure_blas_once();
    require(index != nullptr && n >= 0 && k > 0, "invalid argument");
    require(n == 0 || (x != nullptr && distances != nullptr && labels != nullptr), "null buffer");
    require(selector_count >= 0 && (selector_count == 0 || selector_ids != nullptr), "invalid selector");
    if (n == 0) {
        return SKF_OK;
    }
    const faiss::Index* idx = as_index(index);
    auto* out_labels = reinterpret_cast<faiss::Index::idx_t*>(labels);

    const CallSelector selector(selector_ids, selector_count, selector_exclude);
    const faiss::IDSelector* sel = selector.sel;
    // Number of ids a selector admits when it is an include list (-1: unknown or exclusion).
    const int64_t include_count = selector.include_list ? selector_count : -1;

    if (const auto* map = dynamic_cast<const faiss::IndexIDMap*>(idx)) {
        std::unique_ptr<PositionSelector> positions;
        if (sel != nullptr) {
            positions = std::make_unique<PositionSelector>(map->id_map, *sel);
        }
        search_with_selector(
                map->index, n, x, k, distances, out_labels, positions.get(), include_count, ef_search, nprobe);
        for (int64_t i = 0; i < n * k; i++) {
            if (out_labels[i] >= 0) {
                out_labels[i] = map->id_map[out_labels[i]];
            }
        }
    } else {
        search_with_selector(idx, n, x, k, distances, out_labels, sel, include_count, ef_search, nprobe);
    }
    SKF_CATCH
}

int skf_reconstruct(const skf_index* index, int64_t id, float* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    const faiss::Index* idx = as_index(index);
    if (const auto* map = dynamic_cast<const faiss::IndexIDMap*>(idx)) {
        auto it = std::find(map->id_map.begin(), map->id_map.end(), id);
        require(it != map->id_map.end(), "id not found in index");
        map->index->reconstruct(static_cast<faiss::Index::idx_t>(it - map->id_map.begin()), out);
    } else if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(idx)) {
        for (size_t list = 0; list < ivf->nlist; list++) {
            size_t size = ivf->invlists->list_size(list);
            faiss::InvertedLists::ScopedIds ids(ivf->invlists, list);
            for (size_t offset = 0; offset < size; offset++) {
                if (ids[offset] == id) {
                    ivf->reconstruct_from_offset(static_cast<int64_t>(list), static_cast<int64_t>(offset), out);
                    return SKF_OK;
                }
            }
        }
        throw ArgumentError("id not found in index");
    } else {
        idx->reconstruct(id, out);
    }
    SKF_CATCH
}

int skf_get_ids(const skf_index* index, int64_t* ids, int64_t capacity, int64_t* count) {
    SKF_TRY
    require(index != nullptr && count != nullptr && capacity >= 0, "invalid argument");
    const faiss::Index* idx = as_index(index);
    std::vector<int64_t> all;
    if (const auto* map = dynamic_cast<const faiss::IndexIDMap*>(idx)) {
        all.assign(map->id_map.begin(), map->id_map.end());
    } else if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(idx)) {
        for (size_t list = 0; list < ivf->nlist; list++) {
            size_t size = ivf->invlists->list_size(list);
            faiss::InvertedLists::ScopedIds list_ids(ivf->invlists, list);
            all.insert(all.end(), list_ids.get(), list_ids.get() + size);
        }
    } else {
        // Plain indexes number their vectors 0..ntotal-1.
        all.resize(static_cast<size_t>(idx->ntotal));
        for (size_t i = 0; i < all.size(); i++) {
            all[i] = static_cast<int64_t>(i);
        }
    }
    *count = static_cast<int64_t>(all.size());
    if (ids != nullptr && capacity >= *count) {
        std::copy(all.begin(), all.end(), ids);
    }
    SKF_CATCH
}

int skf_hnsw_set_ef_construction(skf_index* index, int32_t ef_construction) {
    SKF_TRY
    require(index != nullptr && ef_construction > 0, "invalid argument");
    as_hnsw(index)->hnsw.efConstruction = ef_construction;
    SKF_CATCH
}

int skf_hnsw_set_ef_search(skf_index* index, int32_t ef_search) {
    SKF_TRY
    require(index != nullptr && ef_search > 0, "invalid argument");
    as_hnsw(index)->hnsw.efSearch = ef_search;
    SKF_CATCH
}

int skf_write_index(const skf_index* index, const char* path) {
    SKF_TRY
    require(index != nullptr && path != nullptr, "null argument");
    faiss::write_index(as_index(index), path);
    SKF_CATCH
}

int skf_read_index(const char* path, skf_index** out) {
    SKF_TRY
    configure_blas_once();
    require(path != nullptr && out != nullptr, "null argument");
    *out = nullptr;
    *out = reinterpret_cast<skf_index*>(faiss::read_index(path));
    SKF_CATCH
}

int skf_ivf_use_ondisk_lists(skf_index* index, const char* path) {
    SKF_TRY
    require(index != nullptr && path != nullptr, "null argument");
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(as_index(index));
    require(ivf != nullptr, "not an IVF index");
    require(ivf->is_trained, "train the IVF index before moving its lists to disk");
    require(ivf->ntotal == 0, "the IVF index must be empty to move its lists to disk");
    ivf->replace_invlists(new faiss::OnDiskInvertedLists(ivf->nlist, ivf->code_size, path), true);
    SKF_CATCH
}

int skf_read_index_mmap(const char* path, skf_index** out) {
    SKF_TRY
    configure_blas_once();
    require(path != nullptr && out != nullptr, "null argument");
    *out = nullptr;
    // IO_FLAG_MMAP maps the lists stored inside an ordinary IVF file; for lists already in their own file
    // (OnDiskInvertedLists) it skips mapping them, so those are read again without flags, which maps that file.
    std::unique_ptr<faiss::Index> index(faiss::read_index(path, faiss::IO_FLAG_MMAP));
    const faiss::Index* inner = index.get();
    if (const auto* map = dynamic_cast<const faiss::IndexIDMap*>(inner)) {
        inner = map->index;
    }
    const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(inner);
    const auto* ondisk = ivf != nullptr ? dynamic_cast<const faiss::OnDiskInvertedLists*>(ivf->invlists) : nullptr;
    if (ondisk != nullptr && ondisk->ptr == nullptr && ondisk->totsize > 0) {
        index.reset(faiss::read_index(path, 0));
    }
    *out = reinterpret_cast<skf_index*>(index.release());
    SKF_CATCH
}

int skf_ivf_copy_lists_to_disk(skf_index* index, const char* path) {
    SKF_TRY
    require(index != nullptr && path != nullptr, "null argument");
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(as_index(index));
    require(ivf != nullptr, "not an IVF index");
    require(ivf->is_trained, "train the IVF index before moving its lists to disk");
    auto lists = std::make_unique<faiss::OnDiskInvertedLists>(ivf->nlist, ivf->code_size, path);
    size_t entries = 0;
    for (size_t i = 0; i < ivf->nlist; i++) {
        entries += ivf->invlists->list_size(i);
    }
    // merge_from maps a file of the exact total size, which mmap refuses when it is zero: empty lists stay unmapped
    // until the first add grows the file.
    if (entries > 0) {
        const faiss::InvertedLists* source = ivf->invlists;
        lists->merge_from(&source, 1);
    }
    ivf->replace_invlists(lists.release(), true);
    SKF_CATCH
}

int skf_write_index_inline_lists(const skf_index* index, const char* path) {
    SKF_TRY
    require(index != nullptr && path != nullptr, "null argument");
    auto* ivf = dynamic_cast<faiss::IndexIVF*>(const_cast<faiss::Index*>(as_index(index)));
    require(ivf != nullptr, "not an IVF index");
    // FAISS writes the header, quantizer and direct map, then the lists last; written without lists that last part
    // is the 4-byte "il00", replaced below by the lists inline in write_InvertedLists's ArrayInvertedLists layout:
    // "ilar", nlist, code_size, "full", the size vector, then per non-empty list its codes and its ids.
    faiss::InvertedLists* lists = ivf->invlists;
    bool own = ivf->own_invlists;
    ivf->invlists = nullptr;
    ivf->own_invlists = false;
    try {
        faiss::write_index(ivf, path);
    } catch (...) {
        ivf->invlists = lists;
        ivf->own_invlists = own;
        throw;
    }
    ivf->invlists = lists;
    ivf->own_invlists = own;

    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path, "r+b"), &std::fclose);
    require(file != nullptr, "cannot reopen the written index file");
    FILE* f = file.get();
    char tail[4];
    require(std::fseek(f, -4, SEEK_END) == 0 && std::fread(tail, 1, 4, f) == 4 && std::memcmp(tail, "il00", 4) == 0,
            "unexpected IVF file layout");
    require(std::fseek(f, -4, SEEK_END) == 0, "seek failed");
    auto write = [f](const void* data, size_t bytes) {
        require(bytes == 0 || std::fwrite(data, 1, bytes, f) == bytes, "write failed (disk full?)");
    };
    size_t nlist = lists->nlist;
    size_t code_size = lists->code_size;
    std::vector<size_t> sizes(nlist);
    for (size_t i = 0; i < nlist; i++) {
        sizes[i] = lists->list_size(i);
    }
    write("ilar", 4);
    write(&nlist, sizeof nlist);
    write(&code_size, sizeof code_size);
    write("full", 4);
    write(&nlist, sizeof nlist);
    write(sizes.data(), nlist * sizeof(size_t));
    for (size_t i = 0; i < nlist; i++) {
        if (sizes[i] == 0) {
            continue;
        }
        faiss::InvertedLists::ScopedCodes codes(lists, i);
        faiss::InvertedLists::ScopedIds ids(lists, i);
        write(codes.get(), sizes[i] * code_size);
        write(ids.get(), sizes[i] * sizeof(int64_t));
    }
    require(std::fflush(f) == 0, "flush failed (disk full?)");
    SKF_CATCH
}

int skf_set_omp_threads(int32_t n) {
    SKF_TRY
    require(n > 0, "thread count must be positive");
    omp_set_num_threads(n);
    SKF_CATCH
}

int skf_get_omp_threads(int32_t* out) {
    SKF_TRY
    require(out != nullptr, "null argument");
    *out = omp_get_max_threads();
    SKF_CATCH
}

int skf_set_blas_threads(int32_t n, int32_t* current) {
    SKF_TRY
    configure_blas_once();
    if (n > 0) {
        openblas_set_num_threads(n);
    }
    if (current != nullptr) {
        *current = openblas_get_num_threads();
    }
    SKF_CATCH
}

}  // extern "C"

// ---- Binary indexes ----

namespace {

faiss::IndexBinary* as_binary(skfb_index* index) {
    return reinterpret_cast<faiss::IndexBinary*>(index);
}

const faiss::IndexBinary* as_binary(const skfb_index* index) {
    return reinterpret_cast<const faiss::IndexBinary*>(index);
}

const faiss::IndexBinary* unwrap_binary(const faiss::IndexBinary* index) {
    if (const auto* map = dynamic_cast<const faiss::IndexBinaryIDMap*>(index)) {
        return map->index;
    }
    return index;
}

int32_t hamming_bytes(const uint8_t* a, const uint8_t* b, size_t code_size) {
    int32_t distance = 0;
    size_t i = 0;
    for (; i + 8 <= code_size; i += 8) {
        uint64_t x, y;
        std::memcpy(&x, a + i, 8);
        std::memcpy(&y, b + i, 8);
        distance += __builtin_popcountll(x ^ y);
    }
    for (; i < code_size; i++) {
        distance += __builtin_popcount(static_cast<unsigned>(a[i] ^ b[i]));
    }
    return distance;
}

// Ranks the given positions of `index` (flat or HNSW: both reconstruct from stored codes) exactly by Hamming distance;
// ties keep the lower position first, as FAISS's flat search does.
void binary_exact_positions(
        const faiss::IndexBinary* index, int64_t n, const uint8_t* x, int64_t k, int32_t* distances, int64_t* labels,
        const std::vector<faiss::Index::idx_t>& positions) {
    const size_t code_size = static_cast<size_t>(index->code_size);
    std::vector<uint8_t> codes(positions.size() * code_size);
    for (size_t i = 0; i < positions.size(); i++) {
        index->reconstruct(positions[i], codes.data() + i * code_size);
    }
    std::vector<std::pair<int32_t, faiss::Index::idx_t>> scored(positions.size());
    for (int64_t q = 0; q < n; q++) {
        for (size_t i = 0; i < positions.size(); i++) {
            scored[i] = {hamming_bytes(x + q * code_size, codes.data() + i * code_size, code_size), positions[i]};
        }
        const size_t take = std::min<size_t>(static_cast<size_t>(k), scored.size());
        std::partial_sort(scored.begin(), scored.begin() + take, scored.end());
        for (int64_t j = 0; j < k; j++) {
            const bool found = static_cast<size_t>(j) < take;
            distances[q * k + j] = found ? scored[j].first : std::numeric_limits<int32_t>::max();
            labels[q * k + j] = found ? scored[j].second : -1;
        }
    }
}

// Runs the calling thread's next FAISS parallel regions on one thread (omp_set_num_threads sets this thread's ICV
// only) and restores the count on scope exit. FAISS's binary flat search opens a parallel region even for one query:
// on shared, oversubscribed cores waiting for the second thread made single Hamming queries 100x slower (measured).
struct SingleThreadScope {
    int saved;
    SingleThreadScope() : saved(omp_get_max_threads()) {
        omp_set_num_threads(1);
    }
    ~SingleThreadScope() {
        omp_set_num_threads(saved);
    }
};

// Binary counterpart of search_with_selector: FAISS 1.7.3's binary indexes take no selector.
void binary_search_with_selector(
        const faiss::IndexBinary* index, int64_t n, const uint8_t* x, int64_t k, int32_t* distances, int64_t* labels,
        const faiss::IDSelector* sel, bool include_list) {
    if (sel == nullptr) {
        index->search(n, x, k, distances, labels);
        return;
    }
    const int64_t ntotal = index->ntotal;
    if (include_list && dynamic_cast<const faiss::IndexBinaryIVF*>(index) == nullptr) {
        std::vector<faiss::Index::idx_t> positions;
        for (faiss::Index::idx_t i = 0; i < ntotal; i++) {
            if (sel->is_member(i)) {
                positions.push_back(i);
            }
        }
        binary_exact_positions(index, n, x, k, distances, labels, positions);
        return;
    }
    std::fill(distances, distances + n * k, std::numeric_limits<int32_t>::max());
    std::fill(labels, labels + n * k, int64_t{-1});
    for (int64_t q = 0; q < n; q++) {
        int64_t wide = std::min<int64_t>(ntotal, std::max<int64_t>(k * 4, 64));
        while (wide > 0) {
            std::vector<int32_t> d(wide);
            std::vector<faiss::Index::idx_t> l(wide);
            index->search(1, x + q * index->code_size, wide, d.data(), l.data());
            int64_t found = 0;
            for (int64_t j = 0; j < wide && found < k; j++) {
                if (l[j] >= 0 && sel->is_member(l[j])) {
                    distances[q * k + found] = d[j];
                    labels[q * k + found] = l[j];
                    found++;
                }
            }
            if (found == k || wide >= ntotal) {
                break;
            }
            wide = std::min<int64_t>(ntotal, wide * 4);
        }
    }
}

}  // namespace

extern "C" {

int skfb_create(int32_t d, int32_t kind, int32_t param, skfb_index** out) {
    SKF_TRY
    require(out != nullptr, "null argument");
    require(d > 0 && d % 8 == 0, "binary dimension must be a positive multiple of 8");
    *out = nullptr;
    faiss::IndexBinary* index = nullptr;
    switch (kind) {
        case SKFB_KIND_FLAT:
            index = new faiss::IndexBinaryIDMap(new faiss::IndexBinaryFlat(d));
            static_cast<faiss::IndexBinaryIDMap*>(index)->own_fields = true;
            break;
        case SKFB_KIND_HNSW: {
            require(param > 1, "HNSW M must be at least 2");
            index = new faiss::IndexBinaryIDMap(new faiss::IndexBinaryHNSW(d, param));
            static_cast<faiss::IndexBinaryIDMap*>(index)->own_fields = true;
            break;
        }
        case SKFB_KIND_IVF: {
            require(param > 0, "IVF list count must be positive");
            auto* ivf = new faiss::IndexBinaryIVF(new faiss::IndexBinaryFlat(d), d, static_cast<size_t>(param));
            ivf->own_fields = true;
            index = ivf;
            break;
        }
        default:
            throw ArgumentError("unknown binary index kind");
    }
    *out = reinterpret_cast<skfb_index*>(index);
    SKF_CATCH
}

void skfb_free(skfb_index* index) {
    try {
        delete as_binary(index);
    } catch (...) {
    }
}

int skfb_dimension(const skfb_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = static_cast<int32_t>(as_binary(index)->d);
    SKF_CATCH
}

int skfb_ntotal(const skfb_index* index, int64_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = as_binary(index)->ntotal;
    SKF_CATCH
}

int skfb_is_trained(const skfb_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = as_binary(index)->is_trained ? 1 : 0;
    SKF_CATCH
}

int skfb_train(skfb_index* index, int64_t n, const uint8_t* x) {
    SKF_TRY
    require(index != nullptr && n > 0 && x != nullptr, "invalid argument");
    as_binary(index)->train(n, x);
    SKF_CATCH
}

int skfb_add_with_ids(skfb_index* index, int64_t n, const uint8_t* x, const int64_t* ids) {
    SKF_TRY
    require(index != nullptr && n >= 0 && (n == 0 || (x != nullptr && ids != nullptr)), "invalid argument");
    if (n > 0) {
        as_binary(index)->add_with_ids(n, x, reinterpret_cast<const faiss::Index::idx_t*>(ids));
    }
    SKF_CATCH
}

int skfb_remove_ids(skfb_index* index, int64_t n, const int64_t* ids, int64_t* removed) {
    SKF_TRY
    require(index != nullptr && n >= 0 && (n == 0 || ids != nullptr) && removed != nullptr, "invalid argument");
    *removed = 0;
    if (n > 0) {
        faiss::IDSelectorBatch sel(static_cast<size_t>(n), reinterpret_cast<const faiss::Index::idx_t*>(ids));
        *removed = static_cast<int64_t>(as_binary(index)->remove_ids(sel));
    }
    SKF_CATCH
}

int skfb_supports_remove(const skfb_index* index, int32_t* out) {
    SKF_TRY
    require(index != nullptr && out != nullptr, "null argument");
    *out = dynamic_cast<const faiss::IndexBinaryHNSW*>(unwrap_binary(as_binary(index))) != nullptr ? 0 : 1;
    SKF_CATCH
}

int skfb_search(
        const skfb_index* index, int64_t n, const uint8_t* x, int64_t k, int32_t* distances, int64_t* labels,
        const int64_t* selector_ids, int64_t selector_count, int32_t selector_exclude) {
    SKF_TRY
    require(index != nullptr && n >= 0 && k > 0, "invalid argument");
    require(n == 0 || (x != nullptr && distances != nullptr && labels != nullptr), "null buffer");
    require(selector_count >= 0 && (selector_count == 0 || selector_ids != nullptr), "invalid selector");
    if (n == 0) {
        return SKF_OK;
    }
    const faiss::IndexBinary* idx = as_binary(index);
    auto* out_labels = reinterpret_cast<faiss::Index::idx_t*>(labels);
    const CallSelector selector(selector_ids, selector_count, selector_exclude);
    const faiss::IDSelector* sel = selector.sel;
    const bool include_list = selector.include_list;
    // Single queries (and the filtered loop, which searches one query at a time) gain nothing from threads.
    std::unique_ptr<SingleThreadScope> single;
    if (n == 1 || (sel != nullptr && !include_list)) {
        single = std::make_unique<SingleThreadScope>();
    }
    if (const auto* map = dynamic_cast<const faiss::IndexBinaryIDMap*>(idx)) {
        std::unique_ptr<PositionSelector> positions;
        if (sel != nullptr) {
            positions = std::make_unique<PositionSelector>(map->id_map, *sel);
        }
        binary_search_with_selector(map->index, n, x, k, distances, out_labels, positions.get(), include_list);
        for (int64_t i = 0; i < n * k; i++) {
            if (out_labels[i] >= 0) {
                out_labels[i] = map->id_map[out_labels[i]];
            }
        }
    } else {
        binary_search_with_selector(idx, n, x, k, distances, out_labels, sel, include_list);
    }
    SKF_CATCH
}

int skfb_get_ids(const skfb_index* index, int64_t* ids, int64_t capacity, int64_t* count) {
    SKF_TRY
    require(index != nullptr && count != nullptr && capacity >= 0, "invalid argument");
    const faiss::IndexBinary* idx = as_binary(index);
    std::vector<int64_t> all;
    if (const auto* map = dynamic_cast<const faiss::IndexBinaryIDMap*>(idx)) {
        all.assign(map->id_map.begin(), map->id_map.end());
    } else if (const auto* ivf = dynamic_cast<const faiss::IndexBinaryIVF*>(idx)) {
        for (size_t list = 0; list < ivf->nlist; list++) {
            size_t size = ivf->invlists->list_size(list);
            faiss::InvertedLists::ScopedIds list_ids(ivf->invlists, list);
            all.insert(all.end(), list_ids.get(), list_ids.get() + size);
        }
    } else {
        all.resize(static_cast<size_t>(idx->ntotal));
        std::iota(all.begin(), all.end(), int64_t{0});
    }
    *count = static_cast<int64_t>(all.size());
    if (ids != nullptr && capacity >= *count) {
        std::copy(all.begin(), all.end(), ids);
    }
    SKF_CATCH
}

int skfb_set_search_parameters(skfb_index* index, int32_t ef_construction, int32_t ef_search) {
    SKF_TRY
    require(index != nullptr, "null argument");
    faiss::IndexBinary* idx = as_binary(index);
    if (auto* map = dynamic_cast<faiss::IndexBinaryIDMap*>(idx)) {
        idx = map->index;
    }
    if (auto* hnsw = dynamic_cast<faiss::IndexBinaryHNSW*>(idx)) {
        if (ef_construction > 0) {
            hnsw->hnsw.efConstruction = ef_construction;
        }
        if (ef_search > 0) {
            hnsw->hnsw.efSearch = ef_search;
        }
    } else if (auto* ivf = dynamic_cast<faiss::IndexBinaryIVF*>(idx)) {
        if (ef_search > 0) {
            ivf->nprobe = static_cast<size_t>(ef_search);
        }
    }
    SKF_CATCH
}

int skfb_write_index(const skfb_index* index, const char* path) {
    SKF_TRY
    require(index != nullptr && path != nullptr, "null argument");
    faiss::write_index_binary(as_binary(index), path);
    SKF_CATCH
}

int skfb_read_index(const char* path, skfb_index** out) {
    SKF_TRY
    require(path != nullptr && out != nullptr, "null argument");
    *out = nullptr;
    *out = reinterpret_cast<skfb_index*>(faiss::read_index_binary(path));
    SKF_CATCH
}

}  // extern "C"
