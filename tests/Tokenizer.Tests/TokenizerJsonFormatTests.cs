using System.Text;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>A hand-written miniature tokenizer.json in the layouts Hugging Face has written over time.</summary>
public sealed class TokenizerJsonFormatTests
{
    private const string Vocabulary = """{"<pad>":0,"<eos>":1,"<bos>":2,"<unk>":3,"a":4,"b":5,"ab":6,"\u2581":7,"\u2581a":8,"\n":9,"\n\n":10}""";
    private const string Merges = """[["a","b"],["\u2581","a"],["\n","\n"]]""";
    private const string LegacyMerges = """["a b","\u2581 a","\n \n"]""";
    private const string Normalizer = """{"type":"Replace","pattern":{"String":" "},"content":"\u2581"}""";

    [Theory]
    [InlineData("vocab first, pair merges")]
    [InlineData("vocab first, legacy merges")]
    [InlineData("merges first")]
    public void Layouts_give_the_same_ids(string layout)
    {
        string model = layout switch
        {
            "vocab first, pair merges" => $$"""{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":false,"vocab":{{Vocabulary}},"merges":{{Merges}}}""",
            "vocab first, legacy merges" => $$"""{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"byte_fallback":false,"vocab":{{Vocabulary}},"merges":{{LegacyMerges}}}""",
            _ => $$"""{"type":"BPE","merges":{{Merges}},"unk_token":"<unk>","fuse_unk":true,"vocab":{{Vocabulary}}}""",
        };
        string json = $$"""{"version":"1.0","added_tokens":[],"normalizer":{{Normalizer}},"pre_tokenizer":null,"post_processor":null,"model":{{model}}}""";

        GemmaTokenizer tokenizer = GemmaTokenizer.FromTokenizerJson(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        // "ab a" -> a b ▁ a -> (a,b) rank 0, (▁,a) rank 1 -> ab ▁a; no post_processor -> EmbeddingGemma framing.
        Assert.Equal([2, 6, 8, 1], tokenizer.EncodeToIds("ab a"));
        // Unknown chars fuse into one <unk> (fuse_unk, no byte fallback); escaped "\n" merges resolve.
        Assert.Equal([2, 3, 10, 4, 1], tokenizer.EncodeToIds("cc\n\na"));
        Assert.Equal(11, tokenizer.VocabularySize);
    }

    [Fact]
    public void Legacy_merge_without_a_single_space_is_reported()
    {
        string json = "{\"normalizer\":" + Normalizer + ",\"model\":{\"type\":\"BPE\",\"vocab\":" + Vocabulary + ",\"merges\":[\"ab\"]}}";
        InvalidDataException error = Assert.Throws<InvalidDataException>(
            () => GemmaTokenizer.FromTokenizerJson(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("merge #0 'ab' is not 'left right'", error.Message);
    }
}
