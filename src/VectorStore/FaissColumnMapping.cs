using System.Globalization;
using System.Text.Json;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>Maps .NET property values to SQLite column values and back.</summary>
internal static class FaissColumnMapping
{
    internal const string SupportedDataTypes =
        "string, bool, int, long, short, byte, float, double, Guid, DateTime, DateTimeOffset (and their nullable forms), "
        + "and arrays or lists of string, bool, int, long, float, double or Guid";

    private static readonly Type[] s_scalarTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(byte), typeof(float), typeof(double),
        typeof(Guid), typeof(DateTime), typeof(DateTimeOffset),
    ];

    private static readonly Type[] s_elementTypes =
        [typeof(string), typeof(bool), typeof(int), typeof(long), typeof(float), typeof(double), typeof(Guid)];

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
            : t == typeof(string) || t == typeof(Guid) || GetElementType(t) is not null ? "TEXT"
            : "INTEGER";
    }

    /// <summary>Converts a property value (or a filter value compared with a property of <paramref name="type"/>) to SQLite.</summary>
    internal static object ToDb(object? value, Type type)
    {
        if (value is null)
        {
            return DBNull.Value;
        }

        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (GetElementType(t) is not null)
        {
            return JsonSerializer.Serialize(value, value.GetType());
        }

        return value switch
        {
            string s => s,
            bool b => b ? 1L : 0L,
            Guid g => g.ToString("D"),
            DateTime dt => dt.Ticks,
            DateTimeOffset dto => dto.UtcTicks,
            float f => (double)f,
            double d => d,
            byte or short or int or long or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
            _ => throw new NotSupportedException($"Values of type '{value.GetType().Name}' can't be stored or compared; supported: {SupportedDataTypes}."),
        };
    }

    /// <summary>Converts a SQLite value read from a column back to the property type.</summary>
    internal static object? FromDb(object? value, Type type)
    {
        if (value is null or DBNull)
        {
            return null;
        }

        Type t = Nullable.GetUnderlyingType(type) ?? type;
        if (GetElementType(t) is not null)
        {
            Type concrete = t.IsInterface ? typeof(List<>).MakeGenericType(t.GetGenericArguments()[0]) : t;
            return JsonSerializer.Deserialize((string)value, concrete);
        }

        return t == typeof(string) ? (string)value
            : t == typeof(bool) ? (long)value != 0
            : t == typeof(int) ? (int)(long)value
            : t == typeof(long) ? (long)value
            : t == typeof(short) ? (short)(long)value
            : t == typeof(byte) ? (byte)(long)value
            : t == typeof(float) ? (float)Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : t == typeof(double) ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : t == typeof(Guid) ? Guid.Parse((string)value)
            : t == typeof(DateTime) ? new DateTime((long)value)
            : t == typeof(DateTimeOffset) ? new DateTimeOffset((long)value, TimeSpan.Zero)
            : throw new NotSupportedException($"Type '{type.Name}' is not supported.");
    }

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
