using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shuqiao.Core.Sharing;
using Shuqiao.Storage.Sharing;
using static Shuqiao.Server.Tests.Sharing.SharingWorld;

namespace Shuqiao.Server.Tests.Sharing;

/// <summary>What the gateway will rely on: one lookup of the grant for (resource, organization, client), and NOTIFY grants_changed on every change.</summary>
public sealed class GrantLookupTests(SharingServer server) : IClassFixture<SharingServer>
{
    [Fact]
    public async Task The_grant_of_a_consumer_is_found_for_any_of_its_clients_and_every_change_is_announced_on_grants_changed()
    {
        var world = await CreateAsync(server, "Unconditional");
        await using var listener = new NpgsqlConnection(server.ConnectionString);
        await listener.OpenAsync();
        var heard = new List<string>();
        listener.Notification += (_, e) => heard.Add(e.Payload);
        await using (var listen = new NpgsqlCommand("listen grants_changed", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        var grantId = (await world.SubmitAsync(world.Request(DateTimeOffset.UtcNow))).GetProperty("grantId").GetGuid();
        var store = server.Services.GetRequiredService<GrantStore>();
        var found = await store.FindForConsumerAsync(world.ResourceId, world.Consumer, Guid.NewGuid(), CancellationToken.None);
        var none = await store.FindForConsumerAsync(world.ResourceId, world.Provider, null, CancellationToken.None);
        await OkAsync(await world.Approver.PostAsync($"/api/v1/grants/{grantId}/suspend", System.Net.Http.Json.JsonContent.Create(new { reason = "核查" })));
        var suspended = await store.FindForConsumerAsync(world.ResourceId, world.Consumer, null, CancellationToken.None);

        Assert.Equal(grantId, found?.Grant.Id);
        Assert.Null(none);
        Assert.Equal(GrantStatus.Suspended, suspended?.Grant.Status); // the gateway sees it and denies with GrantSuspended
        await WaitForAsync(() => heard.Count >= 2, listener);
        Assert.All(heard.Take(2), p => Assert.Contains(grantId.ToString(), p, StringComparison.Ordinal));
        Assert.Contains("\"op\" : \"insert\"", heard[0], StringComparison.Ordinal);
        Assert.Contains("\"op\" : \"update\"", heard[1], StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> done, NpgsqlConnection connection)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!done() && DateTime.UtcNow < until)
        {
            await connection.WaitAsync(TimeSpan.FromMilliseconds(200));
        }
    }
}

/// <summary>A request's row scope outlives a breaking schema change of its resource.</summary>
public sealed class SharingSchemaChangeTests(SharingServer server) : IClassFixture<SharingServer>
{
    [Fact]
    public async Task A_request_scoped_on_a_field_the_provider_later_drops_still_reads_and_can_be_decided()
    {
        var world = await CreateAsync(server);
        var id = (await world.SubmitAsync(world.Request(DateTimeOffset.UtcNow))).GetProperty("id").GetGuid();
        var slug = world.Code.Replace('/', '-');
        var current = await OkAsync(await world.ProviderSteward.GetAsync($"/api/v1/resources/{slug}"));
        var edit = Catalog.CatalogRequests.Edit(
            Catalog.CatalogRequests.Resource("人口基本信息", fields: [Catalog.CatalogRequests.IdNumberField(), Catalog.CatalogRequests.TextField("name", "姓名", true, "Important", "Personal")]),
            current,
            e => e["allowBreaking"] = true);
        var changed = await world.ProviderSteward.PutAsync($"/api/v1/resources/{slug}", System.Net.Http.Json.JsonContent.Create(edit));
        Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());

        var rejected = await OkAsync(await world.Approver.PostAsync($"/api/v1/sharing-requests/{id}/reject", System.Net.Http.Json.JsonContent.Create(new { reason = "区县信息项已停用" })));
        var read = await OkAsync(await world.ConsumerSteward.GetAsync($"/api/v1/sharing-requests/{id}"));

        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
        Assert.Contains("台江区", read.GetProperty("requested").GetProperty("rowScope").GetRawText(), StringComparison.Ordinal);
    }
}
