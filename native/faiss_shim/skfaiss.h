// SkEmbeddingGemma FAISS shim: a small extern "C" surface over FAISS's C++ API.
// Every function returns 0 on success and a negative error code on failure; the message of the last failure on the
// calling thread is available through skf_last_error.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SKF_OK 0
#define SKF_ERR_FAISS -1      // faiss::FaissException
#define SKF_ERR_STD -2        // std::exception
#define SKF_ERR_UNKNOWN -3    // anything else
#define SKF_ERR_ARGUMENT -4   // invalid argument detected by the shim
#define SKF_ERR_BAD_ALLOC -5  // std::bad_alloc

#define SKF_METRIC_INNER_PRODUCT 0
#define SKF_METRIC_L2 1

typedef struct skf_index skf_index;

__attribute__((visibility("default"))) const char* skf_last_error(void);
__attribute__((visibility("default"))) int skf_version(int* major, int* minor, int* patch);
__attribute__((visibility("default"))) int skf_index_factory(int32_t d, const char* description, int32_t metric, skf_index** out);
__attribute__((visibility("default"))) void skf_free(skf_index* index);
__attribute__((visibility("default"))) int skf_dimension(const skf_index* index, int32_t* out);
__attribute__((visibility("default"))) int skf_metric(const skf_index* index, int32_t* out);
__attribute__((visibility("default"))) int skf_ntotal(const skf_index* index, int64_t* out);
__attribute__((visibility("default"))) int skf_is_trained(const skf_index* index, int32_t* out);
__attribute__((visibility("default"))) int skf_train(skf_index* index, int64_t n, const float* x);
__attribute__((visibility("default"))) int skf_add_with_ids(skf_index* index, int64_t n, const float* x, const int64_t* ids);
__attribute__((visibility("default"))) int skf_remove_ids(skf_index* index, int64_t n, const int64_t* ids, int64_t* removed);
__attribute__((visibility("default"))) int skf_supports_remove(const skf_index* index, int32_t* out);
// Searches n queries for the k nearest neighbours. When selector_ids is not null, only those ids are considered
// (or, with selector_exclude != 0, all ids but those). ef_search (HNSW) and nprobe (IVF) are ignored when <= 0.
__attribute__((visibility("default"))) int skf_search(
    const skf_index* index, int64_t n, const float* x, int64_t k, float* distances, int64_t* labels,
    const int64_t* selector_ids, int64_t selector_count, int32_t selector_exclude, int32_t ef_search, int32_t nprobe);
__attribute__((visibility("default"))) int skf_reconstruct(const skf_index* index, int64_t id, float* out);
// Copies the ids stored in the index (IDMap or IVF indexes). With capacity too small, only *count is set.
__attribute__((visibility("default"))) int skf_get_ids(const skf_index* index, int64_t* ids, int64_t capacity, int64_t* count);
__attribute__((visibility("default"))) int skf_hnsw_set_ef_construction(skf_index* index, int32_t ef_construction);
// Sets the index's default efSearch. FAISS 1.7.3 sizes HNSW's candidate queue from this member even when
// SearchParametersHNSW carries another efSearch, so set it (under a writer lock) rather than relying on parameters.
__attribute__((visibility("default"))) int skf_hnsw_set_ef_search(skf_index* index, int32_t ef_search);
__attribute__((visibility("default"))) int skf_write_index(const skf_index* index, const char* path);
__attribute__((visibility("default"))) int skf_read_index(const char* path, skf_index** out);
__attribute__((visibility("default"))) int skf_set_omp_threads(int32_t n);
__attribute__((visibility("default"))) int skf_get_omp_threads(int32_t* out);
// OpenBLAS keeps its own spinning thread pool, which fights OpenMP's for cores (100x slower single queries measured
// on 2 cores). The shim therefore sets OpenBLAS to 1 thread when loaded, unless OPENBLAS_NUM_THREADS is set; FAISS
// parallelizes with OpenMP. This restores a BLAS pool size (0 or less: leave as is and only report it).
__attribute__((visibility("default"))) int skf_set_blas_threads(int32_t n, int32_t* current);

