using System.Collections;
using System.Linq.Expressions;
using System.Text;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace SkEmbeddingGemma.VectorData.Faiss;

/// <summary>
/// Translates a LINQ filter over a record's data and key properties into a parameterized SQLite condition. Values
/// always travel as parameters (never inlined), and every comparison yields 0 or 1 (never NULL), so that
/// <c>!</c>, <c>!=</c> and nullable properties behave as in C#.
/// </summary>
internal sealed class FaissFilterTranslator : FilterTranslatorBase
{
    private readonly StringBuilder _sql = new();
    private readonly List<KeyValuePair<string, object>> _parameters = [];

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

            case var _ when TryBindStripped(node, out PropertyModel? property) && (Nullable.GetUnderlyingType(property.Type) ?? property.Type) == typeof(bool):
                _sql.Append("COALESCE(").Append(Column(property)).Append(" = 1, 0)");
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

        bool leftIsProperty = TryBindStripped(binary.Left, out PropertyModel? left);
        bool rightIsProperty = TryBindStripped(binary.Right, out PropertyModel? right);
        string leftSql, rightSql;
        if (leftIsProperty && rightIsProperty)
        {
            leftSql = Column(left!);
            rightSql = Column(right!);
        }
        else if (leftIsProperty)
        {
            leftSql = Column(left!);
            rightSql = Parameter(EvaluateValue(binary.Right), left!.Type);
        }
        else if (rightIsProperty)
        {
            leftSql = Parameter(EvaluateValue(binary.Left), right!.Type);
            rightSql = Column(right!);
        }
        else
        {
            // Name the side that is neither a property nor a value (e.g. arithmetic over a property).
            throw Unsupported(ReferencesParameter(binary.Left) ? binary.Left : binary.Right);
        }

        if (binary.NodeType is ExpressionType.Equal or ExpressionType.NotEqual)
        {
            _sql.Append('(').Append(leftSql).Append(op).Append(rightSql).Append(')');
        }
        else
        {
            _sql.Append("COALESCE(").Append(leftSql).Append(op).Append(rightSql).Append(", 0)");
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

        if (TryMatchContains(call, out Expression? source, out Expression? item))
        {
            if (TryBindStripped(source, out PropertyModel? collectionProperty))
            {
                // r.Tags.Contains(value): membership in a JSON array column.
                Type element = FaissColumnMapping.GetElementType(collectionProperty.Type)
                    ?? throw new NotSupportedException($"Contains over property '{collectionProperty.ModelName}' needs an array or list property.");
                string value = Parameter(EvaluateValue(item), element);
                _sql.Append("EXISTS (SELECT 1 FROM json_each(").Append(Column(collectionProperty)).Append(") WHERE value IS ").Append(value).Append(')');
                return;
            }

            if (TryBindStripped(item, out PropertyModel? itemProperty))
            {
                // values.Contains(r.Field): the property is one of the given values.
                IEnumerable values = source switch
                {
                    NewArrayExpression array => array.Expressions.Select(EvaluateValue).ToArray(),
                    _ => EvaluateValue(source) as IEnumerable
                        ?? throw new NotSupportedException($"The filter construct '{call}' needs an array or list of values."),
                };
                var names = new List<string>();
                foreach (object? value in values)
                {
                    names.Add(Parameter(value, itemProperty.Type));
                }

                if (names.Count == 0)
                {
                    _sql.Append('0');
                    return;
                }

                _sql.Append('(').Append(Column(itemProperty)).Append(" IN (").AppendJoin(", ", names).Append("))");
                return;
            }
        }

        throw Unsupported(call);
    }

    private static Expression StripConvert(Expression expression)
        => expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert ? StripConvert(convert.Operand) : expression;

    private bool TryBindStripped(Expression expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PropertyModel? property)
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

    private static string Column(PropertyModel property) => FaissColumnMapping.ComparableColumn(property.StorageName, property.Type);

    private static NotSupportedException Unsupported(Expression node)
        => new($"The filter construct '{node}' ({node.NodeType}) is not supported by the FAISS connector. Supported: ==, !=, <, <=, >, >=, &&, ||, !, "
            + "Contains on arrays and lists, over data and key properties, with constants and captured variables.");

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
