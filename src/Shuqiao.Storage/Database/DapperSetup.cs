using System.Data;
using Dapper;

namespace Shuqiao.Storage.Database;

/// <summary>Teaches Dapper the mappings Npgsql needs; called once before any store runs.</summary>
public static class DapperSetup
{
    private static int _configured;

    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1)
        {
            return;
        }

        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new NullableDateTimeOffsetHandler());
    }

    // Npgsql reads timestamptz as a UTC DateTime; the domain uses DateTimeOffset.
    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            DateTimeOffset o => o,
            _ => throw new DataException($"Cannot read {value.GetType().Name} as DateTimeOffset."),
        };
    }

    private sealed class NullableDateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset?>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset? value) =>
            parameter.Value = value is { } v ? v.ToUniversalTime() : DBNull.Value;

        public override DateTimeOffset? Parse(object value) => value switch
        {
            null or DBNull => null,
            DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            DateTimeOffset o => o,
            _ => throw new DataException($"Cannot read {value.GetType().Name} as DateTimeOffset."),
        };
    }
}
