using System.Linq.Expressions;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// Each filter runs through the connector (SQL pre-filter + FAISS ID selector for search, SQL for GetAsync) and is
/// compared with the same expression compiled and run over the records in memory.
/// </summary>
public sealed class FilterTests : IClassFixture<FilterTests.Fixture>
{
    private static readonly string s_capturedName = "Plaza";
    private static readonly string[] s_capturedNames = ["Grand", "Ritz", "nope"];
    private static readonly List<int> s_capturedRatings = [1, 3];
    private readonly Fixture _fixture;

    public FilterTests(Fixture fixture) => _fixture = fixture;

    public static TheoryData<string> Cases => new(s_cases.Keys);

    private static readonly Dictionary<string, Expression<Func<Hotel, bool>>> s_cases = BuildCases();

    private static Dictionary<string, Expression<Func<Hotel, bool>>> BuildCases()
    {
        string local = "Ritz";
        int minRating = 3;
        double maxPrice = 120.0;
        var localList = new List<string> { "spa", "gym" };
        DateTimeOffset cutoff = new(2004, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Guid code = new(3, 0, 0, new byte[8]);
        string? nullName = null;
        var holder = new { Name = "Grand" };
        return new()
        {
            ["equal_string"] = h => h.HotelName == "Grand",
            ["equal_string_reversed"] = h => "Grand" == h.HotelName,
            ["not_equal_string"] = h => h.HotelName != "Grand",
            ["equal_null"] = h => h.HotelName == null,
            ["not_equal_null"] = h => h.HotelName != null,
            ["equal_captured_null"] = h => h.HotelName == nullName,
            ["equal_int"] = h => h.Rating == 3,
            ["not_equal_int"] = h => h.Rating != 3,
            ["less_than_int"] = h => h.Rating < 3,
            ["less_or_equal_int"] = h => h.Rating <= 3,
            ["greater_than_int"] = h => h.Rating > 3,
            ["greater_or_equal_int"] = h => h.Rating >= 3,
            ["greater_than_reversed"] = h => 3 > h.Rating,
            ["double_range"] = h => h.Price > 80 && h.Price <= 170.5,
            ["double_captured"] = h => h.Price < maxPrice,
            ["bool_member"] = h => h.Parking,
            ["bool_not_member"] = h => !h.Parking,
            ["bool_equal_true"] = h => h.Parking == true,
            ["bool_equal_false"] = h => h.Parking == false,
            ["nullable_int_equal"] = h => h.Floors == 2,
            ["nullable_int_null"] = h => h.Floors == null,
            ["nullable_int_not_equal"] = h => h.Floors != 2,
            ["nullable_int_greater"] = h => h.Floors > 4,
            ["not_nullable_int_greater"] = h => !(h.Floors > 4),
            ["and"] = h => h.Rating >= 2 && h.Parking,
            ["or"] = h => h.Rating == 1 || h.HotelName == "Ritz",
            ["and_or_nested"] = h => (h.Rating == 1 || h.Rating == 5) && (h.Parking || h.Price > 100),
            ["not_and"] = h => !(h.Rating >= 2 && h.Parking),
            ["not_or"] = h => !(h.Rating == 1 || h.HotelName == "Ritz"),
            ["not_equal_via_not"] = h => !(h.HotelName == "Grand"),
            ["captured_local"] = h => h.HotelName == local,
            ["captured_static"] = h => h.HotelName == s_capturedName,
            ["captured_member"] = h => h.HotelName == holder.Name,
            ["captured_int"] = h => h.Rating >= minRating,
            ["tags_contains"] = h => h.Tags.Contains("pool"),
            ["tags_contains_captured"] = h => h.Tags.Contains(localList[0]),
            ["tags_not_contains"] = h => !h.Tags.Contains("pool"),
            ["tags_contains_quoted"] = h => h.Tags.Contains("it's \"quoted\""),
            ["rooms_contains"] = h => h.Rooms.Contains(104),
            ["inline_array_contains_field"] = h => new[] { "Grand", "Plaza" }.Contains(h.HotelName),
            ["captured_array_contains_field"] = h => s_capturedNames.Contains(h.HotelName),
            ["captured_list_contains_int"] = h => s_capturedRatings.Contains(h.Rating),
            ["empty_array_contains"] = h => Array.Empty<string>().Contains(h.HotelName),
            ["key_equal"] = h => h.HotelId == 4,
            ["key_range"] = h => h.HotelId > 2 && h.HotelId < 8,
            ["datetimeoffset_before"] = h => h.Opened < cutoff,
            ["guid_equal"] = h => h.Code == code,
            ["injection_quote"] = h => h.HotelName == "O'Brien's Inn",
            ["injection_drop_table"] = h => h.HotelName == "Robert'); DROP TABLE c_hotels;--",
            ["injection_or_1_eq_1"] = h => h.HotelName == "x' OR '1'='1",
            ["injection_like_wildcards"] = h => h.HotelName == "%_like_%",
            ["injection_in_contains"] = h => h.Tags.Contains("x') OR 1=1 --"),
            ["unicode"] = h => h.HotelName == "ünïcödé",
            ["always_true"] = h => true,
            ["always_false"] = h => false,
            ["two_properties"] = h => h.Rating < h.Floors,
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GetAsync_filter_matches_linq_to_objects(string name)
    {
        Expression<Func<Hotel, bool>> filter = s_cases[name];
        var expected = _fixture.Hotels.Where(filter.Compile()).Select(h => h.HotelId).Order().ToList();
        var actual = await _fixture.Collection.GetAsync(filter, 100).Select(h => h.HotelId).ToListAsync();
        Assert.Equal(expected, actual.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SearchAsync_filter_is_a_pre_filter(string name)
    {
        Expression<Func<Hotel, bool>> filter = s_cases[name];
        var matches = _fixture.Hotels.Where(filter.Compile()).ToList();
        float[] query = [1, 1, -1, 0.5f];
        var expected = matches.OrderByDescending(h => TestVectors.Dot(query, h.Embedding.ToArray())).Take(3).Select(h => h.HotelId).ToList();
        var actual = await _fixture.Collection.SearchAsync(query, 3, new() { Filter = filter }).Select(r => r.Record.HotelId).ToListAsync();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Unsupported_filter_constructs_throw_NotSupportedException_naming_them()
    {
        NotSupportedException e = await Assert.ThrowsAsync<NotSupportedException>(
            async () => await _fixture.Collection.GetAsync(h => h.HotelName!.ToUpperInvariant() == "G", 10).ToListAsync());
        Assert.Contains("ToUpperInvariant", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<NotSupportedException>(
            async () => await _fixture.Collection.GetAsync(h => h.Rating + 1 == 3, 10).ToListAsync());
        Assert.Contains("Add", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(
            async () => await _fixture.Collection.SearchAsync(new float[4], 3, new() { Filter = h => h.HotelName!.Length > 3 }).ToListAsync());
    }

    [Fact]
    public async Task Store_survives_injection_attempts()
    {
        Assert.Equal(_fixture.Hotels.Count, (await _fixture.Collection.GetAsync(h => true, 100).ToListAsync()).Count);
        Assert.True(await _fixture.Collection.CollectionExistsAsync());
    }

    public sealed class Fixture : IDisposable
    {
        private readonly TempDirectory _temp = new();
        private readonly FaissVectorStore _store;

        public Fixture()
        {
            _store = new FaissVectorStore(_temp.Database);
            Collection = _store.GetCollection<int, Hotel>("hotels");
            Collection.EnsureCollectionExistsAsync().GetAwaiter().GetResult();
            Hotels = Hotel.Sample();
            Collection.UpsertAsync(Hotels).GetAwaiter().GetResult();
        }

        public FaissCollection<int, Hotel> Collection { get; }

        public List<Hotel> Hotels { get; }

        public void Dispose()
        {
            _store.Dispose();
            _temp.Dispose();
        }
    }
}
