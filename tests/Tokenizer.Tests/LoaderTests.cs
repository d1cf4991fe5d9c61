using System.Text;
using SkEmbeddingGemma.TestSupport;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Loader equivalence (tokenizer.json vs tokenizer.model) and typed failures on bad input.</summary>
[Collection(GemmaTokenizerCollection.Name)]
public sealed class LoaderTests(GemmaTokenizerFixture fixture)
{
    private static string EmbeddingGemmaFile(string name) => Path.Combine(GemmaTokenizerAssets.EmbeddingGemmaTokenizerDirectory, name);

    [Fact]
    public void Sentence_piece_conversion_reproduces_every_merge_rank_of_tokenizer_json()
    {
        BpeModelData json;
        using (FileStream stream = File.OpenRead(EmbeddingGemmaFile("tokenizer.json")))
        {
            json = TokenizerJsonLoader.Load(stream, "tokenizer.json").Data;
        }

        BpeModelData model;
        using (FileStream stream = File.OpenRead(EmbeddingGemmaFile("tokenizer.model")))
        {
            model = SentencePieceModelLoader.Load(stream, "tokenizer.model");
        }

        // Gemma 3: 262,144 pieces and 514,906 merges; the json's 6,415 added tokens include <image_soft_token>,
        // which a SentencePiece model cannot hold (it comes from tokenizer_config.json instead).
        Assert.Equal(262_144, json.Vocabulary.Count);
        Assert.Equal(514_906, json.Merges.Count);
        Assert.Equal(json.Vocabulary, model.Vocabulary);
        // Same (left, right) -> (rank, merged) entries in the same rank order.
        Assert.Equal(json.Merges.Count, model.Merges.Count);
        int firstDifference = Enumerable.Range(0, json.Merges.Count).FirstOrDefault(i => !json.Merges[i].Equals(model.Merges[i]), -1);
        Assert.Equal(-1, firstDifference);

        Assert.Equal(6_415, json.AddedTokens.Count);
        Assert.Equal(
            json.AddedTokens.Where(static t => t.Id < 262_144).OrderBy(static t => t.Id),
            model.AddedTokens.OrderBy(static t => t.Id));
        Assert.Equal(json.UnknownToken, model.UnknownToken);
        Assert.True(json.ByteFallback && model.ByteFallback && json.FuseUnknown && model.FuseUnknown);
    }

    [Fact]
    public void Sentence_piece_stream_loader_uses_the_given_framing()
    {
        using FileStream stream = File.OpenRead(EmbeddingGemmaFile("tokenizer.model"));
        GemmaTokenizer tokenizer = GemmaTokenizer.FromSentencePieceModel(stream, new TokenFraming(true, false));
        Assert.Equal([2, 9259, 1902], tokenizer.EncodeToIds("Hello world"));
        // Without tokenizer_config.json there is no <image_soft_token>.
        Assert.Equal(262_144, tokenizer.VocabularySize);
    }

    [Fact]
    public void Folder_framing_falls_back_to_tokenizer_config_then_to_EmbeddingGemma()
    {
        string directory = Directory.CreateTempSubdirectory("skeg-framing-").FullName;
        try
        {
            File.Copy(EmbeddingGemmaFile("tokenizer.model"), Path.Combine(directory, "tokenizer.model"));
            Assert.Equal(TokenFraming.EmbeddingGemma, GemmaTokenizer.FromDirectory(directory).Framing);
            File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), """{"add_bos_token": true, "add_eos_token": false}""");
            Assert.Equal(new TokenFraming(true, false), GemmaTokenizer.FromDirectory(directory).Framing);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Tokenizer_json_without_post_processor_takes_the_given_or_default_framing()
    {
        byte[] json = GemmaTokenizerAssets.ReplacePostProcessor(File.ReadAllBytes(EmbeddingGemmaFile("tokenizer.json")), "null");
        Assert.Equal(TokenFraming.EmbeddingGemma, GemmaTokenizer.FromTokenizerJson(new MemoryStream(json)).Framing);
        Assert.Equal(new TokenFraming(false, false), GemmaTokenizer.FromTokenizerJson(new MemoryStream(json), new TokenFraming(false, false)).Framing);
    }

    [Fact]
    public void Null_arguments_throw_with_the_parameter_name()
    {
        Assert.Throws<ArgumentNullException>("directory", () => GemmaTokenizer.FromDirectory(null!));
        Assert.Throws<ArgumentNullException>("tokenizerJson", () => GemmaTokenizer.FromTokenizerJson(null!));
        Assert.Throws<ArgumentNullException>("tokenizerModel", () => GemmaTokenizer.FromSentencePieceModel(null!, TokenFraming.EmbeddingGemma));
        Assert.Throws<ArgumentNullException>("framing", () => GemmaTokenizer.FromSentencePieceModel(new MemoryStream(), null!));
        Assert.Throws<ArgumentNullException>("destination", () => fixture.EmbeddingGemma.AppendTextIds("x", null!));
        Assert.Throws<ArgumentNullException>("ids", () => fixture.EmbeddingGemma.Decode(null!));
    }

