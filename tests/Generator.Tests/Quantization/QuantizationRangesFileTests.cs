using SkEmbeddingGemma.Quantization;

namespace SkEmbeddingGemma.Tests.Quantization;

public sealed class QuantizationRangesFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("skeg-ranges-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Saved_ranges_reload_bit_for_bit()
    {
        var ranges = new QuantizationRanges([-0.1234567f, 1e-7f, -3.4e38f], [0.3333333f, 2e-7f, 3.4e38f]);
        string path = Path.Combine(_folder, "ranges.json");
        ranges.Save(path);
        QuantizationRanges loaded = QuantizationRanges.Load(path);
        Assert.Equal(ranges.Minimums.ToArray(), loaded.Minimums.ToArray());
        Assert.Equal(ranges.Maximums.ToArray(), loaded.Maximums.ToArray());
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"format":"other","version":1,"dimensions":1,"minimums":[0],"maximums":[1]}""", "'format'")]
    [InlineData("""{"format":"skembeddinggemma.quantization-ranges","version":2,"dimensions":1,"minimums":[0],"maximums":[1]}""", "'version' is 2")]
    [InlineData("""{"format":"skembeddinggemma.quantization-ranges","version":1,"dimensions":2,"minimums":[0],"maximums":[1,2]}""", "'minimums' has 1 values")]
    [InlineData("""{"format":"skembeddinggemma.quantization-ranges","version":1,"dimensions":1,"minimums":["a"],"maximums":[1]}""", "'minimums'[0]")]
    [InlineData("""{"format":"skembeddinggemma.quantization-ranges","version":1,"dimensions":2,"minimums":[0,1],"maximums":[1,1]}""", "dimension 1 is empty")]
    public void Invalid_files_are_refused_naming_the_file_and_field(string content, string expected)
    {
        string path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, content);
        var e = Assert.Throws<InvalidDataException>(() => QuantizationRanges.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        string path = Path.Combine(_folder, "missing.json");
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => QuantizationRanges.Load(path)).Message);
    }
}
