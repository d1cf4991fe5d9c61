using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// decimal, DateOnly, TimeOnly (nullable too) and arrays and lists of every scalar type round-trip exactly through the
/// public API (typed and dynamic, after a reopen), and filters on them select what LINQ to objects selects, with
/// values a REAL column would get wrong (29-digit decimals, 0.1 + 0.2, scale).
/// </summary>
public sealed class DataTypeConformanceTests : IDisposable
{
    private static readonly PropertyInfo[] s_dataProperties = typeof(Extended).GetProperties()
        .Where(p => p.GetCustomAttribute<VectorStoreDataAttribute>() is not null).ToArray();

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Typed_records_round_trip_exactly_after_reopen_through_get_and_search()
    {
        List<Extended> samples = Extended.Samples();
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, Extended>("extended");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(samples);
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, Extended>("extended");
            foreach (Extended expected in samples)
            {
                AssertSame(expected, await collection.GetAsync(expected.Id));
            }

            var hits = await collection.SearchAsync(new float[] { 1, 0 }, samples.Count).ToListAsync();
            Assert.Equal(samples.Count, hits.Count);
            foreach (var hit in hits)
            {
                AssertSame(samples.Single(s => s.Id == hit.Record.Id), hit.Record);
            }
        }
    }

    [Fact]
    public async Task Dynamic_records_round_trip_exactly()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(Extended.Id), typeof(int)),
                .. s_dataProperties.Select(p => new VectorStoreDataProperty(p.Name, p.PropertyType)),
                new VectorStoreVectorProperty(nameof(Extended.Vector), typeof(ReadOnlyMemory<float>), 2),
            ],
        };
        List<Dictionary<string, object?>> samples = [.. Extended.Samples().Select(s => new Dictionary<string, object?>(
            s_dataProperties.Select(p => KeyValuePair.Create(p.Name, p.GetValue(s))))
        {
            [nameof(Extended.Id)] = s.Id,
            [nameof(Extended.Vector)] = s.Vector,
        })];
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("dynamic_extended", definition);
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(samples);
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("dynamic_extended", definition);
            foreach (Dictionary<string, object?> expected in samples)
            {
                Dictionary<string, object?>? actual = await collection.GetAsync(expected[nameof(Extended.Id)]!);
                Assert.NotNull(actual);
                foreach (PropertyInfo property in s_dataProperties)
                {
                    Assert.Equal(Exact(expected[property.Name]), Exact(actual[property.Name]));
                }
            }

            // Filters work on dynamic records too.
            var cheap = await collection.GetAsync(r => (decimal)r[nameof(Extended.Price)]! < 1m, 10).Select(r => (int)r[nameof(Extended.Id)]!).ToListAsync();
            Assert.Equal([.. Extended.Samples().Where(s => s.Price < 1m).Select(s => s.Id)], cheap.Order());
        }
    }

    [Fact]
    public async Task Decimals_are_stored_as_text_not_as_REAL()
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<int, Extended>("decimal_storage");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(Extended.Samples());
        }

        using var connection = new SqliteConnection($"Data Source={_temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT typeof(\"Price\"), \"Price\" FROM \"c_decimal_storage\" ORDER BY \"Id\"";
        using SqliteDataReader reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("text", reader.GetString(0));
        Assert.EndsWith(" " + decimal.MaxValue.ToString(CultureInfo.InvariantCulture), reader.GetString(1), StringComparison.Ordinal);
    }

    public static TheoryData<string> FilterCases => new(s_filters.Keys);

    private static readonly Dictionary<string, Expression<Func<Extended, bool>>> s_filters = BuildFilters();

    private static Dictionary<string, Expression<Func<Extended, bool>>> BuildFilters()
    {
        decimal almostMax = decimal.MaxValue - 1;
        decimal threeTenths = 0.1m + 0.2m;
        DateOnly leapDay = new(2024, 2, 29);
        TimeOnly noonPlusTick = new TimeOnly(12, 0).Add(TimeSpan.FromTicks(1));
        DateTime localMoment = new(2024, 3, 10, 2, 30, 0, DateTimeKind.Local);
        DateTimeOffset instant = new(2024, 3, 10, 5, 45, 0, TimeSpan.FromHours(5.75));
        return new()
        {
            // Digits a double can't hold: decimal.MaxValue and its predecessor are one double.
            ["decimal_above_almost_max"] = r => r.Price > almostMax,
            ["decimal_equal_almost_max"] = r => r.Price == almostMax,
            ["decimal_point_three"] = r => r.Price == threeTenths,
            ["decimal_scale_is_not_value"] = r => r.Price == 1.5m,
            ["decimal_negative_order"] = r => r.Price < -1m,
            ["decimal_smallest_fraction"] = r => r.Price > 0m && r.Price < 0.000000000000000000000000001m,
            ["decimal_between"] = r => r.Price >= -1m && r.Price <= 1.5m,
            ["decimal_in"] = r => new[] { 1.50m, -79228162514264337593543950335m }.Contains(r.Price),
            ["nullable_decimal_null"] = r => r.MaybePrice == null,
            ["nullable_decimal_greater"] = r => r.MaybePrice > 2m,
            ["dateonly_equal"] = r => r.Day == leapDay,
            ["dateonly_before"] = r => r.Day < leapDay,
            ["dateonly_min"] = r => r.Day == DateOnly.MinValue,
            ["nullable_dateonly_after"] = r => r.MaybeDay > leapDay,
            ["timeonly_after_noon"] = r => r.Time > noonPlusTick,
            ["timeonly_equal_tick"] = r => r.Time == noonPlusTick,
            ["nullable_timeonly_null"] = r => r.MaybeTime == null,
            ["decimals_contains_other_scale"] = r => r.Prices.Contains(1.5m),
            ["decimals_any_negative"] = r => r.Prices.Any(p => p < 0m),
            ["decimals_any_exact_max"] = r => r.Prices.Any(p => p > almostMax),
            ["days_contains"] = r => r.Days.Contains(leapDay),
            ["days_any_before"] = r => r.Days.Any(d => d < new DateOnly(2000, 1, 1)),
            ["times_any_after"] = r => r.Times.Any(t => t > noonPlusTick),
            ["datetimes_contains_ignores_kind"] = r => r.Moments.Contains(DateTime.SpecifyKind(localMoment, DateTimeKind.Utc)),
            ["datetimes_any_before"] = r => r.Moments.Any(m => m < localMoment),
            ["offsets_contains_same_instant"] = r => r.Instants.Contains(instant.ToOffset(TimeSpan.Zero)),
            ["shorts_any_negative"] = r => r.Shorts.Any(s => s < 0),
            ["shorts_contains_max"] = r => r.Shorts.Contains(short.MaxValue),
        };
    }

    [Theory]
    [MemberData(nameof(FilterCases))]
    public async Task Filters_select_what_linq_to_objects_selects(string name)
    {
        Expression<Func<Extended, bool>> filter = s_filters[name];
        List<Extended> samples = Extended.Samples();
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, Extended>("filters");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(samples);
        var expected = samples.Where(filter.Compile()).Select(r => r.Id).Order().ToList();
        Assert.True(expected.Count > 0 && expected.Count < samples.Count, $"{name} selects {expected.Count} of {samples.Count}");
        Assert.Equal(expected, (await collection.GetAsync(filter, 100).Select(r => r.Id).ToListAsync()).Order());
        Assert.Equal(expected, (await collection.SearchAsync(new float[] { 1, 0 }, 100, new() { Filter = filter }).Select(r => r.Record.Id).ToListAsync()).Order());
    }

    [Fact]
    public async Task Collections_of_the_existing_types_keep_their_stored_definition()
    {
        // A store written before decimal, DateOnly and TimeOnly existed records its types by these names; reopening it
        // compares against them, so they must not change.
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<int, Hotel>("hotels");
        await collection.EnsureCollectionExistsAsync();
        using var connection = new SqliteConnection($"Data Source={_temp.Database};Pooling=False");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT definition FROM \"" + FaissConstants.CollectionsTable + "\" WHERE name = 'hotels'";
        Assert.Equal(
            "{\"key\":{\"name\":\"HotelId\",\"type\":\"Int32\"},\"data\":[{\"name\":\"HotelName\",\"type\":\"String\"},{\"name\":\"Rating\",\"type\":\"Int32\"},"
            + "{\"name\":\"Price\",\"type\":\"Double\"},{\"name\":\"Parking\",\"type\":\"Boolean\"},{\"name\":\"Floors\",\"type\":\"Int32?\"},"
            + "{\"name\":\"tags_json\",\"type\":\"String[]\"},{\"name\":\"Rooms\",\"type\":\"Int32[]\"},{\"name\":\"Opened\",\"type\":\"DateTimeOffset\"},"
            + "{\"name\":\"Code\",\"type\":\"Guid\"}],\"vector\":{\"name\":\"Embedding\",\"dimensions\":4,\"distance\":\"DotProductSimilarity\",\"index_kind\":\"Flat\"}}",
            (string)command.ExecuteScalar()!);
    }

    private static void AssertSame(Extended expected, Extended? actual)
    {
        Assert.NotNull(actual);
        foreach (PropertyInfo property in s_dataProperties)
        {
            Assert.True(Exact(property.GetValue(expected)) == Exact(property.GetValue(actual)),
                $"{property.Name}: expected {Exact(property.GetValue(expected))}, got {Exact(property.GetValue(actual))}");
        }
    }

    /// <summary>Everything that distinguishes two values: a decimal's bits (scale included), a date's ticks and kind or offset.</summary>
    private static string Exact(object? value) => value switch
    {
        null => "null",
        decimal m => "decimal(" + string.Join(",", decimal.GetBits(m)) + ")",
        DateTime d => $"DateTime({d.Ticks}, {d.Kind})",
        DateTimeOffset d => $"DateTimeOffset({d.Ticks}, {d.Offset})",
        TimeOnly t => $"TimeOnly({t.Ticks})",
        DateOnly d => $"DateOnly({d.DayNumber})",
        string s => s,
        System.Collections.IEnumerable items => value.GetType().Name + "[" + string.Join(", ", items.Cast<object?>().Select(Exact)) + "]",
        _ => value.GetType().Name + "(" + value + ")",
    };

    /// <summary>A record with the types added for conformance.</summary>
    public sealed class Extended
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData]
        public decimal Price { get; set; }

        [VectorStoreData]
        public decimal? MaybePrice { get; set; }

        [VectorStoreData]
        public DateOnly Day { get; set; }

        [VectorStoreData]
        public DateOnly? MaybeDay { get; set; }

        [VectorStoreData]
        public TimeOnly Time { get; set; }

        [VectorStoreData]
        public TimeOnly? MaybeTime { get; set; }

        [VectorStoreData]
        public decimal[] Prices { get; set; } = [];

        [VectorStoreData]
        public List<DateOnly> Days { get; set; } = [];

        [VectorStoreData]
        public TimeOnly[] Times { get; set; } = [];

        [VectorStoreData]
        public List<DateTime> Moments { get; set; } = [];

        [VectorStoreData]
        public DateTimeOffset[] Instants { get; set; } = [];

        [VectorStoreData]
        public short[] Shorts { get; set; } = [];

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Vector { get; set; }

        public static List<Extended> Samples() =>
        [
            new()
            {
                Id = 1, Price = decimal.MaxValue, MaybePrice = null, Day = DateOnly.MinValue, Time = TimeOnly.MinValue,
                Prices = [decimal.MaxValue, 1.50m], Days = [new DateOnly(2024, 2, 29)], Times = [TimeOnly.MaxValue],
                Moments = [new DateTime(2024, 3, 10, 2, 30, 0, DateTimeKind.Local)], Instants = [new DateTimeOffset(2024, 3, 10, 5, 45, 0, TimeSpan.FromHours(5.75))],
                Shorts = [short.MinValue, short.MaxValue], Vector = new float[] { 1, 0 },
            },
            new()
            {
                Id = 2, Price = decimal.MaxValue - 1, MaybePrice = 2.000m, Day = new DateOnly(2024, 2, 29), MaybeDay = DateOnly.MaxValue,
                Time = new TimeOnly(12, 0).Add(TimeSpan.FromTicks(1)), MaybeTime = TimeOnly.MaxValue,
                Prices = [-0.0000000000000000000000000001m], Days = [DateOnly.MinValue, DateOnly.MaxValue], Times = [new TimeOnly(12, 0)],
                Moments = [DateTime.MinValue, DateTime.MaxValue], Instants = [DateTimeOffset.MinValue], Vector = new float[] { 0.9f, 0.1f },
            },
            new()
            {
                Id = 3, Price = 0.3m, MaybePrice = 2.0000000000000000000000000001m, Day = new DateOnly(1999, 12, 31), Time = new TimeOnly(23, 59, 59).Add(TimeSpan.FromTicks(9_999_999)),
                MaybeDay = new DateOnly(2024, 3, 1), Prices = [1.5m, 1.500m], Shorts = [0], Vector = new float[] { 0.8f, 0.2f },
            },
            new()
            {
                Id = 4, Price = 1.50m, Day = new DateOnly(2024, 3, 1), Time = new TimeOnly(12, 0), MaybeTime = new TimeOnly(0, 0),
                Prices = [-79228162514264337593543950335m], Moments = [new DateTime(2024, 3, 10, 2, 30, 0, DateTimeKind.Utc)],
                Instants = [new DateTimeOffset(2024, 3, 10, 0, 0, 0, TimeSpan.Zero)], Vector = new float[] { 0.7f, 0.3f },
            },
            new()
            {
                Id = 5, Price = -79228162514264337593543950335m, MaybePrice = -3m, Day = new DateOnly(2024, 2, 28), Time = new TimeOnly(6, 30),
                Prices = [0.0000000000000000000000000001m, -2.5m], Days = [new DateOnly(1970, 1, 1)], Shorts = [-1], Vector = new float[] { 0.6f, 0.4f },
            },
            new()
            {
                Id = 6, Price = 0.0000000000000000000000000001m, MaybePrice = 0.00m, Day = new DateOnly(2024, 2, 29), Time = new TimeOnly(13, 0),
                Prices = [0.1m], Vector = new float[] { 0.5f, 0.5f },
            },
            new()
            {
                Id = 7, Price = -1.25m, Day = new DateOnly(2025, 1, 1), Time = new TimeOnly(11, 59), Vector = new float[] { 0.4f, 0.6f },
            },
        ];
    }
}
