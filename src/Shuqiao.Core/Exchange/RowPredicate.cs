using System.Text;
using Shuqiao.Core.Catalog;

namespace Shuqiao.Core.Exchange;

/// <summary>
/// A row scope or query filter as a structured predicate over a resource's fields — never SQL text. Storage
/// translates it into parameterized SQL over the record's jsonb; <see cref="Matches"/> evaluates it in memory with
/// the same meaning. A missing value satisfies no comparison (as SQL's NULL).
/// </summary>
public abstract record RowPredicate
{
    private protected RowPredicate()
    {
    }

    /// <summary>Whether a record (its values by field name, absent fields left out) satisfies the predicate.</summary>
    public abstract bool Matches(IReadOnlyDictionary<string, TypedValue> record);

    /// <summary>Every field the predicate reads, once each, in first-use order.</summary>
    public IReadOnlyList<string> Fields()
    {
        var names = new List<string>();
        Collect(this, names);
        return names;

        static void Collect(RowPredicate predicate, List<string> names)
        {
            if (predicate is FieldPredicate field)
            {
                if (!names.Contains(field.Field, StringComparer.Ordinal))
                {
                    names.Add(field.Field);
                }
            }
            else if (predicate is AllOf all)
            {
                all.Terms.ToList().ForEach(t => Collect(t, names));
            }
            else if (predicate is AnyOf any)
            {
                any.Terms.ToList().ForEach(t => Collect(t, names));
            }
        }
    }

    /// <summary>Both predicates: how a grant's row scope and a query's filter combine, so the scope never widens.</summary>
    public static RowPredicate? And(RowPredicate? left, RowPredicate? right) => (left, right) switch
    {
        (null, null) => null,
        (null, _) => right,
        (_, null) => left,
        _ => new AllOf([left, right]),
    };

    /// <summary>
    /// The predicate without its values (查询形态), for the audit record: <c>all(eq(gender),range(age:gte,lt))</c>.
    /// In-lists give their size (<c>in(district)[3]</c>), never their members.
    /// </summary>
    public string Shape()
    {
        var text = new StringBuilder();
        Write(this, text);
        return text.ToString();

        static void Write(RowPredicate predicate, StringBuilder text)
        {
            switch (predicate)
            {
                case Eq eq:
                    text.Append("eq(").Append(eq.Field).Append(')');
                    break;
                case OneOf oneOf:
                    text.Append("in(").Append(oneOf.Field).Append(")[").Append(oneOf.Values.Count).Append(']');
                    break;
                case Prefix prefix:
                    text.Append("prefix(").Append(prefix.Field).Append(')');
                    break;
                case Range range:
                    var bounds = new List<string>(2);
                    if (range.Lower is not null)
                    {
                        bounds.Add(range.LowerInclusive ? "gte" : "gt");
                    }

                    if (range.Upper is not null)
                    {
                        bounds.Add(range.UpperInclusive ? "lte" : "lt");
                    }

                    text.Append("range(").Append(range.Field).Append(':').Append(string.Join(',', bounds)).Append(')');
                    break;
                case AllOf or AnyOf:
                    var terms = predicate is AllOf a ? a.Terms : ((AnyOf)predicate).Terms;
                    text.Append(predicate is AllOf ? "all(" : "any(");
                    for (var i = 0; i < terms.Count; i++)
                    {
                        if (i > 0)
                        {
                            text.Append(',');
                        }

                        Write(terms[i], text);
                    }

                    text.Append(')');
                    break;
            }
        }
    }

    /// <summary>A condition on one field.</summary>
    public abstract record FieldPredicate(string Field) : RowPredicate;

    /// <summary><c>{"field": "gender", "eq": "1"}</c></summary>
    public sealed record Eq(string Field, TypedValue Value) : FieldPredicate(Field)
    {
        public override bool Matches(IReadOnlyDictionary<string, TypedValue> record) =>
            record.TryGetValue(Field, out var v) && v.Type == Value.Type && v.CompareTo(Value) == 0;
    }

    /// <summary><c>{"field": "district", "in": ["350102", "350103"]}</c></summary>
    public sealed record OneOf(string Field, IReadOnlyList<TypedValue> Values) : FieldPredicate(Field)
    {
        public override bool Matches(IReadOnlyDictionary<string, TypedValue> record) =>
            record.TryGetValue(Field, out var v) && Values.Any(x => x.Type == v.Type && x.CompareTo(v) == 0);

        public bool Equals(OneOf? other) => other is not null && Field == other.Field && Values.SequenceEqual(other.Values);

        public override int GetHashCode() => HashCode.Combine(Field, Values.Count);
    }

    /// <summary><c>{"field": "name", "prefix": "张"}</c> (string fields; ordinal, case-sensitive).</summary>
    public sealed record Prefix(string Field, string Value) : FieldPredicate(Field)
    {
        public override bool Matches(IReadOnlyDictionary<string, TypedValue> record) =>
            record.TryGetValue(Field, out var v) && v.Type == FieldType.String && v.AsString.StartsWith(Value, StringComparison.Ordinal);
    }

    /// <summary><c>{"field": "age", "gte": 18, "lt": 60}</c>: at least one bound, at most one of each side.</summary>
    public sealed record Range(string Field, TypedValue? Lower, bool LowerInclusive, TypedValue? Upper, bool UpperInclusive) : FieldPredicate(Field)
    {
        public override bool Matches(IReadOnlyDictionary<string, TypedValue> record)
        {
            if (!record.TryGetValue(Field, out var v))
            {
                return false;
            }

            if (Lower is not null && (v.Type != Lower.Type || v.CompareTo(Lower) is var low && (LowerInclusive ? low < 0 : low <= 0)))
            {
                return false;
            }

            return Upper is null || (v.Type == Upper.Type && v.CompareTo(Upper) is var high && (UpperInclusive ? high <= 0 : high < 0));
        }
    }

    /// <summary><c>{"all": [ … ]}</c>: every term holds.</summary>
    public sealed record AllOf(IReadOnlyList<RowPredicate> Terms) : RowPredicate
    {
        public override bool Matches(IReadOnlyDictionary<string, TypedValue> record) => Terms.All(t => t.Matches(record));

        public bool Equals(AllOf? other) => other is not null && Terms.SequenceEqual(other.Terms);

        public override int GetHashCode() => Terms.Count;
    }

    /// <summary><c>{"any": [ … ]}</c>: at least one term holds.</summary>
    public sealed record AnyOf(IReadOnlyList<RowPredicate> Terms) : RowPredicate
    {
        public override bool Matches(IReadOnlyDictionary<string, TypedValue> record) => Terms.Any(t => t.Matches(record));

        public bool Equals(AnyOf? other) => other is not null && Terms.SequenceEqual(other.Terms);

        public override int GetHashCode() => Terms.Count;
    }
}
