using System.Text;

namespace SkEmbeddingGemma.Tokenization;

/// <summary>Texts whose ids are compared with transformers.js: scripts, emoji, code, whitespace, numbers and added tokens.</summary>
internal static class TokenizerCorpus
{
    public static IReadOnlyList<string> Texts { get; } = Build();

    private static List<string> Build()
    {
        var texts = new List<string>
        {
            "Hello world",
            "The quick brown fox jumps over the lazy dog.",
            " leading space",
            "trailing space ",
            "  two leading spaces and   three inside",
            "Which planet is known as the Red Planet?",
            "task: search result | query: What is the capital of France?",
            "title: none | text: Paris is the capital and most populous city of France.",
            "task: question answering | query: how do tokenizers work",
            "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
            // Multilingual
            "日本語のテキストをトークン化します。東京は日本の首都です。",
            "中文分词测试：我爱北京天安门。",
            "한국어 문장도 토큰화해야 합니다.",
            "مرحبا بالعالم، هذه جملة عربية.",
            "नमस्ते दुनिया, यह एक हिंदी वाक्य है।",
            "สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ",
            "Привет, мир! Съешь же ещё этих мягких французских булок.",
            "Ελληνικά: Γειά σου Κόσμε",
            "עברית: שלום עולם",
            "Tiếng Việt có dấu: Xin chào thế giới",
            // Emoji
            "I love it 😀😃😄!",
            "Family: 👨‍👩‍👧‍👦 and 👩🏽‍💻 coder",
            "Flags 🇫🇷🇩🇪🇯🇵🇺🇸 and 🏳️‍🌈",
            "Keycaps 1️⃣ #️⃣ and ❤️",
            // Code, indentation, tabs
            "def add(a, b):\n    return a + b\n",
            "public sealed class Foo\n{\n    private int _x;\n\tpublic int X => _x;\n}\n",
            "if (x) {\n\t\treturn;\n\t}\n",
            "SELECT * FROM users WHERE id = 42;",
            "<html><body><div class=\"a\">x</div></body></html>",
            "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
            // Whitespace
            " \n\t ",
            "\n",
            "\n\n\n",
            "\r\n\r\n",
            "a\tb\t\tc\t\t\td",
            "end with newline\n",
            "   ",
            "▁▁ literal lower eighth blocks ▁",
            // Numbers
            "0123456789",
            "3.14159265358979323846264338327950288419716939937510",
            "1,234,567.89 and 1e-10 and -42",
            "Order #12345 costs $1,299.99 (20% off)",
            // URLs and paths
            "https://example.com/path/to/page?query=1&lang=en#section",
            "C:\\Users\\me\\Documents\\file.txt",
            "user@example.com",
            // Added tokens as literal text
            "<bos>",
            "<eos>",
            "<pad><unk><mask>",
            "<start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\n",
            "<unused12> and <unused0><unused99>",
            "[multimodal] text",
            "glued<bos>text<eos>more",
            "<image_soft_token><image_soft_token>",
            "<start_of_image>picture<end_of_image>",
            "< > <> << >> <bos <eos> bos>",
            "<start_of_turn",
            // Unicode corner cases
            "café naïve résumé",
            "cafe\u0301 nai\u0308ve", // NFD: combining marks
            "e\u0301\u0302\u0303\u0304",
            "a\uFFFDb replacement char",
            "controls \u0000 \u0001 \u007f \u0008 end",
            "zero\u200Bwidth\u200Cjoiner\u200D",
            "\u00A0non-breaking\u3000ideographic space",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math 𝟘𝟙𝟚 and 𐍈 gothic",
            "supercalifragilisticexpialidocious",
            "pneumonoultramicroscopicsilicovolcanoconiosis",
            "",
            "a",
            " ",
            "x\uD800y", // lone high surrogate
            "\uDC00 lone low surrogate",
        };

        foreach (char c in new[] { ' ', '\t', '\n' })
        {
            foreach (int count in new[] { 1, 2, 5, 17, 30, 31, 32, 40 })
            {
                texts.Add("x" + new string(c, count) + "y");
            }
        }

        texts.Add(new string('a', 500));
        texts.Add(string.Concat(Enumerable.Repeat("abc", 300)));
        texts.Add(LongText(20_000));
        return texts;
    }

    /// <summary>Replaces each unpaired UTF-16 surrogate with U+FFFD, as <see cref="Encoding.UTF8"/> does.</summary>
    public static string ReplaceLoneSurrogates(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>A deterministic mixed-script text of exactly <paramref name="length"/> chars.</summary>
    public static string LongText(int length)
    {
        string[] parts =
        [
            "The quick brown fox jumps over the lazy dog. ",
            "日本語の文章と中文句子。 ",
            "Привет, мир!\n",
            "\tcode(x, y) => x + y;\n",
            "😀👨‍👩‍👧 ",
            "  numbers 1234567890 ",
            "<start_of_turn>",
        ];
        var builder = new StringBuilder(length + 64);
        for (int i = 0; builder.Length < length; i++)
        {
            builder.Append(parts[(i * 7 + i / 3) % parts.Length]);
        }

        builder.Length = length;
        // Cutting may leave a lone high surrogate at the end; keep the text well-formed.
        if (char.IsHighSurrogate(builder[^1]))
        {
            builder[^1] = '.';
        }

        return builder.ToString();
    }
}
