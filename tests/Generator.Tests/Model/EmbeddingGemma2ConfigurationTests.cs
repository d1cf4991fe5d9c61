using SkEmbeddingGemma.Model;
using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.Tokenization;

namespace SkEmbeddingGemma.Tests.Model;

/// <summary>What an EmbeddingGemma 2 folder's JSON files say, read without the graph.</summary>
public sealed class EmbeddingGemma2ConfigurationTests
{
    [Fact]
    public void A_nested_text_config_gives_sizes_and_the_top_level_model_type()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), """
            {"model_type": "embedding_gemma2", "image_token_id": 258880,
             "text_config": {"model_type": "embedding_gemma2_text", "vocab_size": 262144, "hidden_size": 512, "max_position_embeddings": 262144}}
            """);
        File.WriteAllText(Path.Combine(folder.Path, "sentence_bert_config.json"), """{"max_seq_length": 8192, "do_lower_case": false}""");

        ModelConfiguration configuration = ModelConfiguration.Load(folder.Path);

        Assert.Equal(new ModelConfiguration(8192, false, 262144, "embedding_gemma2") { HiddenSize = 512, IsMultimodal = true }, configuration);
    }

    [Fact]
    public void A_flat_text_config_is_a_text_model()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), """{"model_type": "gemma3_text", "hidden_size": 768, "vocab_size": 262144, "max_position_embeddings": 2048}""");

        ModelConfiguration configuration = ModelConfiguration.Load(folder.Path);

        Assert.False(configuration.IsMultimodal);
        Assert.Equal((2048, 768, "gemma3_text"), (configuration.MaxSequenceLength, configuration.HiddenSize, configuration.ModelType));
    }

    [Fact]
    public void Media_tokens_are_read_from_the_top_level_or_extra_special_tokens_as_text_or_added_token()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "tokenizer_config.json");
        File.WriteAllText(path, """
            {"image_token": "<|image|>", "boi_token": {"content": "<|image>", "special": true},
             "extra_special_tokens": {"audio_token": "<|audio|>", "image_token": "ignored: the top level wins"},
             "eos_token": "<eos>"}
            """);

        TokenizerConfig config = TokenizerConfig.Load(path);

        Assert.Equal(
            [new("image_token", "<|image|>"), new("boi_token", "<|image>"), new KeyValuePair<string, string>("audio_token", "<|audio|>")],
            config.MediaTokens);
    }

    [Fact]
    public void A_media_token_of_the_wrong_type_names_the_file_and_key()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "tokenizer_config.json");
        File.WriteAllText(path, """{"video_token": 258884}""");

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => TokenizerConfig.Load(path));

        Assert.Contains("tokenizer_config.json", ex.Message);
        Assert.Contains("video_token", ex.Message);
    }
}
