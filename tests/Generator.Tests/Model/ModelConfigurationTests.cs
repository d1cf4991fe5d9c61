using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.Model;

namespace SkEmbeddingGemma.Tests.Model;

public sealed class ModelConfigurationTests
{
    [Fact]
    public void Sentence_bert_config_sets_the_limit_and_case()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "sentence_bert_config.json"), """{"max_seq_length": 512, "do_lower_case": true}""");
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), """{"max_position_embeddings": 2048, "vocab_size": 262144, "model_type": "gemma3_text"}""");

        ModelConfiguration configuration = ModelConfiguration.Load(folder.Path);

        Assert.Equal(new ModelConfiguration(512, true, 262144, "gemma3_text"), configuration);
    }

    [Fact]
    public void Without_sentence_bert_config_the_smaller_of_positions_and_tokenizer_limit_wins()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), """{"max_position_embeddings": 2048}""");
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), """{"model_max_length": 1000000000000000019884624838656}""");

        Assert.Equal(2048, ModelConfiguration.Load(folder.Path).MaxSequenceLength);
    }

    [Fact]
    public void Nested_text_config_is_read()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), """{"text_config": {"max_position_embeddings": 8192, "vocab_size": 262144}}""");

        ModelConfiguration configuration = ModelConfiguration.Load(folder.Path);

        Assert.Equal(8192, configuration.MaxSequenceLength);
        Assert.Equal(262144, configuration.VocabularySize);
    }

    [Fact]
    public void Empty_folder_defaults_to_2048()
    {
        using var folder = new TempFolder();

        Assert.Equal(new ModelConfiguration(2048, false, null, null), ModelConfiguration.Load(folder.Path));
    }

    [Fact]
    public void Wrong_types_name_the_file_and_field()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), """{"vocab_size": "lots"}""");

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => ModelConfiguration.Load(folder.Path));
        Assert.Contains("config.json", ex.Message);
        Assert.Contains("vocab_size", ex.Message);
    }
}
