using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Shuqiao.Core.Catalog;
using Shuqiao.Core.Exchange;
using SortKey = Shuqiao.Core.Exchange.SortKey;

namespace Shuqiao.Storage.Exchange;

/// <summary>The position after the last record of a page: the sort values of that record (raw JSON, null when absent) and its key.</summary>
public sealed record RecordCursor(IReadOnlyList<JsonElement?> SortValues, string Key)
{
    /// <summary>URL-safe base64 of <c>[v1, …, key]</c>.</summary>
    public string Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in SortValues)
            {
                if (value is { } v)
                {
                    v.WriteTo(writer);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }

            writer.WriteStringValue(Key);
            writer.WriteEndArray();
        }

        return Convert.ToBase64String(buffer.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Reads a cursor written by <see cref="Encode"/> for a sort of <paramref name="sortCount"/> fields; null if it is not one.</summary>
    public static RecordCursor? Decode(string text, int sortCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(base64));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() != sortCount + 1 || root[sortCount].ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var values = new List<JsonElement?>(sortCount);
            for (var i = 0; i < sortCount; i++)
            {
                values.Add(root[i].ValueKind == JsonValueKind.Null ? null : root[i].Clone());
            }

            return new RecordCursor(values, root[sortCount].GetString()!);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Translates a plan's filter, sort and cursor into ONE parameterized SQL query over <c>records</c> (design §3). Values
/// and field names travel as parameters, never in the SQL text. Each field is read with its type: numbers as numeric,
/// dates and instants cast, strings compared ordinally (<c>collate "C"</c>, as <see cref="TypedValue.CompareTo"/>).
/// A missing value satisfies no comparison (SQL NULL), as <see cref="RowPredicate.Matches"/>. Equality on a resource's
/// single key field uses the primary key column. Sort: the sort fields (missing values last), then the key.
/// <para>
/// The key columns are <c>collate "C"</c> themselves (0010_record_key_collation.sql), so the primary key index
/// (resource_id, key) is in ordinal order and a page without sort fields walks it instead of sorting the resource's
/// records. The <c>collate "C"</c> written on the key below is therefore redundant; it stays so the order is ordinal by
/// the query's own words, whatever a column says, and costs nothing (the planner sees the same collation).
/// </para>
/// </summary>
public sealed class RecordQuerySql
{
    private readonly StringBuilder _where = new();
    private readonly List<NpgsqlParameter> _parameters = [];
    private readonly Dictionary<string, ResourceField> _fields;
    private readonly ResourceField? _singleKey;
    private string _alias = "r";

    private RecordQuerySql(DataResource resource)
    {
        _fields = resource.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var keys = resource.KeyFields.ToList();
        _singleKey = keys.Count == 1 ? keys[0] : null;
    }

    public string Sql { get; private set; } = "";

    public IReadOnlyList<NpgsqlParameter> Parameters => _parameters;

    /// <summary>
    /// The query of one page: <paramref name="exactKey"/> (a lookup by key) and <paramref name="filter"/> (the grant's
    /// scope AND the consumer's filter), ordered by <paramref name="sort"/> then key, after <paramref name="cursor"/>,
    /// <paramref name="limit"/> rows. Columns: key, payload (text).
    /// </summary>
    public static RecordQuerySql Page(
        DataResource resource, string? exactKey, RowPredicate? filter, IReadOnlyList<SortKey> sort, RecordCursor? cursor, int limit)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(sort);
        var q = new RecordQuerySql(resource);
        q._where.Append("r.resource_id = ").Append(q.Add(resource.Id));
        if (exactKey is not null)
        {
            q._where.Append(" and r.key = ").Append(q.Add(exactKey));
        }

        if (filter is not null)
        {
            q._where.Append(" and ");
            q.Predicate(filter);
        }

        if (cursor is not null)
        {
            q._where.Append(" and ");
            q.After(sort, cursor, 0);
        }

        var order = new StringBuilder();
        foreach (var key in sort)
        {
            order.Append(q.Expression(key.Field)).Append(key.Direction == SortDirection.Descending ? " desc" : " asc").Append(" nulls last, ");
        }

        order.Append("r.key collate \"C\" asc");
        q.Sql = $"select r.key, r.payload::text from records r where {q._where} order by {order} limit {limit.ToString(CultureInfo.InvariantCulture)}";
        return q;
    }

    /// <summary>
    /// The change feed (增量同步): records written and records deleted after (<paramref name="afterTime"/>,
    /// <paramref name="afterKey"/>) and before <paramref name="until"/>, within <paramref name="filter"/> (a deleted
    /// record by its last payload), in (time, key) order. Columns: key, payload (text), time, deleted.
    /// </summary>
    public static RecordQuerySql Changes(
        DataResource resource, RowPredicate? filter, DateTimeOffset? afterTime, string afterKey, DateTimeOffset until, int limit)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var q = new RecordQuerySql(resource);
        var parts = new List<string>(2);
        foreach (var (alias, table, time, extra) in new[]
        {
            ("r", "records", "updated_at", ""),
            ("h", "record_history", "superseded_at", " and h.deleted"),
        })
        {
            q._alias = alias;
            q._where.Clear();
            q._where.Append(alias).Append(".resource_id = ").Append(q.Add(resource.Id)).Append(extra)
                .Append(" and ").Append(alias).Append('.').Append(time).Append(" < ").Append(q.Add(until.ToUniversalTime(), NpgsqlDbType.TimestampTz));
            if (afterTime is { } t)
            {
                q._where.Append(" and (").Append(alias).Append('.').Append(time).Append(", ").Append(alias).Append(".key collate \"C\") > (")
                    .Append(q.Add(t.ToUniversalTime(), NpgsqlDbType.TimestampTz)).Append(", ").Append(q.Add(afterKey, NpgsqlDbType.Text)).Append(" collate \"C\")");
            }

            if (filter is not null)
            {
                q._where.Append(" and ");
                q.Predicate(filter);
            }

            // Each branch is ordered and limited itself: PostgreSQL does not flatten UNION ALL branches that have a
            // WHERE clause, so an outer ORDER BY alone could never be served by a per-table index (no Merge Append).
            // Without an index on (resource_id, time, key) each branch is a top-N sort; with one, an index range scan.
            // The payload stays jsonb until the page is chosen, so only the rows served are turned into text.
            parts.Add($"(select {alias}.key, {alias}.payload, {alias}.{time} as time, {(alias == "h" ? "true" : "false")} as deleted " +
                $"from {table} {alias} where {q._where} order by {alias}.{time}, {alias}.key collate \"C\" limit {limit.ToString(CultureInfo.InvariantCulture)})");
        }

        q.Sql = $"select key, payload::text, time, deleted from ({string.Join(" union all ", parts)}) c order by time, key collate \"C\" limit {limit.ToString(CultureInfo.InvariantCulture)}";
        return q;
    }

    /// <summary>Runs a <see cref="Changes"/> query.</summary>
    public async Task<List<(string Key, string Payload, DateTimeOffset Time, bool Deleted)>> ReadChangesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(Sql, connection);
        foreach (var parameter in _parameters)
        {
            command.Parameters.Add(parameter);
        }

        var rows = new List<(string, string, DateTimeOffset, bool)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    /// <summary>Runs the query: (key, payload JSON) per row.</summary>
    public async Task<List<(string Key, string Payload)>> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(Sql, connection);
        foreach (var parameter in _parameters)
        {
            command.Parameters.Add(parameter);
        }

        var rows = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    private string Add(object value, NpgsqlDbType? type = null)
    {
        var parameter = type is { } t ? new NpgsqlParameter { Value = value, NpgsqlDbType = t } : new NpgsqlParameter { Value = value };
        _parameters.Add(parameter);
        return "$" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
    }

    // The typed expression of a field's value.
    private string Expression(string field)
    {
        var definition = _fields[field];
        var text = $"({_alias}.payload ->> {Add(field, NpgsqlDbType.Text)})";
        return definition.Type switch
        {
            FieldType.Integer or FieldType.Decimal => text + "::numeric",
            FieldType.Boolean => text + "::boolean",
            FieldType.Date => text + "::date",
            FieldType.DateTime => text + "::timestamptz",
            _ => text + " collate \"C\"",
        };
    }

    private string Value(TypedValue value) => value.Value switch
    {
        string s => Add(s, NpgsqlDbType.Text),
        long l => Add((decimal)l, NpgsqlDbType.Numeric),
        decimal d => Add(d, NpgsqlDbType.Numeric),
        bool b => Add(b, NpgsqlDbType.Boolean),
        DateOnly date => Add(date, NpgsqlDbType.Date),
        DateTimeOffset instant => Add(instant.ToUniversalTime(), NpgsqlDbType.TimestampTz),
        _ => throw new InvalidOperationException("Unknown value kind."),
    };

    private void Predicate(RowPredicate predicate)
    {
        switch (predicate)
        {
            case RowPredicate.Eq eq when _singleKey is { } key && eq.Field == key.Name:
                _where.Append(_alias).Append(".key = ").Append(Add(eq.Value.Text, NpgsqlDbType.Text));
                break;
            case RowPredicate.Eq eq:
                _where.Append(Expression(eq.Field)).Append(" = ").Append(Value(eq.Value));
                break;
            case RowPredicate.OneOf oneOf when _singleKey is { } key && oneOf.Field == key.Name:
                _where.Append(_alias).Append(".key = any(").Append(Add(oneOf.Values.Select(v => v.Text).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)).Append(')');
                break;
            case RowPredicate.OneOf oneOf:
                var expression = Expression(oneOf.Field);
                _where.Append(expression).Append(" in (");
                for (var i = 0; i < oneOf.Values.Count; i++)
                {
                    _where.Append(i > 0 ? ", " : "").Append(Value(oneOf.Values[i]));
                }

                _where.Append(')');
                break;
            case RowPredicate.Prefix prefix:
                _where.Append("starts_with(").Append(_alias).Append(".payload ->> ").Append(Add(prefix.Field, NpgsqlDbType.Text)).Append(", ").Append(Add(prefix.Value, NpgsqlDbType.Text)).Append(')');
                break;
            case RowPredicate.Range range:
                var terms = new List<string>(2);
                if (range.Lower is not null)
                {
                    terms.Add($"{Expression(range.Field)} {(range.LowerInclusive ? ">=" : ">")} {Value(range.Lower)}");
                }

                if (range.Upper is not null)
                {
                    terms.Add($"{Expression(range.Field)} {(range.UpperInclusive ? "<=" : "<")} {Value(range.Upper)}");
                }

                _where.Append('(').Append(terms.Count == 0 ? "true" : string.Join(" and ", terms)).Append(')');
                break;
            case RowPredicate.AllOf or RowPredicate.AnyOf:
                var list = predicate is RowPredicate.AllOf all ? all.Terms : ((RowPredicate.AnyOf)predicate).Terms;
                _where.Append('(');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                    {
                        _where.Append(predicate is RowPredicate.AllOf ? " and " : " or ");
                    }

                    Predicate(list[i]);
                }

                _where.Append(list.Count == 0 ? (predicate is RowPredicate.AllOf ? "true" : "false") : "").Append(')');
                break;
            default:
                throw new InvalidOperationException("Unknown predicate.");
        }
    }

    // Keyset: the rows after the cursor in the order (sort values, missing last; then key).
    private void After(IReadOnlyList<SortKey> sort, RecordCursor cursor, int index)
    {
        if (index == sort.Count)
        {
            _where.Append("r.key collate \"C\" > ").Append(Add(cursor.Key, NpgsqlDbType.Text));
            return;
        }

        var expression = Expression(sort[index].Field);
        if (cursor.SortValues[index] is not { } json)
        {
            _where.Append('(').Append(expression).Append(" is null and ");
            After(sort, cursor, index + 1);
            _where.Append(')');
            return;
        }

        var value = CursorValue(_fields[sort[index].Field], json);
        var beyond = sort[index].Direction == SortDirection.Descending ? "<" : ">";
        _where.Append('(').Append(expression).Append(" is null or ").Append(expression).Append(' ').Append(beyond).Append(' ').Append(value)
            .Append(" or (").Append(expression).Append(" = ").Append(value).Append(" and ");
        After(sort, cursor, index + 1);
        _where.Append("))");
    }

    private string CursorValue(ResourceField field, JsonElement json) => field.Type switch
    {
        FieldType.Integer or FieldType.Decimal when json.ValueKind == JsonValueKind.Number => Add(json.GetDecimal(), NpgsqlDbType.Numeric),
        FieldType.Boolean when json.ValueKind is JsonValueKind.True or JsonValueKind.False => Add(json.GetBoolean(), NpgsqlDbType.Boolean),
        FieldType.Date when json.ValueKind == JsonValueKind.String => Add(DateOnly.ParseExact(json.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture), NpgsqlDbType.Date),
        FieldType.DateTime when json.ValueKind == JsonValueKind.String =>
            Add(DateTimeOffset.Parse(json.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(), NpgsqlDbType.TimestampTz),
        FieldType.String when json.ValueKind == JsonValueKind.String => Add(json.GetString()!, NpgsqlDbType.Text),
        _ => throw new FormatException("The cursor does not fit the sort."),
    };
}
