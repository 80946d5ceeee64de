namespace Shuqiao.Core.Exchange;

/// <summary>
/// A query without its values (查询形态), for the access record: which fields were asked for, the filter's shape
/// (<see cref="RowPredicate.Shape"/>: fields and operators, never values), the sort, the page size and whether a
/// cursor was sent. Values are left out because they are often personal data (an ID number searched for).
/// </summary>
public sealed record QueryShape(IReadOnlyList<string> Fields, string? Filter, IReadOnlyList<string> Sort, int? PageSize, bool Cursor)
{
    /// <summary>The shape of a query as sent (its own filter, not the grant's row scope).</summary>
    public static QueryShape Of(ExchangeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new QueryShape(query.Fields ?? [], query.Filter?.Shape(), query.Sort.Select(s => s.ToString()).ToList(), query.PageSize, query.Cursor is not null);
    }

    /// <summary>The shape of a verification: the names of the fields submitted.</summary>
    public static QueryShape OfVerification(IEnumerable<string> submittedFields) => new([.. submittedFields], null, [], null, false);

    /// <summary>One line: <c>fields=name,age filter=all(eq(gender),range(age:gte)) sort=-age pageSize=50 cursor</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string> { "fields=" + (Fields.Count == 0 ? "*" : string.Join(',', Fields)) };
        if (Filter is not null)
        {
            parts.Add("filter=" + Filter);
        }

        if (Sort.Count > 0)
        {
            parts.Add("sort=" + string.Join(',', Sort));
        }

        if (PageSize is { } size)
        {
            parts.Add("pageSize=" + size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (Cursor)
        {
            parts.Add("cursor");
        }

        return string.Join(' ', parts);
    }

    public bool Equals(QueryShape? other) =>
        other is not null && Fields.SequenceEqual(other.Fields) && Filter == other.Filter && Sort.SequenceEqual(other.Sort) && PageSize == other.PageSize && Cursor == other.Cursor;

    public override int GetHashCode() => HashCode.Combine(Fields.Count, Filter, Sort.Count, PageSize, Cursor);
}
