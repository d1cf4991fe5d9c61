using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Maps .NET property values to SQLite column values and back. Every supported type round-trips exactly, and filters
/// compare values as the C# operators do:
/// <list type="bullet">
/// <item><description><c>string</c>: stored as UTF-8 text, so any well-formed UTF-16 string (NUL, emoji, U+10FFFF)
/// comes back ordinally equal; a string with an unpaired surrogate can't be stored in UTF-8 and is refused.</description></item>
/// <item><description><c>bool</c>, <c>byte</c>, <c>short</c>, <c>int</c>, <c>long</c>: 64-bit integers, exact
/// over their whole range.</description></item>
/// <item><description><c>float</c>, <c>double</c>: IEEE 754 doubles, bit-exact (a <c>float</c> widens to a double
/// without loss), with infinities and subnormals. NaN and negative zero are stored as the text <c>NaN</c> and
/// <c>NegativeZero</c> because SQLite turns a NaN into NULL and an integral REAL into an integer (losing the sign of zero). In
/// filters, negative zero equals zero and a stored NaN compares false with every value (it matches
/// <c>== null</c> on a nullable property); a NaN filter value is refused.</description></item>
/// <item><description><c>Guid</c>: its <c>"D"</c> text.</description></item>
/// <item><description><c>DateTime</c>: text <c>"{Ticks:D19} {Kind}"</c>, so Ticks (100 ns precision) and Kind come
/// back exactly; no time-zone conversion is ever applied (a Local value keeps its wall-clock Ticks, independent of
/// the reading machine's zone). Filters compare Ticks and ignore Kind, as <c>DateTime</c>'s operators do.</description></item>
/// <item><description><c>DateTimeOffset</c>: text <c>"{UtcTicks:D19} {Offset:±hh:mm}"</c>, so the instant (100 ns
/// precision) and the offset come back exactly. Filters compare instants and ignore Offset, as
/// <c>DateTimeOffset</c>'s operators do.</description></item>
/// <item><description><c>decimal</c>: text, a comparable key and the invariant-culture value (<see cref="FaissDecimalText"/>),
/// so every digit and the scale come back; filters compare numerically and exactly.</description></item>
/// <item><description><c>DateOnly</c>: text <c>yyyy-MM-dd</c>; <c>TimeOnly</c>: text <c>HH:mm:ss.fffffff</c> (100 ns
/// precision). Both sort as their values do.</description></item>
/// <item><description>Arrays and lists: JSON arrays. Elements of string, bool, the integer types, float, double and
/// Guid are JSON strings and numbers (NaN and infinities as named literals); elements of decimal, DateTime,
/// DateTimeOffset, DateOnly and TimeOnly are JSON strings holding the text their scalar form stores, so they round-trip
/// and compare exactly as that form does.</description></item>
/// </list>
/// Values written before this format (DateTime and DateTimeOffset as bare ticks) are still read and filtered: a
/// DateTime with Kind Unspecified, a DateTimeOffset at offset zero.
/// </summary>
internal static class FaissColumnMapping
{
    internal const string SupportedDataTypes =
        "string, bool, int, long, short, byte, float, double, decimal, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly (and their nullable forms), "
        + "and arrays or lists of string, bool, int, long, short, float, double, decimal, Guid, DateTime, DateTimeOffset, DateOnly or TimeOnly";

    // The width of the tick prefix of DateTime and DateTimeOffset text: DateTime.MaxValue.Ticks has 19 digits, and
    // zero padding makes the text sort by ticks as well.
    private const int TickDigits = 19;
    private const string NaNText = "NaN";
    private const string DateOnlyFormat = "yyyy-MM-dd";
    private const string TimeOnlyFormat = "HH:mm:ss.fffffff";
    // Not numeric-looking text: a REAL column would convert "-0" back to a number (zero, without its sign).
    private const string NegativeZeroText = "NegativeZero";

