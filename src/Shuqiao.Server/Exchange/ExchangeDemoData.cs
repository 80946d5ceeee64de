using System.Text.Json;
using Dapper;
using Npgsql;
using Shuqiao.Server.Catalog;
using Shuqiao.Server.Demo;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Identity;
using Shuqiao.Storage.Ledger;
using Shuqiao.Storage.Organizations;

namespace Shuqiao.Server.Exchange;

/// <summary>
/// A little traffic history for the demo (demo mode only, once, after the demo grants): the consumer departments' demo
/// systems call the gateway as they would — reads by key, a filtered query, 核验 with a match and a mismatch — and are
/// refused where they should be (a wrong purpose, a suspended grant, a revoked grant, no grant). Every call goes through
/// <see cref="ExchangeService"/>, so the access events, the audit pages and the quality's 可访问性 are the real thing.
/// The calls happen at start-up: the history is of today, not invented past days.
/// </summary>
public sealed partial class ExchangeDemoData(
    IServiceScopeFactory scopes,
    ExchangeService exchange,
    NpgsqlDataSource dataSource,
    LedgerWriter ledger,
    DemoParts demo,
    ILogger<ExchangeDemoData> logger) : IStartupTask
{
    private const string LoadedKey = "demo.exchange.loaded";
    private const string Census = "人口基本信息";
    private const string Marriage = "婚姻登记信息";
    private const string Companies = "企业登记信息";
    private const string Dibao = "最低生活保障对象信息";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Runs after the demo grants (AddExchange follows AddSharing); without them every call is a refusal, still audited.
        if (!await demo.ShouldLoadAsync(LoadedKey, cancellationToken))
        {
            return;
        }

        // Start-up tasks run before hosted services: start the group-commit writer now (idempotent), or every call would
        // wait for its access event forever.
        ledger.Start();
        await using var scope = scopes.CreateAsyncScope();
        var clients = await DemoClientsAsync(scope.ServiceProvider, cancellationToken);
        var codes = CatalogDemoData.Resources().ToDictionary(r => r.Draft.Name!, r => r.Draft.Code!.Replace('/', '-'), StringComparer.Ordinal);
        var calls = 0;

        // 民政局's 低保 system checks applicants' 户籍 by ID number, and lists a district's residents once.
        const string dibaoPurpose = "最低生活保障待遇资格认定中的户籍状况核查";
        foreach (var key in await KeysAsync(codes[Census], 24, cancellationToken))
        {
            await exchange.RecordAsync(Caller(clients["civil"], dibaoPurpose, "mzj-window-0" + (calls % 3 + 1)), codes[Census], key, cancellationToken);
            calls++;
        }

        using (var query = JsonDocument.Parse("""{"fields":["name","sex","regionCode"],"filter":{"field":"regionCode","eq":"990102"},"pageSize":20}"""))
        {
            await exchange.QueryAsync(Caller(clients["civil"], dibaoPurpose, "mzj-window-01"), codes[Census], query.RootElement, cancellationToken);
            calls++;
        }

        // 住建局 verifies marriages for 不动产登记: two match, one holds a wrong name.
        const string marriagePurpose = "不动产登记中的婚姻状况核验";
        foreach (var (payload, index) in (await PayloadsAsync(codes[Marriage], 3, cancellationToken)).Select((p, i) => (p, i)))
        {
            var values = new Dictionary<string, string?>
            {
                ["certificateNo"] = Text(payload, "certificateNo"),
                ["partyAName"] = index == 2 ? "王某某" : Text(payload, "partyAName"),
                ["partyBName"] = Text(payload, "partyBName"),
            };
            using var body = JsonDocument.Parse(JsonSerializer.Serialize(new { values }));
            await exchange.VerifyAsync(Caller(clients["housing"], marriagePurpose, "zjj-window-02"), codes[Marriage], body.RootElement, cancellationToken);
            calls++;
        }

        // 人社局 checks new employers' registration (无条件共享).
        foreach (var key in await KeysAsync(codes[Companies], 12, cancellationToken))
        {
            await exchange.RecordAsync(Caller(clients["hrss"], "社会保险参保单位登记信息核对", "rsj-window-05"), codes[Companies], key, cancellationToken);
            calls++;
        }

        // Refusals, each audited with its reason: a wrong purpose, a suspended grant, a revoked grant and no grant at all
        // (both answered NoGrant: a revoked grant is not disclosed).
        var someone = await FirstKeyAsync(codes[Census], cancellationToken);
        await exchange.RecordAsync(Caller(clients["civil"], "走访慰问名单整理", "mzj-window-03"), codes[Census], someone, cancellationToken);
        var family = await FirstKeyAsync(codes[Dibao], cancellationToken);
        await exchange.RecordAsync(Caller(clients["hrss"], "城乡居民养老保险困难群体代缴保费认定", "rsj-window-05"), codes[Dibao], family, cancellationToken);
        var company = await FirstKeyAsync(codes[Companies], cancellationToken);
        await exchange.RecordAsync(Caller(clients["urban"], "2026年沿街商户门前三包责任书签订", "cgj-field-11"), codes[Companies], company, cancellationToken);
        await exchange.RecordAsync(Caller(clients["education"], "义务教育新生入学户籍核验", "jyj-window-01"), codes[Census], someone, cancellationToken);
        calls += 4;

        await demo.MarkLoadedAsync(LoadedKey, new { calls }, cancellationToken);
        Loaded(logger, calls);
    }

    private static ExchangeCaller Caller((Guid Client, Guid Organization) client, string purpose, string user) =>
        new(client.Client, client.Organization, purpose, user, Guid.CreateVersion7().ToString());

    private static string? Text(JsonElement payload, string field) =>
        payload.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Each consumer department's demo API client, by the department's key in <see cref="DemoCity"/>.</summary>
    private static async Task<Dictionary<string, (Guid Client, Guid Organization)>> DemoClientsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var organizations = services.GetRequiredService<OrganizationStore>();
        var clients = services.GetRequiredService<ApiClientStore>();
        var found = new Dictionary<string, (Guid, Guid)>(StringComparer.Ordinal);
        foreach (var org in DemoCity.Clients().Select(c => c.OrganizationKey).Distinct())
        {
            var code = DemoCity.Organizations().Single(o => o.Key == org).Code;
            if (await organizations.FindByCodeAsync(code, cancellationToken) is { } organization)
            {
                found[org] = ((await DemoParts.DemoClientAsync(clients, organization.Id, cancellationToken)).Id, organization.Id);
            }
        }

        return found;
    }

    private async Task<IReadOnlyList<string>> KeysAsync(string code, int count, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "select r.key from records r join data_resources d on d.id = r.resource_id where d.code = @Code order by r.key limit @Count",
            new { Code = code.Replace('-', '/'), Count = count }, cancellationToken: cancellationToken))).ToList();
    }

    private async Task<string> FirstKeyAsync(string code, CancellationToken cancellationToken) =>
        await KeysAsync(code, 1, cancellationToken) is [var key, ..] ? key : "0";

    private async Task<IReadOnlyList<JsonElement>> PayloadsAsync(string code, int count, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var texts = await connection.QueryAsync<string>(new CommandDefinition(
            "select r.payload::text from records r join data_resources d on d.id = r.resource_id where d.code = @Code order by r.key limit @Count",
            new { Code = code.Replace('-', '/'), Count = count }, cancellationToken: cancellationToken));
        return texts.Select(t => JsonDocument.Parse(t).RootElement.Clone()).ToList();
    }

    [LoggerMessage(EventId = 9130, Level = LogLevel.Information, Message = "Demo exchange traffic: {Calls} calls through the gateway")]
    private static partial void Loaded(ILogger logger, int calls);
}