    [Fact]
    public void Missing_files_throw_FileNotFoundException_naming_what_was_looked_for()
    {
        string directory = Directory.CreateTempSubdirectory("skeg-empty-").FullName;
        try
        {
            FileNotFoundException error = Assert.Throws<FileNotFoundException>(() => GemmaTokenizer.FromDirectory(directory));
            Assert.Contains("tokenizer.json", error.Message);
            Assert.Contains("tokenizer.model", error.Message);
            Assert.Contains(directory, error.Message);
            Assert.Throws<FileNotFoundException>(() => GemmaTokenizer.FromDirectory(Path.Combine(directory, "missing")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("not json at all", "is not valid JSON")]
    [InlineData("{\"model\": {\"type\": \"Unigram\", \"vocab\": []}}", "model type 'Unigram'")]
    [InlineData("{\"added_tokens\": []}", "no \"model\" section")]
    [InlineData("{\"normalizer\": {\"type\": \"NFKC\"}, \"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}}", "unsupported normalizer")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [[\"a\", \"b\"]]}}", "merge #0")]
    [InlineData("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": []}}", "no '<bos>' token")]
    [InlineData(AddedTokensHead + "{\"id\": -3, \"content\": \"<x>\", \"special\": true}" + AddedTokensTail, "\"added_tokens\" entry 1 ('<x>') has id -3, outside 0..4")]
    [InlineData(AddedTokensHead + "{\"id\": 2000000000, \"content\": \"<x>\", \"special\": true}" + AddedTokensTail, "\"added_tokens\" entry 1 ('<x>') has id 2000000000, outside 0..4")]
    [InlineData(AddedTokensHead + "{\"id\": 4, \"content\": \"\\ud800\", \"special\": true}" + AddedTokensTail, "\"added_tokens\" entry 1: \"content\" holds a lone surrogate escape")]
    [InlineData(AddedTokensHead + "{\"id\": \"4\", \"content\": \"<x>\"}" + AddedTokensTail, "\"added_tokens\" entry 1 lacks an integer \"id\"")]
    public void Corrupt_tokenizer_json_throws_InvalidDataException_naming_the_file_and_problem(string json, string problem)
    {
        string directory = Directory.CreateTempSubdirectory("skeg-corrupt-").FullName;
        try
        {
            string path = Path.Combine(directory, "tokenizer.json");
            File.WriteAllText(path, json);
            InvalidDataException error = Assert.Throws<InvalidDataException>(() => GemmaTokenizer.FromDirectory(directory));
            Assert.Contains(path, error.Message);
            Assert.Contains(problem, error.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    // A loadable tokenizer.json (vocabulary <pad> <eos> <bos>) with one good added token (entry 0) and one under test (entry 1).
    private const string AddedTokensHead = "{\"added_tokens\": [{\"id\": 2, \"content\": \"<bos>\", \"special\": true}, ";
    private const string AddedTokensTail = "], \"model\": {\"type\": \"BPE\", \"vocab\": {\"<pad>\": 0, \"<eos>\": 1, \"<bos>\": 2}, \"merges\": []}}";

    [Fact]
    public void Corrupt_tokenizer_model_throws_InvalidDataException_naming_the_file()
    {
        string directory = Directory.CreateTempSubdirectory("skeg-corrupt-model-").FullName;
        try
        {
            string path = Path.Combine(directory, "tokenizer.model");
            byte[] model = File.ReadAllBytes(EmbeddingGemmaFile("tokenizer.model"));
            File.WriteAllBytes(path, model[..(model.Length / 2)]);
            InvalidDataException truncated = Assert.Throws<InvalidDataException>(() => GemmaTokenizer.FromDirectory(directory));
            Assert.Contains(path, truncated.Message);

            File.WriteAllBytes(path, Encoding.UTF8.GetBytes("plain text, not protobuf"));
            InvalidDataException garbage = Assert.Throws<InvalidDataException>(() => GemmaTokenizer.FromDirectory(directory));
            Assert.Contains(path, garbage.Message);

            File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), "{ broken");
            InvalidDataException config = Assert.Throws<InvalidDataException>(() => GemmaTokenizer.FromDirectory(directory));
            Assert.Contains("tokenizer_config.json", config.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Unsupported_added_token_options_are_rejected()
    {
        const string json = """
            {"added_tokens":[{"id":0,"content":"<x>","special":false,"normalized":false,"lstrip":true,"rstrip":false,"single_word":false}],
             "model":{"type":"BPE","vocab":{"<x>":0},"merges":[]}}
            """;
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => GemmaTokenizer.FromTokenizerJson(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("tokenizer.json (stream)", error.Message);
        Assert.Contains("lstrip", error.Message);
    }
}
