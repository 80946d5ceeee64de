using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Storage.Quality;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Quality.QualityRequests;

namespace Shuqiao.Server.Tests.Quality;

/// <summary>A server whose schedule looks for due resources every second.</summary>
public sealed class ScheduledQualityServer : ServerFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Shuqiao:Quality:Interval"] = "00:00:01",
    };
}

/// <summary>The scheduled sweep: published resources are measured without anyone asking, one instance at a time.</summary>
public sealed class QualityScheduleTests(ScheduledQualityServer server) : IClassFixture<ScheduledQualityServer>
{
    [Fact]
    public async Task A_published_resource_never_loaded_is_measured_by_the_schedule()
    {
        var (_, steward) = await Catalog.CatalogRequests.StewardAsync(server);
        var slug = await PublishAsync(steward, Resource("定时评估资源", "Daily", 5, Field("code", "编号", key: true)));

        var report = await WaitForReportAsync(steward, slug, 150);

        Assert.NotNull(report);
        Assert.Equal("Schedule", report.Value.GetProperty("trigger").GetString());
        // nothing loaded of 5 expected: completeness 0; just published, so timeliness (from publication) 100; overall 50.0
        Assert.Equal(0.0, Score(report.Value, "Completeness"));
        Assert.Equal(100.0, Score(report.Value, "Timeliness"));
        Assert.Equal(50.0, report.Value.GetProperty("overall").GetDouble());
    }

    [Fact]
    public async Task Only_one_instance_holds_the_sweep_lease_until_it_expires_or_is_released()
    {
        var store = server.Services.GetRequiredService<QualityStore>();
        var name = "test-" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow;

        var first = await store.TryLeaseAsync(name, "instance-a", now, now.AddMinutes(10), CancellationToken.None);
        var second = await store.TryLeaseAsync(name, "instance-b", now, now.AddMinutes(10), CancellationToken.None);
        var renewed = await store.TryLeaseAsync(name, "instance-a", now.AddMinutes(1), now.AddMinutes(11), CancellationToken.None);
        var afterExpiry = await store.TryLeaseAsync(name, "instance-b", now.AddMinutes(12), now.AddMinutes(22), CancellationToken.None);
        await store.ReleaseAsync(name, "instance-b", now.AddMinutes(13), CancellationToken.None);
        var afterRelease = await store.TryLeaseAsync(name, "instance-a", now.AddMinutes(13), now.AddMinutes(23), CancellationToken.None);

        Assert.Equal((true, false, true, true, true), (first, second, renewed, afterExpiry, afterRelease));
    }
}