// IVF with inverted lists on disk. skf_ivf_use_ondisk_lists moves an empty, trained IVF index's lists into a file
// (faiss::OnDiskInvertedLists, memory-mapped), so later batches of skf_add_with_ids grow the file, not the heap; the
// index written by skf_write_index then references that file. skf_read_index_mmap reads an index whose lists are
// on disk, or memory-maps the lists of an ordinary IVF index file (IO_FLAG_MMAP), keeping only list sizes and the
// coarse quantizer in RAM: the kernel pages lists in and out, so RSS stays bounded by what the searches touch.
__attribute__((visibility("default"))) int skf_ivf_use_ondisk_lists(skf_index* index, const char* path);
__attribute__((visibility("default"))) int skf_read_index_mmap(const char* path, skf_index** out);
// skf_ivf_copy_lists_to_disk copies a trained IVF index's lists, wherever they are (RAM, or a read-only mapping of an
// index file), into a new on-disk lists file that the index then owns and writes (a writable working copy of a
// memory-mapped snapshot). skf_write_index_inline_lists writes an IVF index as one ordinary, self-contained FAISS file
// (lists inline, the "ilar" layout read_index and skf_read_index_mmap read) streaming its lists from wherever they
// are, so a snapshot of an on-disk index is a single file that never references a lists file another writer changes.
__attribute__((visibility("default"))) int skf_ivf_copy_lists_to_disk(skf_index* index, const char* path);
__attribute__((visibility("default"))) int skf_write_index_inline_lists(const skf_index* index, const char* path);

// Binary indexes (faiss::IndexBinary): d bits per vector, packed d / 8 bytes per vector, Hamming distance (an
// integer, lower is nearer). kind: 0 flat, 1 HNSW (param = M), 2 IVF (param = nlist; needs training).
typedef struct skfb_index skfb_index;

#define SKFB_KIND_FLAT 0
#define SKFB_KIND_HNSW 1
#define SKFB_KIND_IVF 2

__attribute__((visibility("default"))) int skfb_create(int32_t d, int32_t kind, int32_t param, skfb_index** out);
__attribute__((visibility("default"))) void skfb_free(skfb_index* index);
__attribute__((visibility("default"))) int skfb_dimension(const skfb_index* index, int32_t* out);
__attribute__((visibility("default"))) int skfb_ntotal(const skfb_index* index, int64_t* out);
__attribute__((visibility("default"))) int skfb_is_trained(const skfb_index* index, int32_t* out);
__attribute__((visibility("default"))) int skfb_train(skfb_index* index, int64_t n, const uint8_t* x);
__attribute__((visibility("default"))) int skfb_add_with_ids(skfb_index* index, int64_t n, const uint8_t* x, const int64_t* ids);
__attribute__((visibility("default"))) int skfb_remove_ids(skfb_index* index, int64_t n, const int64_t* ids, int64_t* removed);
__attribute__((visibility("default"))) int skfb_supports_remove(const skfb_index* index, int32_t* out);
// As skf_search, with Hamming distances. An include list on a flat or HNSW index is ranked exactly over its members;
// other selections search wider and filter until k members are found or the whole index was searched.
__attribute__((visibility("default"))) int skfb_search(
    const skfb_index* index, int64_t n, const uint8_t* x, int64_t k, int32_t* distances, int64_t* labels,
    const int64_t* selector_ids, int64_t selector_count, int32_t selector_exclude);
__attribute__((visibility("default"))) int skfb_get_ids(const skfb_index* index, int64_t* ids, int64_t capacity, int64_t* count);
// Sets HNSW's efConstruction and efSearch (<= 0: unchanged), or IVF's nprobe (ef_search is then nprobe).
__attribute__((visibility("default"))) int skfb_set_search_parameters(skfb_index* index, int32_t ef_construction, int32_t ef_search);
__attribute__((visibility("default"))) int skfb_write_index(const skfb_index* index, const char* path);
__attribute__((visibility("default"))) int skfb_read_index(const char* path, skfb_index** out);

#ifdef __cplusplus
}
#endif