    // Element types whose JSON form is the text their scalar form stores (JSON numbers would lose decimal digits;
    // System.Text.Json's dates would convert Local times by the writing machine's zone).
    private static readonly Type[] s_textElementTypes = [typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly), typeof(TimeOnly)];

    private static readonly Type[] s_scalarTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(float), typeof(double),
        typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(decimal), typeof(DateOnly), typeof(TimeOnly),
    ];

    // byte is not among them: System.Text.Json writes a byte[] as base64, not as an array json_each could search.
    private static readonly Type[] s_elementTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(float), typeof(double), typeof(Guid),
        .. s_textElementTypes,
    ];

    // Named literals keep NaN and infinities in float and double arrays instead of failing the write.
    private static readonly JsonSerializerOptions s_jsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    internal static bool IsSupportedDataType(Type type)
        => s_scalarTypes.Contains(Nullable.GetUnderlyingType(type) ?? type) || GetElementType(type) is not null;

    /// <summary>Gets the element type of a supported array or list type, else <see langword="null"/>.</summary>
    internal static Type? GetElementType(Type type)
    {
        Type? element = type.IsArray
            ? type.GetElementType()
            : type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(List<>)
                || type.GetGenericTypeDefinition() == typeof(IList<>)
                || type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                || type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ? type.GetGenericArguments()[0]
                : null;
        return element is not null && s_elementTypes.Contains(element) ? element : null;
    }

    internal static string SqlType(Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(float) || t == typeof(double) ? "REAL"
            : t == typeof(string) || t == typeof(Guid) || t == typeof(DateTime) || t == typeof(DateTimeOffset) || t == typeof(decimal)
                || t == typeof(DateOnly) || t == typeof(TimeOnly) || GetElementType(t) is not null ? "TEXT"
            : "INTEGER";
    }

    /// <summary>Converts a property value to the SQLite value stored for it.</summary>
    /// <exception cref="ArgumentException">A string holds an unpaired surrogate.</exception>
    /// <exception cref="NotSupportedException">The value's type is not supported.</exception>
    internal static object ToDb(object? value, Type type)
    {
        if (value is null)
        {
            return DBNull.Value;
        }

        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (GetElementType(t) is Type element)
        {
            if (s_textElementTypes.Contains(element))
            {
                var texts = new List<string>();
                foreach (object? item in (System.Collections.IEnumerable)value)
                {
                    texts.Add((string)ToDb(item ?? throw new ArgumentException("A collection holds null; collections of value types can't.", nameof(value)), element));
                }

                return JsonSerializer.Serialize(texts);
            }

            if (value is IEnumerable<string?> strings)
            {
                foreach (string? s in strings)
                {
                    EnsureWellFormed(s);
                }
            }

            return JsonSerializer.Serialize(value, value.GetType(), s_jsonOptions);
        }

        return value switch
        {
            string s => EnsureWellFormed(s),
            bool b => b ? 1L : 0L,
            Guid g => g.ToString("D"),
            DateTime dt => dt.Ticks.ToString("D19", CultureInfo.InvariantCulture) + " " + dt.Kind.ToString(),
            DateTimeOffset dto => dto.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + " " + FormatOffset(dto.Offset),
            decimal m => FaissDecimalText.Format(m),
            DateOnly d => d.ToString(DateOnlyFormat, CultureInfo.InvariantCulture),
            TimeOnly time => time.ToString(TimeOnlyFormat, CultureInfo.InvariantCulture),
            float f => RealToDb(f),
            double d => RealToDb(d),
            byte or short or int or long or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            _ => throw new NotSupportedException($"Values of type '{value.GetType().Name}' can't be stored or compared; supported: {SupportedDataTypes}."),
        };
    }

    /// <summary>
    /// Converts a filter value compared with a property of <paramref name="type"/> (or an element of it) to the SQLite
    /// value that <see cref="ComparableExpression"/> compares with: ticks for DateTime, UTC ticks for DateTimeOffset,
    /// zero for negative zero, and <see cref="ToDb"/> for everything else.
    /// </summary>
    /// <exception cref="NotSupportedException">The value is NaN (which equals nothing) or of an unsupported type.</exception>
    internal static object ToComparableDb(object? value, Type type) => value switch
    {
        DateTime dt => dt.Ticks,
        DateTimeOffset dto => dto.UtcTicks,
        decimal m => FaissDecimalText.Key(m),
        float f when float.IsNaN(f) => throw NaNFilterValue(),
        double d when double.IsNaN(d) => throw NaNFilterValue(),
        float f => (double)f + 0.0,
        double d => d + 0.0,
        _ => ToDb(value, type),
    };

    /// <summary>
    /// Gets the SQL expression a filter compares for a column or JSON element (<paramref name="sql"/>) holding a
    /// value of <paramref name="type"/>: the value itself, except for the types whose stored text carries more than
    /// their C# operators compare (DateTime's Kind, DateTimeOffset's Offset, decimal's scale) or stands in for a REAL
    /// (NaN, negative zero).
    /// </summary>
    internal static string ComparableExpression(string sql, Type type)
    {
        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(DateTime) || t == typeof(DateTimeOffset))
        {
            // Text rows compare by their tick prefix; integer rows are the older bare-ticks format.
            return $"(CASE typeof({sql}) WHEN 'text' THEN CAST(substr({sql}, 1, {TickDigits}) AS INTEGER) ELSE {sql} END)";
        }

        if (t == typeof(decimal))
        {
            return $"substr({sql}, 1, {FaissDecimalText.KeyLength})";
        }

        if (t == typeof(float) || t == typeof(double))
        {
            // A NaN compares false with everything, as NULL does under COALESCE(..., 0).
            return $"(CASE {sql} WHEN '{NegativeZeroText}' THEN 0.0 WHEN '{NaNText}' THEN NULL ELSE {sql} END)";
        }

        return sql;
    }

    /// <summary>Converts a SQLite value read from a column back to the property type.</summary>
    /// <exception cref="InvalidDataException">The stored value is not in the format of the property type.</exception>
    internal static object? FromDb(object? value, Type type)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (GetElementType(t) is Type element)
        {
            Type concrete = t.IsInterface ? typeof(List<>).MakeGenericType(element) : t;
            if (s_textElementTypes.Contains(element))
            {
                List<string> texts = JsonSerializer.Deserialize<List<string>>((string)value) ?? throw BadStoredValue(value, t);
                System.Collections.IList items = concrete.IsArray
                    ? Array.CreateInstance(element, texts.Count)
                    : (System.Collections.IList)Activator.CreateInstance(concrete)!;
                for (int i = 0; i < texts.Count; i++)
                {
                    object item = FromDb(texts[i], element) ?? throw BadStoredValue(value, t);
                    if (concrete.IsArray)
                    {
                        items[i] = item;
                    }
                    else
                    {
                        items.Add(item);
                    }
                }

                return items;
            }

            return JsonSerializer.Deserialize((string)value, concrete, s_jsonOptions);
        }

        // Each branch boxes its own type: a conditional chain would give DateTime and DateTimeOffset one common type
        // (DateTimeOffset), and a DateTime property can't take a boxed DateTimeOffset.
        return t switch
        {
            _ when t == typeof(string) => (string)value,
            _ when t == typeof(bool) => (long)value != 0,
            _ when t == typeof(int) => (int)(long)value,
            _ when t == typeof(long) => (long)value,
            _ when t == typeof(short) => (short)(long)value,
            _ when t == typeof(byte) => (byte)(long)value,
            _ when t == typeof(float) => (float)RealFromDb(value),
            _ when t == typeof(double) => RealFromDb(value),
            _ when t == typeof(Guid) => Guid.Parse((string)value),
            _ when t == typeof(DateTime) => DateTimeFromDb(value),
            _ when t == typeof(DateTimeOffset) => DateTimeOffsetFromDb(value),
            _ when t == typeof(decimal) => value is string text && FaissDecimalText.TryParse(text, out decimal m) ? m : throw BadStoredValue(value, t),
            _ when t == typeof(DateOnly) => value is string text
                && DateOnly.TryParseExact(text, DateOnlyFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly d) ? d : throw BadStoredValue(value, t),
            _ when t == typeof(TimeOnly) => value is string text
                && TimeOnly.TryParseExact(text, TimeOnlyFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly time) ? time : throw BadStoredValue(value, t),
            _ => throw new NotSupportedException($"Type '{type.Name}' is not supported."),
        };
    }

    private static string EnsureWellFormed(string? value)
    {
        if (value is null)
        {
            return null!;
        }

        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                // UTF-8 has no encoding for it: SQLite would silently store U+FFFD instead.
                throw new ArgumentException(
                    $"A string value holds an unpaired surrogate (U+{(int)value[i]:X4}) at index {i}; it can't be stored as UTF-8 text. Remove it or replace it with U+FFFD.",
                    nameof(value));
            }
        }

        return value;
    }

    private static object RealToDb(double value)
        => double.IsNaN(value) ? NaNText
            : value == 0 && double.IsNegative(value) ? NegativeZeroText
            : value;

    private static double RealFromDb(object value) => value switch
    {
        double d => d,
        long l => l,
        NaNText => double.NaN,
        NegativeZeroText => -0.0,
        _ => throw BadStoredValue(value, typeof(double)),
    };

    private static DateTime DateTimeFromDb(object value)
    {
        if (TryLegacyTicks(value, out long ticks))
        {
            return new DateTime(ticks, DateTimeKind.Unspecified);
        }

        if (value is string text && text.Length > TickDigits + 1
            && long.TryParse(text.AsSpan(0, TickDigits), NumberStyles.None, CultureInfo.InvariantCulture, out long stored)
            && Enum.TryParse(text.AsSpan(TickDigits + 1), out DateTimeKind kind) && Enum.IsDefined(kind)
            && stored <= DateTime.MaxValue.Ticks)
        {
            return new DateTime(stored, kind);
        }

        throw BadStoredValue(value, typeof(DateTime));
    }

    private static DateTimeOffset DateTimeOffsetFromDb(object value)
    {
        if (TryLegacyTicks(value, out long utcTicks))
        {
            return new DateTimeOffset(utcTicks, TimeSpan.Zero);
        }

        if (value is string text && text.Length == TickDigits + 7
            && long.TryParse(text.AsSpan(0, TickDigits), NumberStyles.None, CultureInfo.InvariantCulture, out long stored)
            && (text[TickDigits + 1] is '+' or '-')
            && TimeSpan.TryParseExact(text.AsSpan(TickDigits + 2), @"hh\:mm", CultureInfo.InvariantCulture, out TimeSpan magnitude))
        {
            TimeSpan offset = text[TickDigits + 1] == '-' ? -magnitude : magnitude;
            try
            {
                return new DateTimeOffset(stored + offset.Ticks, offset);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Falls through to the format error below.
            }
        }

        throw BadStoredValue(value, typeof(DateTimeOffset));
    }

    // Bare ticks, as earlier versions wrote them: an integer, or its digits where the column's affinity made it text.
    private static bool TryLegacyTicks(object value, out long ticks)
    {
        ticks = value switch
        {
            long l => l,
            string s when s.Length <= TickDigits && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) => parsed,
            _ => -1,
        };
        return ticks >= 0 && ticks <= DateTime.MaxValue.Ticks;
    }

    private static string FormatOffset(TimeSpan offset)
        => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static NotSupportedException NaNFilterValue()
        => new("A filter compares with NaN, which equals nothing and orders with nothing in C#; compare with a number instead.");

    private static InvalidDataException BadStoredValue(object value, Type type)
        => new($"The stored value '{value}' is not a valid {type.Name}; the database was changed outside the connector.");

    /// <summary>Quotes an SQLite identifier.</summary>
    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Serializes a vector as little-endian float32.</summary>
    internal static byte[] VectorToBlob(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector).CopyTo(bytes);
        return bytes;
    }

    /// <summary>Deserializes a little-endian float32 vector.</summary>
    internal static float[] BlobToVector(byte[] blob)
        => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(blob).ToArray();
}
