using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Text;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Translates a LINQ filter over a record's data and key properties into a parameterized SQLite condition over the
/// record table aliased <c>t</c>. Values always travel as parameters (never inlined), and every condition yields 0 or 1
/// (never NULL), so that <c>!</c>, <c>!=</c> and nullable properties behave as in C#.
/// </summary>
/// <remarks>
/// String methods compare ordinally, on the UTF-8 bytes SQLite holds (which orders and matches as UTF-16 code units do
/// for the well-formed strings the connector stores): <c>Contains</c> is <c>instr</c>, <c>StartsWith</c> and
/// <c>EndsWith</c> compare the hex of byte prefixes and suffixes. No <c>LIKE</c> or <c>GLOB</c>: those ignore ASCII case or treat
/// <c>%</c>, <c>_</c>, <c>*</c> and <c>?</c> as wildcards. Array and list properties are JSON arrays, searched with
/// <c>json_each</c> for <c>Contains</c> and <c>Any</c>.
/// </remarks>
internal sealed class FaissFilterTranslator : FilterTranslatorBase
{
    private readonly StringBuilder _sql = new();
    private readonly List<KeyValuePair<string, object>> _parameters = [];

    // The element variables of the Any(...) lambdas being translated, each bound to its json_each row's value.
    private readonly Dictionary<ParameterExpression, (string Sql, Type Type)> _elements = [];

    private FaissFilterTranslator()
    {
    }

