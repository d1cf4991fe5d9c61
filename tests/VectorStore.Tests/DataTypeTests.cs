using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests;

/// <summary>
/// Every data-property type the connector declares supported (FaissColumnMapping.SupportedDataTypes) round-trips
/// exactly through the public API, typed and dynamic, after a reopen of the store: DateTime by Ticks and Kind,
/// DateTimeOffset by Ticks and Offset, floating point by bit pattern (NaN, infinities, negative zero, subnormals),
/// strings by ordinal equality (NUL, emoji). Filters on those values agree with LINQ to objects.
/// </summary>
public sealed class DataTypeTests : IDisposable
{
    private static readonly PropertyInfo[] s_dataProperties = typeof(AllTypes).GetProperties()
        .Where(p => p.GetCustomAttribute<VectorStoreDataAttribute>() is not null).ToArray();

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Typed_records_round_trip_every_supported_type_exactly()
    {
        List<AllTypes> samples = AllTypes.Samples();
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<long, AllTypes>("types");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(samples);
        }

        // A fresh store: values come from SQLite, not from anything cached in memory.
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<long, AllTypes>("types");
            foreach (AllTypes expected in samples)
            {
                AllTypes? actual = await collection.GetAsync(expected.Id);
                Assert.NotNull(actual);
                foreach (PropertyInfo property in s_dataProperties)
                {
                    AssertExact(property.Name, property.GetValue(expected), property.GetValue(actual));
                }
            }

