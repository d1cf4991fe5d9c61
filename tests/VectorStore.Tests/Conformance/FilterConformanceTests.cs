using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.VectorData;

namespace SkEmbeddingGemma.VectorData.Faiss.Tests.Conformance;

/// <summary>
/// The filter scenarios a connector conformance suite runs, beyond comparisons: Any(...) and Contains over array and list
/// properties, values.Contains(property), and string Contains, StartsWith and EndsWith. Each filter runs through GetAsync
/// (SQL) and SearchAsync (SQL pre-filter + FAISS selector) and must select exactly the records LINQ to objects selects
/// with ordinal string semantics, on data built to expose LIKE's case folding and wildcards (%, _), non-ASCII, NUL and
/// emoji.
/// </summary>
public sealed class FilterConformanceTests : IClassFixture<FilterConformanceTests.Fixture>
{
    private static readonly List<string> s_wanted = ["red", "nope"];
    private readonly Fixture _fixture;

    public FilterConformanceTests(Fixture fixture) => _fixture = fixture;

    public static TheoryData<string> Cases => new(s_cases.Keys);

    private static readonly Dictionary<string, Expression<Func<Item, bool>>> s_cases = BuildCases();

    private static Dictionary<string, Expression<Func<Item, bool>>> BuildCases()
    {
        string prefix = "snake_";
        string? nullName = null;
        string[] names = ["Apple pie", "100% natural"];
        string?[] namesWithNull = ["Apple pie", null];
        return new()
        {
            // String methods: ordinal, case-sensitive, no wildcards.
            ["contains_case_sensitive"] = r => r.Name!.Contains("pie"),
            ["contains_upper"] = r => r.Name!.Contains("PIE"),
            ["contains_percent"] = r => r.Name!.Contains("%"),
            ["contains_underscore"] = r => r.Name!.Contains("_"),
            ["contains_percent_char"] = r => r.Name!.Contains('%'),
            ["contains_empty"] = r => r.Name!.Contains(""),
            ["contains_sharp_s"] = r => r.Name!.Contains("ß"),
            ["contains_emoji"] = r => r.Name!.Contains("🦙"),
            ["contains_nul"] = r => r.Name!.Contains("\0"),
            ["contains_ordinal"] = r => r.Name!.Contains("pie", StringComparison.Ordinal),
            ["not_contains"] = r => !r.Name!.Contains("a"),
            ["starts_with_underscore_pattern"] = r => r.Name!.StartsWith(prefix, StringComparison.Ordinal),
            ["starts_with_lower"] = r => r.Name!.StartsWith("apple"),
            ["starts_with_upper"] = r => r.Name!.StartsWith("Apple"),
            ["starts_with_char"] = r => r.Name!.StartsWith('a'),
            ["starts_with_percent"] = r => r.Name!.StartsWith("100%"),
            ["starts_with_umlaut"] = r => r.Name!.StartsWith("Ü"),
            ["starts_with_empty"] = r => r.Name!.StartsWith(""),
            ["starts_with_nul"] = r => r.Name!.StartsWith("nul\0"),
            ["starts_with_longer_than_value"] = r => r.Name!.StartsWith("Apple pie and more") || r.Name!.StartsWith("red"),
            ["ends_with"] = r => r.Name!.EndsWith("name"),
            ["ends_with_upper"] = r => r.Name!.EndsWith("PIE", StringComparison.Ordinal),
            ["ends_with_char"] = r => r.Name!.EndsWith('e'),
            ["ends_with_non_ascii"] = r => r.Name!.EndsWith("straße"),
            ["ends_with_nul_inside"] = r => r.Name!.EndsWith("\0byte"),
            ["ends_with_emoji_pair"] = r => r.Name!.EndsWith("🦙"),
            ["string_method_and_comparison"] = r => r.Name!.StartsWith("snake") && r.Min < 1,

            // Any(...) and Contains over string[], List<string> and int[].
            ["tags_any"] = r => r.Tags.Any(),
            ["tags_not_any"] = r => !r.Tags.Any(),
            ["tags_any_equal"] = r => r.Tags.Any(t => t == "red"),
            ["tags_any_or"] = r => r.Tags.Any(t => t == "red" || t == "Blue"),
            ["tags_any_starts_with"] = r => r.Tags.Any(t => t.StartsWith("bl")),
            ["tags_any_contains_underscore"] = r => r.Tags.Any(t => t.Contains("_")),
            ["tags_any_in_captured_list"] = r => r.Tags.Any(t => s_wanted.Contains(t)),
            ["tags_not_any_equal"] = r => !r.Tags.Any(t => t == "red"),
            ["tags_any_equal_property"] = r => r.Tags.Any(t => t == r.Name),
            ["tags_contains_property"] = r => r.Tags.Contains(r.Name!),
            ["labels_any_contains_percent"] = r => r.Labels.Any(l => l.Contains("%")),
            ["labels_contains"] = r => r.Labels.Contains("x%y"),
            ["labels_any_ends_with"] = r => r.Labels.Any(l => l.EndsWith("_z")),
            ["scores_any_greater"] = r => r.Scores.Any(s => s > 90),
            ["scores_any_range"] = r => r.Scores.Any(s => s >= 10 && s < 20),
            ["scores_any_above_own_min"] = r => r.Scores.Any(s => s > r.Min),
            ["scores_any_vs_property"] = r => r.Scores.Any(s => s < r.Min),
            ["scores_contains"] = r => r.Scores.Contains(42),
            ["two_anys"] = r => r.Tags.Any(t => t == "red") && r.Scores.Any(s => s > 50),

            // values.Contains(property), with and without null among the values.
            ["captured_names_contain_name"] = r => names.Contains(r.Name),
            ["captured_names_with_null_contain_name"] = r => namesWithNull.Contains(r.Name),
            ["not_captured_names_contain_name"] = r => !names.Contains(r.Name),
            ["name_equals_captured_null"] = r => r.Name == nullName,
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GetAsync_selects_what_linq_to_objects_selects(string name)
    {
        Expression<Func<Item, bool>> filter = s_cases[name];
        List<int> expected = Expected(filter);
        var actual = await _fixture.Collection.GetAsync(filter, 100).Select(r => r.Id).ToListAsync();
        Assert.Equal(expected, actual.Order());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SearchAsync_selects_what_GetAsync_selects(string name)
    {
        Expression<Func<Item, bool>> filter = s_cases[name];
        List<int> expected = Expected(filter);
        var actual = await _fixture.Collection.SearchAsync(new float[] { 1, 0 }, 100, new() { Filter = filter }).Select(r => r.Record.Id).ToListAsync();
        Assert.Equal(expected, actual.Order());
    }

    [Fact]
    public void The_cases_exercise_both_outcomes()
    {
        // A filter that selects everything or nothing would pass against a translation that ignores it.
        foreach ((string name, Expression<Func<Item, bool>> filter) in s_cases)
        {
            int count = Expected(filter).Count;
            Assert.True(count > 0 && count < _fixture.Items.Count, $"{name} selects {count} of {_fixture.Items.Count}");
        }
    }

    [Fact]
    public async Task Unsupported_constructs_throw_NotSupportedException_naming_them()
    {
        var collection = _fixture.Collection;
        await AssertUnsupported("ToUpper", r => r.Name!.ToUpper() == "APPLE PIE");
        await AssertUnsupported("OrdinalIgnoreCase", r => r.Name!.StartsWith("apple", StringComparison.OrdinalIgnoreCase));
        await AssertUnsupported("CurrentCulture", r => r.Name!.Contains("apple", StringComparison.CurrentCulture));
        await AssertUnsupported("Length", r => r.Tags.Any(t => t.Length > 2));
        await AssertUnsupported("All", r => r.Tags.All(t => t == "red"));
        await AssertUnsupported("IndexOf", r => r.Name!.IndexOf("a", StringComparison.Ordinal) == 0);
        await AssertUnsupported("Min", r => r.Min.ToString().StartsWith("1"));

        async Task AssertUnsupported(string construct, Expression<Func<Item, bool>> filter)
        {
            NotSupportedException e = await Assert.ThrowsAsync<NotSupportedException>(async () => await collection.GetAsync(filter, 10).ToListAsync());
            Assert.Contains(construct, e.Message, StringComparison.Ordinal);
            e = await Assert.ThrowsAsync<NotSupportedException>(
                async () => await collection.SearchAsync(new float[] { 1, 0 }, 10, new() { Filter = filter }).ToListAsync());
            Assert.Contains(construct, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_null_needle_is_refused_like_the_CSharp_method_refuses_it()
    {
        string? needle = null;
        ArgumentNullException e = await Assert.ThrowsAsync<ArgumentNullException>(
            async () => await _fixture.Collection.GetAsync(r => r.Name!.StartsWith(needle!), 10).ToListAsync());
        Assert.Contains("StartsWith", e.Message, StringComparison.Ordinal);
    }

    private List<int> Expected(Expression<Func<Item, bool>> filter)
    {
        Func<Item, bool> reference = ((Expression<Func<Item, bool>>)new OrdinalNullSafeStrings().Visit(filter)).Compile();
        return [.. _fixture.Items.Where(reference).Select(r => r.Id).Order()];
    }

    /// <summary>
    /// The reference semantics: string methods compare ordinally (the string overloads of StartsWith and EndsWith
    /// without a comparison are culture-sensitive in .NET; the store compares ordinally) and are false on a null string.
    /// </summary>
    private sealed class OrdinalNullSafeStrings : ExpressionVisitor
    {
        private static readonly MethodInfo s_startsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!;
        private static readonly MethodInfo s_endsWith = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string), typeof(StringComparison)])!;

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            node = (MethodCallExpression)base.VisitMethodCall(node);
            if (node.Method.DeclaringType != typeof(string) || node.Object is null
                || node.Method.Name is not (nameof(string.Contains) or nameof(string.StartsWith) or nameof(string.EndsWith)))
            {
                return node;
            }

            Expression call = node;
            if (node.Method.Name != nameof(string.Contains) && node.Arguments is [{ Type: var argumentType } argument] && argumentType == typeof(string))
            {
                call = Expression.Call(node.Object, node.Method.Name == nameof(string.StartsWith) ? s_startsWith : s_endsWith,
                    argument, Expression.Constant(StringComparison.Ordinal));
            }

            return Expression.AndAlso(Expression.NotEqual(node.Object, Expression.Constant(null, typeof(string))), call);
        }
    }

    /// <summary>A record with strings, tag arrays and lists.</summary>
    public sealed class Item
    {
        [VectorStoreKey]
        public int Id { get; set; }

        [VectorStoreData]
        public string? Name { get; set; }

        [VectorStoreData]
        public int Min { get; set; }

        [VectorStoreData]
        public string[] Tags { get; set; } = [];

        [VectorStoreData]
        public List<string> Labels { get; set; } = [];

        [VectorStoreData]
        public int[] Scores { get; set; } = [];

        [VectorStoreVector(2)]
        public ReadOnlyMemory<float> Vector { get; set; }
    }

    public sealed class Fixture : IDisposable
    {
        private readonly TempDirectory _temp = new();
        private readonly FaissVectorStore _store;

        public Fixture()
        {
            _store = new FaissVectorStore(_temp.Database);
            Collection = _store.GetCollection<int, Item>("filter_conformance");
            Collection.EnsureCollectionExistsAsync().GetAwaiter().GetResult();
            string?[] names =
            [
                "Apple pie", "apple PIE", "100% natural", "100 percent", "snake_case_name", "snakeXcaseXname",
                "Ünïcödé straße", "unicode strasse", "emoji 🦙", null, "", "nul\0byte", "red",
            ];
            string[][] tags = [["red", "blue"], ["Blue"], [], ["black", "x_y"], ["red"], ["xred"], ["snake_case_name"], ["RED"], [], ["blue"], ["red", "green"], [], ["red"]];
            List<string>[] labels = [["x%y"], ["xzy", "a_z"], [], ["%"], ["ab_z"], [], ["x%y", "q"], ["xay"], [], [], ["_z"], [], []];
            int[][] scores = [[10, 95], [42], [], [15], [91, 3], [19, 20], [], [60], [5, 42], [100], [55], [0], [1]];
            Items = [.. names.Select((n, i) => new Item
            {
                Id = i + 1,
                Name = n,
                Min = i % 4,
                Tags = tags[i],
                Labels = labels[i],
                Scores = scores[i],
                Vector = new float[] { 1, i / 10f },
            })];
            Collection.UpsertAsync(Items).GetAwaiter().GetResult();
        }

        public FaissCollection<int, Item> Collection { get; }

        public List<Item> Items { get; }

        public void Dispose()
        {
            _store.Dispose();
            _temp.Dispose();
        }
    }
}
