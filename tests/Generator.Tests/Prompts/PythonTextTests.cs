using SkEmbeddingGemma.Prompts;

namespace SkEmbeddingGemma.Tests.Prompts;

public sealed class PythonTextTests
{
    // Expected values are Python 3's str.strip(): it strips \x1c-\x1f (unlike .NET's Trim) and keeps \u200b and \ufeff.
    [Theory]
    [InlineData("  hello \n", "hello")]
    [InlineData("\x1c\x1d\x1e\x1fhi\x85\xa0", "hi")]
    [InlineData("\u3000\u2028x\u2029\u205f", "x")]
    [InlineData("\u200bx\ufeff", "\u200bx\ufeff")]
    [InlineData("task: search result | query: ", "task: search result | query:")]
    [InlineData("   ", "")]
    [InlineData("", "")]
    [InlineData("a  b", "a  b")]
    public void Strip_matches_python(string input, string expected)
    {
        Assert.Equal(expected, PythonText.Strip(input).ToString());
    }

    [Fact]
    public void Whitespace_set_is_exactly_pythons()
    {
        // Python: [c for c in map(chr, range(0x10000)) if c.isspace()]
        int[] python = [0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
            0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000];
        int[] ours = Enumerable.Range(0, 0x10000).Where(c => PythonText.IsWhiteSpace((char)c)).ToArray();
        Assert.Equal(python, ours);
    }
}
