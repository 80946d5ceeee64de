using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Shuqiao.Core.Audit;
using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Demo;

/// <summary>
/// Which parts of the demo data set (organizations and users, catalog, licences, …) this database holds, as
/// <c>node_settings</c> keys. Each part loads once, in demo mode only; a part interrupted half-way loads again, so its
/// task looks each entity up before creating it.
/// </summary>
public sealed class DemoParts(NpgsqlDataSource dataSource, IOptions<ShuqiaoOptions> options, TimeProvider clock)
{
    /// <summary>Who the admin audit names for every demo change.</summary>
    public static readonly Actor Actor = Actor.System("demo-data");

    private const string SelectLoaded = "select exists (select 1 from node_settings where key = @Key)";

    private const string InsertLoaded = """
        insert into node_settings (key, value, updated_at) values (@Key, @Value::jsonb, @Now) on conflict (key) do nothing
        """;

    public bool IsDemoNode => options.Value.Mode == NodeMode.Demo;

    /// <summary>A demo department's API client (<see cref="DemoCity.Clients"/>), which demo parts act as.</summary>
    public static async Task<Core.Identity.ApiClient> DemoClientAsync(Storage.Identity.ApiClientStore clients, Guid organizationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clients);
        var names = DemoCity.Clients().Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var list = await clients.ListAsync(organizationId, null, 100, cancellationToken);
        return list.FirstOrDefault(c => c.IsDemo && names.Contains(c.Name)) ?? list.FirstOrDefault(c => names.Contains(c.Name))
            ?? throw new InvalidOperationException("The demo department has no demo API client; the demo city must load first.");
    }

    /// <summary>True when this is a demo node and the part is not loaded yet.</summary>
    public async Task<bool> ShouldLoadAsync(string part, CancellationToken cancellationToken)
    {
        if (!IsDemoNode)
        {
            return false;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(SelectLoaded, new { Key = part }, cancellationToken: cancellationToken));
    }

    /// <summary>Records that the part is loaded, with a few facts about it for operators.</summary>
    public async Task MarkLoadedAsync(string part, object facts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            InsertLoaded,
            new { Key = part, Value = JsonSerializer.Serialize(facts), Now = clock.GetUtcNow() },
            cancellationToken: cancellationToken));
    }
}
