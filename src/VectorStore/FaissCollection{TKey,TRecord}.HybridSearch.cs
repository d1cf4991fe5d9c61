using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Hybrid search: FAISS vector search fused with SQLite FTS5 keyword search by reciprocal rank fusion.</summary>
public sealed partial class FaissCollection<TKey, TRecord> : IKeywordHybridSearchable<TRecord>
{
    /// <summary>The rank constant k of reciprocal rank fusion: a record scores the sum of 1 / (k + rank) over the result lists it is in (ranks from 1).</summary>
    public const int HybridRankConstant = 60;

    /// <summary>The fewest candidates each side of a hybrid search ranks (each ranks <c>max(top + Skip, HybridMinimumCandidates)</c>).</summary>
    public const int HybridMinimumCandidates = 100;

    /// <summary>
    /// Searches with a vector (or a value embedded by the configured generator) and keywords together: the vector side
    /// is <see cref="SearchAsync{TInput}"/> on <see cref="HybridSearchOptions{TRecord}.VectorProperty"/>, the keyword side
    /// an SQLite FTS5 (BM25) search of <see cref="HybridSearchOptions{TRecord}.AdditionalProperty"/> for any of the
    /// keywords, each keyword a phrase of whole tokens (case and diacritics folded); the filter narrows both. Each side
    /// ranks its best <c>max(top + Skip, </c><see cref="HybridMinimumCandidates"/><c>)</c> records, and the union is
    /// ordered by reciprocal rank fusion: score = Σ 1 / (<see cref="HybridRankConstant"/> + rank), ties going to the
    /// better vector rank, then the better keyword rank. The result's score is that fused score, which
    /// <see cref="HybridSearchOptions{TRecord}.ScoreThreshold"/> is a minimum of.
    /// </summary>
    /// <typeparam name="TInput">The search value's type (see <see cref="SearchAsync{TInput}"/>).</typeparam>
    /// <param name="searchValue">The vector, or the value to embed.</param>
    /// <param name="keywords">The keywords; a record matches if its text holds any of them. Blank keywords are ignored.</param>
    /// <param name="top">The most results to return.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">A token to cancel the search.</param>
    /// <returns>The fused results, best first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="searchValue"/> or <paramref name="keywords"/> is <see langword="null"/>, or a keyword is.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="top"/> is less than 1, or <c>Skip</c> is negative.</exception>
    /// <exception cref="InvalidOperationException">No full-text-indexed string property is named by <c>AdditionalProperty</c>, or none or several exist when it is not set.</exception>
    /// <exception cref="NotSupportedException">The filter uses an unsupported construct, the input type can't be embedded, or vectors were requested for generated embeddings.</exception>
    /// <exception cref="VectorStoreException">The collection does not exist, or SQLite or FAISS failed.</exception>
    /// <exception cref="FaissCollectionMismatchException">The collection was created with another definition, or embedded by another generator.</exception>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        options ??= new();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, nameof(options));
        if (keywords.Any(k => k is null))
        {
            throw new ArgumentNullException(nameof(keywords), "A keyword is null.");
        }

        bool includeVectors = CheckIncludeVectors(options.IncludeVectors);
        DataPropertyModel textProperty = _model.GetFullTextDataPropertyOrSingle(options.AdditionalProperty);
        (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters)? filter =
            options.Filter is null ? null : FaissFilterTranslator.Translate(options.Filter, _model);
        int depth = Math.Max(checked(top + options.Skip), HybridMinimumCandidates);

        var vectorOptions = new VectorSearchOptions<TRecord> { Filter = options.Filter, VectorProperty = options.VectorProperty, IncludeVectors = includeVectors };
        List<VectorSearchResult<TRecord>> vectorHits =
            await SearchAsync(searchValue, depth, vectorOptions, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        List<(long Id, object? Key)> keywordHits = Run("HybridSearch", () =>
        {
            using SqliteConnection connection = _table.Open();
            _table.Guard.Verify(connection);
            if (!_table.FullText.IsCurrent(connection, null))
            {
                // A collection created before full-text indexing (or by a definition without this property) gets its index now.
                using SqliteTransaction transaction = connection.BeginTransaction();
                _table.FullText.Ensure(connection, transaction);
                transaction.Commit();
            }

            return _table.FullText.Search(connection, _model.KeyProperty, textProperty.StorageName, keywords, filter, depth);
        });

        // Fuse by key: the vector side returns records, the keyword side ids and keys.
        var fused = new Dictionary<object, FusedHit>();
        for (int i = 0; i < vectorHits.Count; i++)
        {
            object key = _model.KeyProperty.GetValueAsObject(vectorHits[i].Record)!;
            fused[key] = new FusedHit { VectorRank = i + 1, Record = vectorHits[i].Record };
        }

        for (int i = 0; i < keywordHits.Count; i++)
        {
            (long id, object? key) = keywordHits[i];
            if (!fused.TryGetValue(key!, out FusedHit? hit))
            {
                fused[key!] = hit = new FusedHit { Id = id };
            }

            hit.KeywordRank = i + 1;
        }

        var page = fused.Values
            .Where(h => options.ScoreThreshold is not double threshold || h.Score >= threshold)
            .OrderByDescending(h => h.Score).ThenBy(h => h.VectorRank ?? int.MaxValue).ThenBy(h => h.KeywordRank ?? int.MaxValue)
            .Skip(options.Skip).Take(top).ToList();
        var missing = page.Where(h => h.Record is null).Select(h => h.Id).ToList();
        if (missing.Count > 0)
        {
            Dictionary<long, object> read = Run("HybridSearch", () =>
            {
                using SqliteConnection connection = _table.Open();
                _table.Guard.Verify(connection);
                return _table.ReadByIds(connection, missing, includeVectors, CreateRecord);
            });
            foreach (FusedHit hit in page.Where(h => h.Record is null))
            {
                hit.Record = read.TryGetValue(hit.Id, out object? record) ? (TRecord)record : null;
            }
        }

        foreach (FusedHit hit in page)
        {
            // A record deleted between the two sides' reads is left out.
            if (hit.Record is not null)
            {
                yield return new VectorSearchResult<TRecord>(hit.Record, hit.Score);
            }
        }
    }

    private sealed class FusedHit
    {
        internal long Id { get; init; }

        internal TRecord? Record { get; set; }

        internal int? VectorRank { get; init; }

        internal int? KeywordRank { get; set; }

        internal double Score => Reciprocal(VectorRank) + Reciprocal(KeywordRank);

        private static double Reciprocal(int? rank) => rank is int r ? 1.0 / (HybridRankConstant + r) : 0;
    }
}
