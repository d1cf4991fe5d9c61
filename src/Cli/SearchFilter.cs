using System.Globalization;
using System.Linq.Expressions;

namespace SkEmbeddingGemma.Cli;

/// <summary>
/// <c>search --filter FIELD=VALUE</c>: equality on a stored field, the value read as the field's type; several
/// filters are ANDed into one expression over the dynamic record (<c>(double?)r["year"] == 2020</c>).
/// </summary>
internal static class SearchFilter
{
    private static readonly System.Reflection.MethodInfo s_indexer = typeof(Dictionary<string, object?>).GetMethod("get_Item")!;

    /// <summary>Builds the filter, or <see langword="null"/> when there is none.</summary>
    /// <exception cref="ArgumentException">A filter is not FIELD=VALUE, names an unknown field, or its value doesn't fit the field's type.</exception>
    public static Expression<Func<Dictionary<string, object?>, bool>>? Parse(IReadOnlyList<string> filters, StoreSchema schema, string collection)
    {
        if (filters.Count == 0)
        {
            return null;
        }

        ParameterExpression record = Expression.Parameter(typeof(Dictionary<string, object?>), "r");
        Expression? body = null;
        foreach (string filter in filters)
        {
            int equals = filter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--filter '{filter}': expected FIELD=VALUE, e.g. --filter year=2020.");
            }

            string name = filter[..equals];
            Type type = schema.FieldType(name)
                ?? throw new ArgumentException($"--filter '{filter}': collection '{collection}' has no field '{name}' (fields: {string.Join(", ", schema.FieldNames)}).");
            object value = Value(filter, name, filter[(equals + 1)..], type);
            Expression field = Expression.Convert(Expression.Call(record, s_indexer, Expression.Constant(name)), type);
            Expression test = Expression.Equal(field, Expression.Constant(value, type));
            body = body is null ? test : Expression.AndAlso(body, test);
        }

        return Expression.Lambda<Func<Dictionary<string, object?>, bool>>(body!, record);
    }

    private static object Value(string filter, string name, string text, Type type)
    {
        if (type == typeof(double?))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
                ? (double?)number
                : throw new ArgumentException($"--filter '{filter}': field '{name}' holds numbers; '{text}' is not one.");
        }

        if (type == typeof(bool?))
        {
            return bool.TryParse(text, out bool flag)
                ? (bool?)flag
                : throw new ArgumentException($"--filter '{filter}': field '{name}' holds booleans; use true or false.");
        }

        return text;
    }
}
