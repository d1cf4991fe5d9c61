using System.Text.Json;
using Microsoft.Extensions.AI;
using SkEmbeddingGemma.Prompts;

namespace SkEmbeddingGemma.Tests.Prompts;

public sealed class PromptSelectionTests
{
    private static PromptSelection Select(EmbeddingGenerationOptions? options, int count = 2, string? defaultName = null) =>
        PromptSelection.From(options, PromptCatalog.BuiltIn, defaultName, count);

    [Fact]
    public void No_options_and_no_default_means_no_prompt()
    {
        Assert.Equal("", Select(null).PromptFor(0));
    }

    [Fact]
    public void Default_prompt_name_applies_when_the_call_names_none()
    {
        Assert.Equal("task: clustering | query: ", Select(new EmbeddingGenerationOptions(), defaultName: "Clustering").PromptFor(1));
    }

    [Fact]
    public void Query_prompt_from_the_factory()
    {
        Assert.Equal("task: search result | query: ", Select(EmbeddingGemmaGenerationOptions.ForQuery()).PromptFor(0));
    }

    [Fact]
    public void Document_titles_per_input()
    {
        PromptSelection selection = Select(EmbeddingGemmaGenerationOptions.ForDocuments(["Mars", null]));

        Assert.Equal("title: Mars | text: ", selection.PromptFor(0));
        Assert.Equal("title: none | text: ", selection.PromptFor(1));
    }

    [Fact]
    public void A_single_title_string_applies_to_every_input_and_implies_document()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["title"] = "T" } };

        Assert.Equal("title: T | text: ", Select(options).PromptFor(1));
    }

    [Fact]
    public void Raw_prompt_wins_and_json_values_are_read()
    {
        var options = new EmbeddingGenerationOptions
        {
            AdditionalProperties = new() { ["prompt"] = JsonDocument.Parse("\"custom: \"").RootElement },
        };

        Assert.Equal("custom: ", Select(options).PromptFor(0));
    }

    [Fact]
    public void Json_title_arrays_are_read()
    {
        var options = new EmbeddingGenerationOptions
        {
            AdditionalProperties = new() { ["prompt_name"] = "document", ["title"] = JsonDocument.Parse("[\"a\", null]").RootElement },
        };

        PromptSelection selection = Select(options);

        Assert.Equal("title: a | text: ", selection.PromptFor(0));
        Assert.Equal("title: none | text: ", selection.PromptFor(1));
    }

    [Fact]
    public void Prompt_and_prompt_name_together_are_refused()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["prompt"] = "x", ["prompt_name"] = "query" } };

        Assert.Throws<ArgumentException>("options", () => Select(options));
    }

    [Fact]
    public void Titles_must_match_the_inputs()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => Select(EmbeddingGemmaGenerationOptions.ForDocuments(["a"]), count: 3));
        Assert.Contains("1 titles", ex.Message);
    }

    [Fact]
    public void Title_with_a_query_prompt_is_refused()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["prompt_name"] = "query", ["title"] = "x" } };

        Assert.Throws<ArgumentException>("options", () => Select(options));
    }

    [Fact]
    public void Non_string_prompt_name_is_refused()
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { ["prompt_name"] = 42 } };

        ArgumentException ex = Assert.Throws<ArgumentException>("options", () => Select(options));
        Assert.Contains("prompt_name", ex.Message);
    }

    [Fact]
    public void Unknown_prompt_name_is_refused()
    {
        Assert.Throws<ArgumentException>("options", () => Select(EmbeddingGemmaGenerationOptions.ForPrompt("nope")));
    }
}
