namespace SkEmbeddingGemma.Extensions.Tests.Support;

/// <summary>Four unrelated passages and a question about one of them, for retrieval tests.</summary>
public static class SamplePassages
{
    public const string Question = "Which city is the capital of France?";

    public static readonly string[] Texts =
    [
        "The cat sat on the warm mat by the fire.",
        "Paris is the capital and largest city of France.",
        "Photosynthesis converts light into chemical energy in plants.",
        "The stock market fell sharply after the announcement.",
    ];
}