    /// <summary>Translates <paramref name="filter"/>; throws <see cref="NotSupportedException"/> naming an unsupported construct.</summary>
    internal static (string Sql, IReadOnlyList<KeyValuePair<string, object>> Parameters) Translate(LambdaExpression filter, CollectionModel model)
    {
        var translator = new FaissFilterTranslator();
        Expression body = translator.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = true });
        translator.TranslateCondition(body);
        return (translator._sql.ToString(), translator._parameters);
    }

    private void TranslateCondition(Expression node)
    {
        switch (node)
        {
            case BinaryExpression { NodeType: ExpressionType.AndAlso or ExpressionType.OrElse } logical:
                _sql.Append('(');
                TranslateCondition(logical.Left);
                _sql.Append(logical.NodeType == ExpressionType.AndAlso ? " AND " : " OR ");
                TranslateCondition(logical.Right);
                _sql.Append(')');
                return;

            case BinaryExpression comparison:
                TranslateComparison(comparison);
                return;

            case UnaryExpression { NodeType: ExpressionType.Not } not:
                _sql.Append("(NOT ");
                TranslateCondition(not.Operand);
                _sql.Append(')');
                return;

            case ConstantExpression { Value: bool b }:
                _sql.Append(b ? "1" : "0");
                return;

            case QueryParameterExpression { Value: bool b }:
                _sql.Append(b ? "1" : "0");
                return;

            case MethodCallExpression call:
                TranslateMethodCall(call);
                return;

            case var _ when TryBindOperand(node, out string? operand, out Type? type) && (Nullable.GetUnderlyingType(type) ?? type) == typeof(bool):
                _sql.Append("COALESCE(").Append(operand).Append(" = 1, 0)");
                return;

            default:
                throw Unsupported(node);
        }
    }

    private void TranslateComparison(BinaryExpression binary)
    {
        string op = binary.NodeType switch
        {
            ExpressionType.Equal => " IS ",
            ExpressionType.NotEqual => " IS NOT ",
            ExpressionType.LessThan => " < ",
            ExpressionType.LessThanOrEqual => " <= ",
            ExpressionType.GreaterThan => " > ",
            ExpressionType.GreaterThanOrEqual => " >= ",
            _ => throw Unsupported(binary),
        };

        bool leftIsOperand = TryBindOperand(binary.Left, out string? left, out Type? leftType);
        bool rightIsOperand = TryBindOperand(binary.Right, out string? right, out Type? rightType);
        if (leftIsOperand && !rightIsOperand)
        {
            right = Parameter(EvaluateValue(binary.Right), leftType!);
        }
        else if (rightIsOperand && !leftIsOperand)
        {
            left = Parameter(EvaluateValue(binary.Left), rightType!);
        }
        else if (!leftIsOperand)
        {
            // Name the side that is neither a property nor a value (e.g. arithmetic over a property).
            throw Unsupported(ReferencesParameter(binary.Left) ? binary.Left : binary.Right);
        }

        if (binary.NodeType is ExpressionType.Equal or ExpressionType.NotEqual)
        {
            _sql.Append('(').Append(left).Append(op).Append(right).Append(')');
        }
        else
        {
            _sql.Append("COALESCE(").Append(left).Append(op).Append(right).Append(", 0)");
        }
    }

    private void TranslateMethodCall(MethodCallExpression call)
    {
        if (call is { Method.Name: nameof(Equals), Object: { } target, Arguments: [var argument] })
        {
            // r.Key.Equals(value) is r.Key == value.
            TranslateComparison(Expression.MakeBinary(ExpressionType.Equal, StripConvert(target), StripConvert(argument), liftToNull: false, method: null));
            return;
        }

        if (call.Method.DeclaringType == typeof(string))
        {
            TranslateStringMethod(call);
            return;
        }

        if (call.Method is { Name: nameof(Enumerable.Any) } && call.Method.DeclaringType == typeof(Enumerable))
        {
            TranslateAny(call);
            return;
        }

        if (TryMatchContains(call, out Expression? source, out Expression? item))
        {
            if (TryBindStripped(source, out PropertyModel? collectionProperty))
            {
                // r.Tags.Contains(item): membership in a JSON array column.
                (string alias, Type element) = ElementOf(collectionProperty, call);
                string elementSql = FaissColumnMapping.ComparableExpression(alias + ".value", element);
                string value = TryBindOperand(item, out string? operand, out _) ? operand : Parameter(EvaluateValue(item), element);
                _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(Column(collectionProperty)).Append(") AS ").Append(alias)
                    .Append(" WHERE ").Append(elementSql).Append(" IS ").Append(value).Append(')');
                return;
            }

            if (TryBindOperand(item, out string? itemSql, out Type? itemType))
            {
                // values.Contains(r.Field): the property (or element) is one of the given values.
                IEnumerable values = source switch
                {
                    NewArrayExpression array => array.Expressions.Select(EvaluateValue).ToArray(),
                    _ => EvaluateValue(source) as IEnumerable
                        ?? throw new NotSupportedException($"The filter construct '{call}' needs an array or list of values."),
                };
                var names = new List<string>();
                bool containsNull = false;
                foreach (object? value in values)
                {
                    if (value is null)
                    {
                        containsNull = true;
                    }
                    else
                    {
                        names.Add(Parameter(value, itemType));
                    }
                }

                // IN yields NULL for a NULL operand; C#'s Contains finds a null among the values.
                _sql.Append('(');
                _sql.Append(names.Count == 0 ? "0" : $"COALESCE({itemSql} IN ({string.Join(", ", names)}), 0)");
                if (containsNull)
                {
                    _sql.Append(" OR ").Append(itemSql).Append(" IS NULL");
                }

                _sql.Append(')');
                return;
            }
        }

        throw Unsupported(call);
    }

    /// <summary>r.Tags.Any() and r.Tags.Any(t => condition over t), over a JSON array column.</summary>
    private void TranslateAny(MethodCallExpression call)
    {
        if (!TryBindStripped(call.Arguments[0], out PropertyModel? property))
        {
            throw Unsupported(call);
        }

        (string alias, Type element) = ElementOf(property, call);
        if (call.Arguments.Count == 1)
        {
            _sql.Append("COALESCE(json_array_length(").Append(Column(property)).Append(") > 0, 0)");
            return;
        }

        if (StripQuote(call.Arguments[1]) is not LambdaExpression { Parameters: [var parameter] } predicate)
        {
            throw Unsupported(call);
        }

        _elements[parameter] = (FaissColumnMapping.ComparableExpression(alias + ".value", element), element);
        _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(Column(property)).Append(") AS ").Append(alias).Append(" WHERE ");
        TranslateCondition(predicate.Body);
        _sql.Append(')');
        _elements.Remove(parameter);
    }

    /// <summary>Contains, StartsWith and EndsWith with ordinal semantics (see the class remarks).</summary>
    private void TranslateStringMethod(MethodCallExpression call)
    {
        if (call is not { Method.Name: nameof(string.Contains) or nameof(string.StartsWith) or nameof(string.EndsWith), Object: { } target, Arguments: [var needleExpression, ..] }
            || call.Arguments.Count > 2
            || (call.Arguments.Count == 2 && call.Arguments[1].Type != typeof(StringComparison)))
        {
            throw Unsupported(call);
        }

        if (call.Arguments.Count == 2 && EvaluateValue(call.Arguments[1]) is StringComparison comparison && comparison != StringComparison.Ordinal)
        {
            throw new NotSupportedException(
                $"The filter construct '{call}' compares with StringComparison.{comparison}; the FAISS connector compares strings ordinally only "
                + "(pass StringComparison.Ordinal or no comparison).");
        }

        string haystack = StringOperand(target, call);
        string needle = StringOperand(needleExpression, call);
        // hex() spells out every UTF-8 byte (a NUL too, where length() and substr() on text stop counting) as text, so
        // empty values compare as text, not as an empty blob.
        string hayBytes = $"hex({haystack})";
        string needleBytes = $"hex({needle})";
        // hex(NULL) is '', so a NULL string is ruled out first (a string method on null is false, as with ?.).
        _sql.Append("COALESCE(").Append(haystack).Append(" IS NOT NULL AND ").Append(needle).Append(" IS NOT NULL AND ");
        _sql.Append(call.Method.Name switch
        {
            nameof(string.Contains) => $"instr({haystack}, {needle}) > 0",
            nameof(string.StartsWith) => $"substr({hayBytes}, 1, length({needleBytes})) = {needleBytes}",
            _ => $"length({hayBytes}) >= length({needleBytes}) AND substr({hayBytes}, length({hayBytes}) - length({needleBytes}) + 1) = {needleBytes}",
        });
        _sql.Append(", 0)");
    }

    /// <summary>A string property or element, or a string (or char) value as a parameter.</summary>
    private string StringOperand(Expression expression, MethodCallExpression call)
    {
        if (TryBindOperand(expression, out string? operand, out Type? type))
        {
            return type == typeof(string) ? operand : throw Unsupported(call);
        }

        return EvaluateValue(expression) switch
        {
            string s => Parameter(s, typeof(string)),
            char c => Parameter(c.ToString(), typeof(string)),
            null => throw new ArgumentNullException(nameof(call), $"The filter construct '{call}' passes null where a string is needed."),
            _ => throw Unsupported(call),
        };
    }

    private (string Alias, Type Element) ElementOf(PropertyModel property, Expression construct)
    {
        Type element = FaissColumnMapping.GetElementType(property.Type)
            ?? throw new NotSupportedException($"The filter construct '{construct}' needs an array or list property; '{property.ModelName}' is {property.Type.Name}.");
        return ("j" + _elements.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), element);
    }

    private static Expression StripQuote(Expression expression)
        => expression is UnaryExpression { NodeType: ExpressionType.Quote } quote ? quote.Operand : expression;

    private static Expression StripConvert(Expression expression)
        => expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert ? StripConvert(convert.Operand) : expression;

    /// <summary>Binds a data or key property, or the element variable of an enclosing Any(...), to the SQL it compares as.</summary>
    private bool TryBindOperand(Expression expression, [NotNullWhen(true)] out string? sql, [NotNullWhen(true)] out Type? type)
    {
        if (StripConvert(expression) is ParameterExpression parameter && _elements.TryGetValue(parameter, out (string Sql, Type Type) element))
        {
            (sql, type) = element;
            return true;
        }

        if (TryBindStripped(expression, out PropertyModel? property))
        {
            sql = Column(property);
            type = property.Type;
            return true;
        }

        sql = null;
        type = null;
        return false;
    }

    private bool TryBindStripped(Expression expression, [NotNullWhen(true)] out PropertyModel? property)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }

        if (TryBindProperty(expression, out PropertyModel? bound) && bound is not VectorPropertyModel)
        {
            property = bound;
            return true;
        }

        property = null;
        return false;
    }

    private static object? EvaluateValue(Expression expression)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                return constant.Value;
            case QueryParameterExpression parameter:
                return parameter.Value;
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert:
                return EvaluateValue(convert.Operand);
            case NewArrayExpression array:
                return array.Expressions.Select(EvaluateValue).ToArray();
            default:
                if (!ReferencesParameter(expression))
                {
                    // A computation over captured values only (e.g. list[0]): evaluate it on the client.
                    Expression inlined = new ParameterInliner().Visit(expression);
                    return Expression.Lambda(inlined).Compile().DynamicInvoke();
                }

                throw Unsupported(expression);
        }
    }

    private static bool ReferencesParameter(Expression expression)
    {
        var finder = new ParameterFinder();
        finder.Visit(expression);
        return finder.Found;
    }

    private string Parameter(object? value, Type propertyType)
    {
        string name = "@f" + _parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _parameters.Add(new(name, FaissColumnMapping.ToComparableDb(value, propertyType)));
        return name;
    }

    private static string Column(PropertyModel property) => FaissColumnMapping.ComparableExpression("t." + FaissColumnMapping.Quote(property.StorageName), property.Type);

    private static NotSupportedException Unsupported(Expression node)
        => new($"The filter construct '{node}' ({node.NodeType}) is not supported by the FAISS connector. Supported: ==, !=, <, <=, >, >=, &&, ||, !, "
            + "Contains and Any(...) on arrays and lists, values.Contains(property), and string Contains, StartsWith and EndsWith (ordinal), "
            + "over data and key properties, with constants and captured variables.");

    private sealed class ParameterFinder : ExpressionVisitor
    {
        internal bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found = true;
            return node;
        }

        protected override Expression VisitExtension(Expression node)
        {
            Found |= node is not QueryParameterExpression;
            return node;
        }
    }

    private sealed class ParameterInliner : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node)
            => node is QueryParameterExpression parameter ? Expression.Constant(parameter.Value, parameter.Type) : base.VisitExtension(node);
    }
}
