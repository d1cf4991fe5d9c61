using System.Globalization;
using System.Text;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// The stored text of a <see cref="decimal"/>: <c>"{key} {value}"</c>. The value is the invariant-culture text, which
/// parses back to the same decimal, scale included (<c>1.50</c> stays <c>1.50</c>); SQLite's REAL would keep only
/// about 16 of its up to 29 digits. The key is fixed-width text whose ordinal order is the numeric order and whose
/// equality is numeric equality (<c>1.5 == 1.50</c>), so filters compare decimals exactly with SQLite's own text
/// comparison: a sign digit (<c>0</c> negative, <c>1</c> otherwise), the 29 integer digits and 28 fraction digits
/// a decimal can have, each digit replaced by its nines' complement for negative values.
/// </summary>
internal static class FaissDecimalText
{
    /// <summary>The length of the comparable key that starts the stored text.</summary>
    internal const int KeyLength = 1 + IntegerDigits + FractionDigits;

    private const int IntegerDigits = 29;
    private const int FractionDigits = 28;

    /// <summary>Formats the stored text of <paramref name="value"/>.</summary>
    internal static string Format(decimal value) => Key(value) + " " + value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Gets the comparable key of <paramref name="value"/> (what filters compare).</summary>
    internal static string Key(decimal value)
    {
        // Decimal's general format never uses an exponent: digits, and a point when the scale is not zero.
        string text = decimal.Abs(value).ToString(CultureInfo.InvariantCulture);
        int point = text.IndexOf('.', StringComparison.Ordinal);
        string integer = point < 0 ? text : text[..point];
        string fraction = point < 0 ? "" : text[(point + 1)..];
        bool negative = value < 0;
        var key = new StringBuilder(KeyLength).Append(negative ? '0' : '1')
            .Append(integer.PadLeft(IntegerDigits, '0')).Append(fraction.PadRight(FractionDigits, '0'));
        if (negative)
        {
            // A larger magnitude must sort lower.
            for (int i = 1; i < key.Length; i++)
            {
                key[i] = (char)('9' - key[i] + '0');
            }
        }

        return key.ToString();
    }

    /// <summary>Parses stored text written by <see cref="Format"/>.</summary>
    internal static bool TryParse(string stored, out decimal value)
    {
        value = 0;
        return stored.Length > KeyLength + 1 && stored[KeyLength] == ' '
            && decimal.TryParse(stored.AsSpan(KeyLength + 1), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value)
            && string.Equals(Key(value), stored[..KeyLength], StringComparison.Ordinal);
    }
}
