using Dapper;
using Npgsql;
using Shuqiao.Core.Organizations;

namespace Shuqiao.Testing;

/// <summary>Rows a test needs before the code under test runs, written with plain SQL.</summary>
public static class TestData
{
    private static int _sequence;

    /// <summary>A valid 统一社会信用代码 unique within the test run: 11 (government body), region 350100 (a city), serial.</summary>
    public static string NewCreditCode()
    {
        var serial = Interlocked.Increment(ref _sequence) + (Environment.ProcessId % 1000) * 100_000;
        var organizationCode = serial.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
        return CreditCode.Complete("11350100" + organizationCode + "0");
    }

    public static async Task<Guid> InsertOrganizationAsync(string connectionString, string name, OrganizationLevel level = OrganizationLevel.City, Guid? parentId = null, bool dataAuthority = false)
    {
        var id = Guid.CreateVersion7();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.ExecuteAsync(
            """
            insert into organizations (id, code, name, level, parent_id, is_data_authority, status, created_at, updated_at)
            values (@id, @code, @name, @level, @parentId, @dataAuthority, 'Active', now(), now())
            """,
            new { id, code = NewCreditCode(), name, level = level.ToString(), parentId, dataAuthority });
        return id;
    }
}
