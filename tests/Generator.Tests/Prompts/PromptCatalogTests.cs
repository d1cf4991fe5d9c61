using SkEmbeddingGemma.TestSupport;
using SkEmbeddingGemma.Prompts;

namespace SkEmbeddingGemma.Tests.Prompts;

public sealed class PromptCatalogTests
{
    // Expected prompts: google/embeddinggemma-300m config_sentence_transformers.json and model card.
    [Theory]
    [InlineData("query", "task: search result | query: ")]
    [InlineData("document", "title: none | text: ")]
    [InlineData("BitextMining", "task: search result | query: ")]
    [InlineData("Clustering", "task: clustering | query: ")]
    [InlineData("Classification", "task: classification | query: ")]
    [InlineData("InstructionRetrieval", "task: code retrieval | query: ")]
    [InlineData("MultilabelClassification", "task: classification | query: ")]
    [InlineData("PairClassification", "task: sentence similarity | query: ")]
    [InlineData("Reranking", "task: search result | query: ")]
    [InlineData("Retrieval", "task: search result | query: ")]
    [InlineData("Retrieval-query", "task: search result | query: ")]
    [InlineData("Retrieval-document", "title: none | text: ")]
    [InlineData("STS", "task: sentence similarity | query: ")]
    [InlineData("Summarization", "task: summarization | query: ")]
    [InlineData("QuestionAnswering", "task: question answering | query: ")]
    [InlineData("FactChecking", "task: fact checking | query: ")]
    [InlineData("CodeRetrieval", "task: code retrieval | query: ")]
    [InlineData("QUERY", "task: search result | query: ")]
    [InlineData("sts", "task: sentence similarity | query: ")]
    public void Built_in_prompts_match_the_reference(string name, string expected)
    {
        Assert.Equal(expected, PromptCatalog.BuiltIn.GetPrompt(name, "name"));
    }

    [Fact]
    public void Unknown_name_lists_the_known_ones()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("name", () => PromptCatalog.BuiltIn.GetPrompt("Sumarization", "name"));
        Assert.Contains("Sumarization", ex.Message);
        Assert.Contains("Summarization", ex.Message);
    }

    [Fact]
    public void Folder_config_overrides_and_extends_built_ins()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config_sentence_transformers.json"),
            """{"prompts": {"query": "q: ", "MyTask": "task: mine | query: "}, "default_prompt_name": "MyTask"}""");

        PromptCatalog catalog = PromptCatalog.Load(folder.Path);

        Assert.Equal("q: ", catalog.GetPrompt("query", "n"));
        Assert.Equal("task: mine | query: ", catalog.GetPrompt("MyTask", "n"));
        Assert.Equal("task: clustering | query: ", catalog.GetPrompt("Clustering", "n"));
        Assert.Equal("MyTask", catalog.DefaultPromptName);
    }

    [Fact]
    public void Corrupt_config_names_the_file()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config_sentence_transformers.json"), "{ not json");

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => PromptCatalog.Load(folder.Path));
        Assert.Contains("config_sentence_transformers.json", ex.Message);
    }

    [Fact]
    public void Unknown_default_prompt_name_is_refused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "config_sentence_transformers.json"), """{"prompts": {}, "default_prompt_name": "nope"}""");

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => PromptCatalog.Load(folder.Path));
        Assert.Contains("nope", ex.Message);
    }

    [Theory]
    [InlineData(null, "title: none | text: ")]
    [InlineData("", "title: none | text: ")]
    [InlineData("Mars facts", "title: Mars facts | text: ")]
    public void Document_prompt_carries_the_title(string? title, string expected)
    {
        Assert.Equal(expected, PromptCatalog.DocumentPrompt(title));
    }
}
