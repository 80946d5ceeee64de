using System.Text.Json.Nodes;
using Shuqiao.Core.Common;
using Shuqiao.Core.Exchange;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Exchange;

namespace Shuqiao.Storage.Tests.Exchange;

/// <summary>The access event's ledger entry is written directly; it must stay byte for byte the RFC 8785 form.</summary>
public sealed class AccessRecordTests
{
    public static TheoryData<bool, DenialReason?> Variants => new()
    {
        { true, null },
        { false, null },
        { true, DenialReason.PurposeMismatch },
        { false, DenialReason.NoGrant },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_ledger_entry_is_the_canonical_json_of_its_members(bool withResource, DenialReason? reason)
    {
        var time = new DateTimeOffset(2026, 11, 21, 8, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4567);
        var e = new AccessEvent(Guid.CreateVersion7(time), time, Guid.NewGuid(), Guid.NewGuid(), "用户-42", withResource ? Guid.NewGuid() : null,
            withResource ? Guid.NewGuid() : null, AccessOperation.Record, new QueryShape(["id", "name"], null, [], null, false), 1, ["name"], "办理婚姻登记",
            reason is null ? AccessOutcome.Allowed : AccessOutcome.Denied, reason, TimeSpan.FromMilliseconds(3));

        var expected = Jcs.Canonicalize(new JsonObject
        {
            ["v"] = LedgerEntryFormat.Version,
            ["type"] = AccessRecord.LedgerType,
            ["event"] = e.Id.ToString(),
            ["time"] = LedgerEntryFormat.FormatTime(e.Time),
            ["client"] = e.ClientId.ToString(),
            ["organization"] = e.OrganizationId.ToString(),
            ["resource"] = e.ResourceId?.ToString(),
            ["grant"] = e.GrantId?.ToString(),
            ["operation"] = e.Operation.ToString(),
            ["outcome"] = e.Outcome.ToString(),
            ["reason"] = e.Reason?.ToString(),
            ["rows"] = e.RowsReturned,
        });

        var entry = new AccessRecord(e, "3501-01/000001", Guid.NewGuid(), "req-1").LedgerEntry();

        Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(entry));
        Assert.DoesNotContain("用户", System.Text.Encoding.UTF8.GetString(entry), StringComparison.Ordinal);
    }
}
