namespace SkEmbeddingGemma.TestSupport;

/// <summary>A multilingual corpus for parity tests: prose, code, emoji, whitespace runs, digits, special-token text.</summary>
public static class Corpus
{
    public static readonly string[] Texts =
    [
        "Mars, known for its reddish appearance, is often referred to as the Red Planet.",
        "Which planet is known as the Red Planet?",
        "",
        "   leading and trailing spaces   ",
        "Le renard brun rapide saute par-dessus le chien paresseux. Ça coûte 12,50 €.",
        "Der schnelle braune Fuchs springt über den faulen Hund. Straße, Größe, Äpfel.",
        "日本語のテキストと漢字、カタカナ、ひらがなを含む文章です。",
        "中文句子：机器学习模型可以把文本转换成向量。",
        "한국어 문장도 잘 처리되어야 합니다.",
        "Русский текст с ёлками и съешь же ещё этих мягких французских булок.",
        "النص العربي يُكتب من اليمين إلى اليسار.",
        "हिन्दी में लिखा गया एक वाक्य।",
        "ข้อความภาษาไทยไม่มีช่องว่างระหว่างคำ",
        "Emoji: 👍🏽 👨‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 ❤️‍🔥",
        "def embed(texts):\n\tfor t in texts:\n\t\tyield model(t)  # two tabs\n",
        "if (x == 1) {\n    return y;\n}\n\n\n// three newlines above",
        "    four spaces, then\t\ttabs, then\n\n\n\nnewlines",
        "Numbers: 3.14159, 1,000,000, 2026-11-23, 0xFF, 1e-12, 123456789012345678901234567890",
        "Literal special tokens: <bos> <eos> <start_of_turn>user\nhi<end_of_turn> <mask> [multimodal] <unused12>",
        "URL https://example.com/a/b?c=d&e=f#g and email someone@example.org",
        "Combining: e\u0301 vs é; Zalgo: Z\u0336\u0337a\u0338l\u0339g\u033ao",
        "Control chars \u0001\u0002 and DEL \u007f and NUL \u0000 in text",
        "Replacement char \ufffd and BOM \ufeff and zero-width\u200bjoiner",
        "a",
        new string('x', 300),
        string.Concat(Enumerable.Repeat("word ", 60)),
    ];
}
