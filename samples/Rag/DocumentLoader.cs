using System.Text;

namespace Rag;

/// <summary>Finds the Markdown and text files of a folder and reads them as strict UTF-8.</summary>
public static class DocumentLoader
{
    private static readonly string[] s_extensions = [".md", ".markdown", ".txt"];
    private static readonly byte[] s_byteOrderMark = [0xEF, 0xBB, 0xBF];
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The Markdown/text files under <paramref name="folder"/>, recursively, in ordinal order of their relative paths.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<string> FindFiles(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The documents folder '{folder}' does not exist.");
        }

        return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => s_extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Reads a file as UTF-8 text (a byte-order mark is dropped).</summary>
    /// <exception cref="InvalidDataException">The file holds a NUL byte (binary) or is not valid UTF-8; the message gives the offset.</exception>
    public static string ReadText(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            throw new InvalidDataException($"binary file (NUL byte at offset {nul}), not text");
        }

        int bom = bytes.AsSpan().StartsWith(s_byteOrderMark) ? s_byteOrderMark.Length : 0;
        try
        {
            return s_strictUtf8.GetString(bytes, bom, bytes.Length - bom);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"not valid UTF-8 (bad byte at offset {bom + e.Index}); convert it to UTF-8 first", e);
        }
    }
}