            // Search returns the same exact values.
            var hits = await collection.SearchAsync(new float[] { 1, 0 }, samples.Count).ToListAsync();
            Assert.Equal(samples.Count, hits.Count);
            foreach (var hit in hits)
            {
                AllTypes expected = samples.Single(s => s.Id == hit.Record.Id);
                foreach (PropertyInfo property in s_dataProperties)
                {
                    AssertExact(property.Name, property.GetValue(expected), property.GetValue(hit.Record));
                }
            }
        }
    }

    [Fact]
    public async Task A_record_with_only_dates_reads_back_with_kind_and_offset()
    {
        // The reported failure, alone: any record with a DateTime failed on read.
        var record = new Dates
        {
            Id = 1,
            When = new DateTime(2026, 12, 2, 7, 0, 0, DateTimeKind.Utc).AddTicks(1),
            WhenLocal = new DateTime(2026, 12, 2, 7, 0, 0, DateTimeKind.Local),
            At = new DateTimeOffset(2026, 12, 2, 7, 0, 0, TimeSpan.FromHours(-5)),
            Vector = new float[] { 1, 0 },
        };
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<long, Dates>("dates");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(record);
        Dates? read = await collection.GetAsync(1L);
        Assert.NotNull(read);
        AssertExact(nameof(Dates.When), record.When, read.When);
        AssertExact(nameof(Dates.WhenLocal), record.WhenLocal, read.WhenLocal);
        AssertExact(nameof(Dates.At), record.At, read.At);
    }

    [Fact]
    public async Task Dates_stored_as_bare_ticks_by_earlier_versions_still_read_and_filter()
    {
        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<long, Dates>("legacy_dates");
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(new Dates { Id = 1, Vector = new float[] { 1, 0 } });
        }

        // Earlier versions wrote DateTime.Ticks and DateTimeOffset.UtcTicks as integers.
        var when = new DateTime(2001, 2, 3, 4, 5, 6).AddTicks(7);
        var at = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero).AddTicks(8);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_temp.Database};Pooling=False"))
        {
            connection.Open();
            using var find = connection.CreateCommand();
            find.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%\"WhenLocal\"%'";
            string table = (string)find.ExecuteScalar()!;
            using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE \"{table}\" SET \"When\" = $when, \"At\" = $at";
            update.Parameters.AddWithValue("$when", when.Ticks);
            update.Parameters.AddWithValue("$at", at.UtcTicks);
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetCollection<long, Dates>("legacy_dates");
            Dates? read = await collection.GetAsync(1L);
            Assert.NotNull(read);
            AssertExact(nameof(Dates.When), when, read.When);
            AssertExact(nameof(Dates.At), at, read.At);
            Assert.Single(await collection.GetAsync(r => r.When == when && r.At > at.AddTicks(-1) && r.At < at.AddTicks(1), 10).ToListAsync());
            Assert.Empty(await collection.GetAsync(r => r.When > when, 10).ToListAsync());
        }
    }

    [Fact]
    public async Task Dynamic_records_round_trip_every_supported_type_exactly()
    {
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty(nameof(AllTypes.Id), typeof(long)),
                .. s_dataProperties.Select(p => new VectorStoreDataProperty(p.Name, DynamicType(p.PropertyType))),
                new VectorStoreVectorProperty(nameof(AllTypes.Vector), typeof(ReadOnlyMemory<float>), 2),
            ],
        };
        List<Dictionary<string, object?>> samples = [.. AllTypes.Samples().Select(s => new Dictionary<string, object?>(
            s_dataProperties.Select(p => KeyValuePair.Create(p.Name, DynamicValue(p.PropertyType, p.GetValue(s)))))
        {
            [nameof(AllTypes.Id)] = s.Id,
            [nameof(AllTypes.Vector)] = s.Vector,
        })];

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("dynamic_types", definition);
            await collection.EnsureCollectionExistsAsync();
            await collection.UpsertAsync(samples);
        }

        using (var store = new FaissVectorStore(_temp.Database))
        {
            var collection = store.GetDynamicCollection("dynamic_types", definition);
            foreach (Dictionary<string, object?> expected in samples)
            {
                Dictionary<string, object?>? actual = await collection.GetAsync(expected[nameof(AllTypes.Id)]!);
                Assert.NotNull(actual);
                foreach (PropertyInfo property in s_dataProperties)
                {
                    AssertExact(property.Name, expected[property.Name], actual[property.Name]);
                }
            }
        }
    }

    // A dynamic record's value must have the property's exact type (MEVD checks it), which no value of an interface
    // type has: dynamic definitions declare List<T> where the typed record declares IList<T> or IReadOnlyList<T>.
    private static Type DynamicType(Type type)
        => type.IsInterface ? typeof(List<>).MakeGenericType(type.GetGenericArguments()[0]) : type;

    private static object? DynamicValue(Type type, object? value)
        => type.IsInterface && value is not null ? Activator.CreateInstance(DynamicType(type), value) : value;

    public static TheoryData<string> FilterCases => new(s_filters.Keys);

    private static readonly Dictionary<string, Expression<Func<AllTypes, bool>>> s_filters = BuildFilters();

    private static Dictionary<string, Expression<Func<AllTypes, bool>>> BuildFilters()
    {
        DateTime localNoon = new(2024, 3, 10, 12, 0, 0, DateTimeKind.Local);
        DateTime sameTicksUtc = DateTime.SpecifyKind(AllTypes.LocalMoment, DateTimeKind.Utc);
        DateTimeOffset sameInstantOtherOffset = AllTypes.NepalMoment.ToOffset(TimeSpan.FromHours(-3));
        DateTimeOffset cutoff = new(2024, 3, 10, 0, 0, 0, TimeSpan.Zero);
        Guid maxGuid = AllTypes.MaxGuid;
        return new()
        {
            // DateTime compares by Ticks and ignores Kind, as the C# operators do.
            ["datetime_before"] = r => r.When < localNoon,
            ["datetime_after_or_equal"] = r => r.When >= localNoon,
            ["datetime_equal_other_kind"] = r => r.When == sameTicksUtc,
            ["datetime_not_equal"] = r => r.When != sameTicksUtc,
            ["datetime_max"] = r => r.When == DateTime.MaxValue,
            ["nullable_datetime_null"] = r => r.NullableWhen == null,
            ["nullable_datetime_after"] = r => r.NullableWhen > localNoon,

            // DateTimeOffset compares instants and ignores Offset, as the C# operators do.
            ["datetimeoffset_same_instant_other_offset"] = r => r.At == sameInstantOtherOffset,
            ["datetimeoffset_before"] = r => r.At < cutoff,
            ["datetimeoffset_after"] = r => r.At > cutoff,
            ["datetimeoffset_in"] = r => new[] { sameInstantOtherOffset, DateTimeOffset.MinValue }.Contains(r.At),
            ["nullable_datetimeoffset_not_null"] = r => r.NullableAt != null,
            ["nullable_datetimeoffset_range"] = r => r.NullableAt <= cutoff,

            // NaN compares false with everything; negative zero equals zero.
            ["double_positive"] = r => r.Double > 0,
            ["double_negative"] = r => r.Double < 0,
            ["double_zero"] = r => r.Double == 0,
            ["float_at_least_min"] = r => r.Single >= float.MinValue,
            ["nullable_double_not_positive"] = r => !(r.NullableDouble > 0),
            ["long_max"] = r => r.Long == long.MaxValue,
            ["long_min"] = r => r.Long <= long.MinValue,
            ["guid_equal"] = r => r.Guid == maxGuid,
            ["string_with_nul"] = r => r.Text == AllTypes.HostileText,
            ["strings_contains_emoji"] = r => r.Strings.Contains("🦙"),
            ["doubles_contains_negative_zero"] = r => r.Doubles.Contains(-0.0),
            ["guids_contains"] = r => r.Guids.Contains(maxGuid),
            ["ints_contains_max"] = r => r.Ints.Contains(int.MaxValue),
        };
    }

    [Theory]
    [MemberData(nameof(FilterCases))]
    public async Task Filters_on_each_type_match_linq_to_objects(string name)
    {
        Expression<Func<AllTypes, bool>> filter = s_filters[name];
        List<AllTypes> samples = AllTypes.Samples();
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<long, AllTypes>("filters");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(samples);
        var expected = samples.Where(filter.Compile()).Select(r => r.Id).Order().ToList();
        var actual = await collection.GetAsync(filter, 100).Select(r => r.Id).ToListAsync();
        Assert.Equal(expected, actual.Order());
        var searched = await collection.SearchAsync(new float[] { 1, 0 }, 100, new() { Filter = filter }).Select(r => r.Record.Id).ToListAsync();
        Assert.Equal(expected, searched.Order());
    }

    [Fact]
    public async Task A_NaN_filter_value_is_refused_with_a_clear_error()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<long, AllTypes>("nan");
        await collection.EnsureCollectionExistsAsync();
        await collection.UpsertAsync(AllTypes.Samples());
        NotSupportedException e = await Assert.ThrowsAsync<NotSupportedException>(
            async () => await collection.GetAsync(r => r.Double == double.NaN, 10).ToListAsync());
        Assert.Contains("NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_string_with_an_unpaired_surrogate_is_refused_and_nothing_is_stored()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var collection = store.GetCollection<long, AllTypes>("surrogate");
        await collection.EnsureCollectionExistsAsync();
        AllTypes record = AllTypes.Samples()[1];
        record.Text = "a\ud800b";
        ArgumentException e = await Assert.ThrowsAnyAsync<ArgumentException>(() => collection.UpsertAsync(record));
        Assert.Contains("surrogate", e.Message, StringComparison.Ordinal);
        Assert.Null(await collection.GetAsync(record.Id));
    }

    [Fact]
    public void Unsupported_types_are_refused_naming_the_supported_ones()
    {
        using var store = new FaissVectorStore(_temp.Database);
        var definition = new VectorStoreCollectionDefinition
        {
            Properties =
            [
                new VectorStoreKeyProperty("Id", typeof(long)),
                new VectorStoreDataProperty("Price", typeof(TimeSpan)),
                new VectorStoreVectorProperty("Vector", typeof(float[]), 2),
            ],
        };
        var e = Assert.ThrowsAny<Exception>(() => store.GetDynamicCollection("timespan", definition));
        Assert.Contains("Price", e.Message, StringComparison.Ordinal);
        Assert.Contains("DateTimeOffset", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Compares two values by everything that distinguishes them, naming the property on failure.</summary>
    private static void AssertExact(string property, object? expected, object? actual)
        => Assert.True(
            Exact(expected) == Exact(actual),
            $"{property}: expected {Exact(expected)}, got {Exact(actual)} ({actual?.GetType().Name ?? "null"})");

    private static string Exact(object? value) => value switch
    {
        null => "null",
        string s => "\"" + string.Concat(s.Select(c => c < 0x20 || c > 0x7e ? $"\\u{(int)c:x4}" : c.ToString())) + "\"",
        DateTime d => $"DateTime({d.Ticks}, {d.Kind})",
        DateTimeOffset d => $"DateTimeOffset({d.Ticks}, {d.Offset})",
        double d => $"double(0x{BitConverter.DoubleToInt64Bits(d):x16})",
        float f => $"float(0x{BitConverter.SingleToInt32Bits(f):x8})",
        // The concrete type behind an interface-typed property is not part of its value.
        System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Exact)) + "]",
        IFormattable f => value.GetType().Name + "(" + f.ToString(null, CultureInfo.InvariantCulture) + ")",
        _ => value.GetType().Name + "(" + value + ")",
    };

    /// <summary>A record with dates only.</summary>
    public sealed class Dates
    {
        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData]
        public DateTime When { get; set; }

        [VectorStoreData]
        public DateTime WhenLocal { get; set; }

        [VectorStoreData]
        public DateTimeOffset At { get; set; }

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    /// <summary>A record with one property of each supported data type, nullable and not, and each supported collection.</summary>
    public sealed class AllTypes
    {
        internal static readonly string HostileText = "nul\0inside, emoji 🦙👩‍👩‍👧, combining é, bom \ufeff, max \U0010FFFF";
        internal static readonly Guid MaxGuid = Guid.Parse("ffffffff-ffff-ffff-ffff-ffffffffffff");

        // A local wall-clock time with sub-millisecond ticks (in a DST gap on some zones: stored as given, no conversion).
        internal static readonly DateTime LocalMoment = new DateTime(2024, 3, 10, 2, 30, 0, DateTimeKind.Local).AddTicks(1_234_567);
        internal static readonly DateTimeOffset NepalMoment = new DateTimeOffset(2024, 3, 10, 5, 45, 0, new TimeSpan(5, 45, 0)).AddTicks(7_654_321);

        [VectorStoreKey]
        public long Id { get; set; }

        [VectorStoreData]
        public string Text { get; set; } = "";

        [VectorStoreData]
        public string? NullableText { get; set; }

        [VectorStoreData]
        public bool Flag { get; set; }

        [VectorStoreData]
        public bool? NullableFlag { get; set; }

        [VectorStoreData]
        public int Int { get; set; }

        [VectorStoreData]
        public int? NullableInt { get; set; }

        [VectorStoreData]
        public long Long { get; set; }

        [VectorStoreData]
        public long? NullableLong { get; set; }

        [VectorStoreData]
        public short Short { get; set; }

        [VectorStoreData]
        public short? NullableShort { get; set; }

        [VectorStoreData]
        public byte Byte { get; set; }

        [VectorStoreData]
        public byte? NullableByte { get; set; }

        [VectorStoreData]
        public float Single { get; set; }

        [VectorStoreData]
        public float? NullableSingle { get; set; }

        [VectorStoreData]
        public double Double { get; set; }

        [VectorStoreData]
        public double? NullableDouble { get; set; }

        [VectorStoreData]
        public Guid Guid { get; set; }

        [VectorStoreData]
        public Guid? NullableGuid { get; set; }

        [VectorStoreData]
        public DateTime When { get; set; }

        [VectorStoreData]
        public DateTime? NullableWhen { get; set; }

        [VectorStoreData]
        public DateTimeOffset At { get; set; }

        [VectorStoreData]
        public DateTimeOffset? NullableAt { get; set; }

        [VectorStoreData]
        public string[] Strings { get; set; } = [];

        [VectorStoreData]
        public List<bool> Bools { get; set; } = [];

        [VectorStoreData]
        public int[] Ints { get; set; } = [];

        [VectorStoreData]
        public IList<long> Longs { get; set; } = [];

        [VectorStoreData]
        public IReadOnlyList<float> Singles { get; set; } = [];

        [VectorStoreData]
        public List<double> Doubles { get; set; } = [];

        [VectorStoreData]
        public Guid[] Guids { get; set; } = [];

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Vector { get; set; }

        public static List<AllTypes> Samples() =>
        [
            new()
            {
                // Minimums, empties and nulls.
                Id = 1, Text = "", Flag = false, Int = int.MinValue, Long = long.MinValue, Short = short.MinValue, Byte = byte.MinValue,
                Single = float.MinValue, Double = double.MinValue, Guid = Guid.Empty,
                When = DateTime.MinValue, At = DateTimeOffset.MinValue,
                Strings = [], Bools = [], Ints = [], Longs = [], Singles = [], Doubles = [], Guids = [],
                Vector = new float[] { 1, 0 },
            },
            new()
            {
                // Maximums, hostile text, UTC kind, every nullable set.
                Id = 2, Text = HostileText, NullableText = "", Flag = true, NullableFlag = false,
                Int = int.MaxValue, NullableInt = 0, Long = long.MaxValue, NullableLong = long.MinValue,
                Short = short.MaxValue, NullableShort = -1, Byte = byte.MaxValue, NullableByte = 0,
                Single = float.MaxValue, NullableSingle = float.Epsilon, Double = double.MaxValue, NullableDouble = double.Epsilon,
                Guid = MaxGuid, NullableGuid = Guid.Empty,
                When = DateTime.MaxValue, NullableWhen = new DateTime(2024, 3, 10, 12, 0, 0, DateTimeKind.Utc).AddTicks(1),
                At = DateTimeOffset.MaxValue, NullableAt = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(14)),
                Strings = [HostileText, "", "🦙"], Bools = [true, false], Ints = [int.MinValue, int.MaxValue],
                Longs = [long.MinValue, long.MaxValue, 9_007_199_254_740_993], Singles = [float.MinValue, float.MaxValue, float.Epsilon, 0.1f],
                Doubles = [double.MinValue, double.MaxValue, double.Epsilon, 0.1], Guids = [Guid.Empty, MaxGuid],
                Vector = new float[] { 0.9f, 0.1f },
            },
            new()
            {
                // IEEE specials, Local kind, odd offsets.
                Id = 3, Text = "x", Single = float.NaN, NullableSingle = float.NegativeInfinity, Double = -0.0, NullableDouble = double.PositiveInfinity,
                When = LocalMoment, NullableWhen = new DateTime(2024, 3, 10, 12, 0, 0, DateTimeKind.Local).AddTicks(-1),
                At = NepalMoment, NullableAt = new DateTimeOffset(2024, 3, 9, 20, 0, 0, TimeSpan.FromHours(-14)),
                Singles = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f],
                Doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0],
                Vector = new float[] { 0.8f, 0.2f },
            },
            new()
            {
                // Unspecified kind, ordinary values, positive and negative specials swapped.
                Id = 4, Text = "plain", Single = float.PositiveInfinity, Double = double.NaN, NullableDouble = -0.0,
                When = new DateTime(2024, 3, 10, 12, 0, 0, DateTimeKind.Unspecified), At = new DateTimeOffset(2024, 3, 10, 0, 0, 0, TimeSpan.Zero),
                Singles = [1.5f], Doubles = [-1.5],
                Vector = new float[] { 0.7f, 0.3f },
            },
            new()
            {
                Id = 5, Text = "neg", Single = -1, Double = double.NegativeInfinity, Long = -1,
                When = new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999), At = new DateTimeOffset(1999, 12, 31, 23, 0, 0, TimeSpan.FromMinutes(-90)),
                Vector = new float[] { 0.6f, 0.4f },
            },
        ];
    }
}
