using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

public sealed class CrudTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FaissVectorStore _store;
    private readonly FaissCollection<int, Hotel> _collection;

    public CrudTests()
    {
        _store = new FaissVectorStore(_temp.Database);
        _collection = _store.GetCollection<int, Hotel>("hotels");
        _collection.EnsureCollectionExistsAsync().GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Upsert_and_get_single_record_round_trips_all_properties()
    {
        Hotel hotel = Hotel.Sample()[5];
        await _collection.UpsertAsync(hotel);
        Hotel? read = await _collection.GetAsync(hotel.HotelId, new RecordRetrievalOptions { IncludeVectors = true });
        Assert.NotNull(read);
        AssertEqual(hotel, read, vectors: true);
    }

    [Fact]
    public async Task Get_without_vectors_leaves_vector_empty()
    {
        Hotel hotel = Hotel.Sample()[2];
        await _collection.UpsertAsync(hotel);
        Hotel? read = await _collection.GetAsync(hotel.HotelId);
        Assert.NotNull(read);
        Assert.True(read.Embedding.IsEmpty);
        AssertEqual(hotel, read, vectors: false);
    }

    [Fact]
    public async Task Batch_upsert_get_and_delete()
    {
        List<Hotel> hotels = Hotel.Sample();
        await _collection.UpsertAsync(hotels);
        var read = await _collection.GetAsync(hotels.Select(h => h.HotelId)).ToListAsync();
        Assert.Equal(hotels.Count, read.Count);
        foreach (Hotel hotel in hotels)
        {
            AssertEqual(hotel, read.Single(r => r.HotelId == hotel.HotelId), vectors: false);
        }

        await _collection.DeleteAsync([1, 2, 3]);
        var remaining = await _collection.GetAsync(hotels.Select(h => h.HotelId)).ToListAsync();
        Assert.Equal(hotels.Count - 3, remaining.Count);
        Assert.DoesNotContain(remaining, h => h.HotelId <= 3);
    }

    [Fact]
    public async Task Upsert_overwrites_existing_record_and_search_sees_new_vector()
    {
        Hotel hotel = Hotel.Sample()[0];
        await _collection.UpsertAsync(hotel);
        hotel.HotelName = "Renamed";
        hotel.Embedding = new float[] { 0, 0, 0, 1 };
        await _collection.UpsertAsync(hotel);
        Hotel? read = await _collection.GetAsync(hotel.HotelId);
        Assert.Equal("Renamed", read!.HotelName);
        var results = await _collection.SearchAsync(new float[] { 0, 0, 0, 1 }, 5).ToListAsync();
        VectorSearchResult<Hotel> only = Assert.Single(results);
        Assert.Equal(1.0, only.Score);
    }

    [Fact]
    public async Task Duplicate_keys_in_a_batch_keep_the_last_record()
    {
        Hotel a = Hotel.Sample()[0];
        Hotel b = Hotel.Sample()[1];
        b.HotelId = a.HotelId;
        await _collection.UpsertAsync([a, b]);
        Hotel? read = await _collection.GetAsync(a.HotelId);
        Assert.Equal(b.HotelName, read!.HotelName);
        Assert.Single(await _collection.SearchAsync(new float[] { 1, 1, 1, 1 }, 10).ToListAsync());
    }

    [Fact]
    public async Task Get_missing_key_returns_null_and_missing_batch_keys_are_skipped()
    {
        await _collection.UpsertAsync(Hotel.Sample()[0]);
        Assert.Null(await _collection.GetAsync(999));
        Assert.Single(await _collection.GetAsync([1, 999]).ToListAsync());
    }

    [Fact]
    public async Task Delete_missing_key_is_a_no_op()
    {
        await _collection.DeleteAsync(12345);
        await _collection.DeleteAsync([]);
        await _collection.UpsertAsync([]);
        Assert.Empty(await _collection.GetAsync([]).ToListAsync());
    }

    [Fact]
    public async Task Deleted_records_never_come_back_in_search()
    {
        await _collection.UpsertAsync(Hotel.Sample());
        await _collection.DeleteAsync(1);
        var results = await _collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 100).ToListAsync();
        Assert.Equal(9, results.Count);
        Assert.DoesNotContain(results, r => r.Record.HotelId == 1);
    }

    [Fact]
    public async Task Null_arguments_throw_with_parameter_names()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("record", () => _collection.UpsertAsync((Hotel)null!));
        await Assert.ThrowsAsync<ArgumentNullException>("records", () => _collection.UpsertAsync((IEnumerable<Hotel>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>("keys", () => _collection.DeleteAsync((IEnumerable<int>)null!));
        await Assert.ThrowsAsync<ArgumentNullException>("keys", async () => await _collection.GetAsync((IEnumerable<int>)null!).ToListAsync());
        await Assert.ThrowsAsync<ArgumentNullException>("filter", async () => await _collection.GetAsync(null!, 5).ToListAsync());
        await Assert.ThrowsAsync<ArgumentNullException>("searchValue", async () => await _collection.SearchAsync<float[]>(null!, 5).ToListAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("top", async () => await _collection.SearchAsync(new float[4], 0).ToListAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>("top", async () => await _collection.GetAsync(h => true, 0).ToListAsync());
        await Assert.ThrowsAsync<ArgumentException>("records", () => _collection.UpsertAsync([null!]));
        Assert.Throws<ArgumentNullException>("databasePath", () => new FaissVectorStore(null!));
        Assert.Throws<ArgumentException>("name", () => _store.GetCollection<int, Hotel>(""));
        Assert.Throws<ArgumentNullException>("serviceType", () => _collection.GetService(null!));
    }

    [Fact]
    public async Task Wrong_vector_dimension_is_rejected()
    {
        Hotel hotel = Hotel.Sample()[0];
        hotel.Embedding = new float[] { 1, 2, 3 };
        await Assert.ThrowsAsync<ArgumentException>(() => _collection.UpsertAsync(hotel));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _collection.SearchAsync(new float[] { 1 }, 1).ToListAsync());
    }

    [Fact]
    public async Task Search_pages_with_skip_top_and_threshold_and_vectors()
    {
        List<Hotel> hotels = Hotel.Sample();
        await _collection.UpsertAsync(hotels);
        float[] query = [1, 0.5f, -0.25f, 0.1f];
        var expected = hotels.Select(h => (h.HotelId, Score: TestVectors.Dot(query, h.Embedding.ToArray())))
            .OrderByDescending(p => p.Score).ToList();

        var page = await _collection.SearchAsync(query, 3, new() { Skip = 2, IncludeVectors = true }).ToListAsync();
        Assert.Equal(expected.Skip(2).Take(3).Select(e => e.HotelId), page.Select(r => r.Record.HotelId));
        Assert.All(page, r => Assert.Equal(4, r.Record.Embedding.Length));

        double threshold = expected[4].Score - 1e-4; // FAISS scores in float32
        var above = await _collection.SearchAsync(query, 100, new() { ScoreThreshold = threshold }).ToListAsync();
        Assert.Equal(expected.Where(e => e.Score >= threshold).Select(e => e.HotelId), above.Select(r => r.Record.HotelId));
    }

    [Fact]
    public async Task Get_with_filter_orders_and_pages()
    {
        await _collection.UpsertAsync(Hotel.Sample());
        var page = await _collection.GetAsync(h => h.Rating >= 2, 3, new() { Skip = 1, OrderBy = o => o.Descending(h => h.Price) }).ToListAsync();
        var expected = Hotel.Sample().Where(h => h.Rating >= 2).OrderByDescending(h => h.Price).Skip(1).Take(3).Select(h => h.HotelId);
        Assert.Equal(expected, page.Select(h => h.HotelId));
    }

    [Fact]
    public async Task Concurrent_readers_and_writer()
    {
        await _collection.UpsertAsync(Hotel.Sample());
        var random = new Random(1);
        var writers = Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                Hotel hotel = Hotel.Sample()[i % 10];
                hotel.HotelId = 100 + i;
                await _collection.UpsertAsync(hotel);
            }
        });
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                var results = await _collection.SearchAsync(new float[] { 1, 0, 0, 0 }, 5).ToListAsync();
                Assert.Equal(5, results.Count);
            }
        })).ToList();
        await Task.WhenAll([writers, .. readers]);
        Assert.Equal(60, (await _collection.GetAsync(h => true, 1000).ToListAsync()).Count);
    }

    internal static void AssertEqual(Hotel expected, Hotel actual, bool vectors)
    {
        Assert.Equal(expected.HotelId, actual.HotelId);
        Assert.Equal(expected.HotelName, actual.HotelName);
        Assert.Equal(expected.Rating, actual.Rating);
        Assert.Equal(expected.Price, actual.Price);
        Assert.Equal(expected.Parking, actual.Parking);
        Assert.Equal(expected.Floors, actual.Floors);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.Rooms, actual.Rooms);
        Assert.Equal(expected.Opened, actual.Opened);
        Assert.Equal(expected.Code, actual.Code);
        if (vectors)
        {
            Assert.Equal(expected.Embedding.ToArray(), actual.Embedding.ToArray());
        }
    }
}
