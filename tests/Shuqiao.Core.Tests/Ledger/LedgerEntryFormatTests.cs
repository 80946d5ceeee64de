using Shuqiao.Core.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shuqiao.Core.Audit;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

/// <summary>The ledger's admin-change entries, written in RFC 8785 canonical JSON (Jcs, tested in Common/JcsTests).</summary>
public sealed class LedgerEntryFormatTests
{
    [Fact]
    public void An_admin_change_entry_holds_ids_action_and_snapshot_hashes_and_is_the_same_for_any_key_order()
    {
        var eventId = Guid.Parse("0190b3e4-7c1a-7d2e-9f00-123456789abc");
        var actorId = Guid.Parse("0190b3e4-0000-7000-8000-000000000001");
        var time = new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.FromHours(8)).AddTicks(1234567);
        const string after = """{"login":"zhangsan","displayName":"张三","roles":["Approver"]}""";
        const string afterReordered = """{ "roles": ["Approver"], "displayName": "张三", "login": "zhangsan" }""";

        var entry = LedgerEntryFormat.AdminChange(eventId, time, ActorKind.User, actorId, "user.create", "User", "u-1", null, after);
        var same = LedgerEntryFormat.AdminChange(eventId, time, ActorKind.User, actorId, "user.create", "User", "u-1", null, afterReordered);

        var text = Encoding.UTF8.GetString(entry);
        Assert.Equal(entry, same);
        Assert.Equal(
            "{\"action\":\"user.create\",\"actor\":{\"id\":\"" + actorId + "\",\"kind\":\"User\"},\"after\":\"" +
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"displayName":"张三","login":"zhangsan","roles":["Approver"]}"""))) +
            "\",\"before\":null,\"event\":\"" + eventId + "\",\"target\":{\"id\":\"u-1\",\"type\":\"User\"},\"time\":\"2025-03-01T00:00:00.123456Z\",\"type\":\"admin-change\",\"v\":1}",
            text);
        Assert.DoesNotContain("zhangsan", text, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", text, StringComparison.Ordinal);
        Assert.Equal(("admin-change", (Guid?)eventId), LedgerEntryFormat.Describe(entry));
    }
}
