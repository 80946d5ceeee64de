using Shuqiao.Core.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Audit;

namespace Shuqiao.Core.Ledger;

/// <summary>
/// What a ledger entry says, as canonical JSON (RFC 8785). Entries carry keys and hashes only — ids, action names,
/// types, times, SHA-256 of snapshots — never a name, a login or any value of personal data, because the ledger is
/// public: anyone may download every entry (tlog-tiles entry bundles).
/// <para>
/// Every entry has <c>"v"</c> (format version, 1) and <c>"type"</c>. An admin change:
/// <code>
/// {"action":"user.update","actor":{"id":"…","kind":"User"},"after":"&lt;hex SHA-256&gt;","before":"&lt;hex&gt;",
///  "event":"&lt;audit event id&gt;","target":{"id":"…","type":"User"},"time":"2025-03-01T08:00:00.123456Z","type":"admin-change","v":1}
/// </code>
/// <c>before</c>/<c>after</c> are SHA-256 of the RFC 8785 form of the audit event's snapshots (null when absent), so
/// the audit row can be checked against its ledger entry without the ledger revealing it.
/// </para>
/// </summary>
public static class LedgerEntryFormat
{
    public const int Version = 1;

    public const string AdminChangeType = "admin-change";

    /// <summary>The admin change of audit event <paramref name="eventId"/> as entry bytes.</summary>
    public static byte[] AdminChange(
        Guid eventId, DateTimeOffset time, ActorKind actorKind, Guid? actorId, string action, string targetType, string targetId, string? beforeJson, string? afterJson)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(targetType);
        ArgumentNullException.ThrowIfNull(targetId);
        var entry = new JsonObject
        {
            ["v"] = Version,
            ["type"] = AdminChangeType,
            ["event"] = eventId.ToString(),
            ["time"] = FormatTime(time),
            ["actor"] = new JsonObject { ["kind"] = actorKind.ToString(), ["id"] = actorId?.ToString() },
            ["action"] = action,
            ["target"] = new JsonObject { ["type"] = targetType, ["id"] = targetId },
            ["before"] = SnapshotHash(beforeJson),
            ["after"] = SnapshotHash(afterJson),
        };
        return Jcs.Canonicalize(entry);
    }

    public const string LicenceVerificationType = "licence-verification";

    /// <summary>
    /// A verification of one of this node's licences (在线核验): which licence, through which channel, with which
    /// outcome. Who verified is left out — a clerk's name is personal data; the audit table keeps it for the holder.
    /// </summary>
    public static byte[] LicenceVerification(Guid eventId, DateTimeOffset time, Guid licenceId, string channel, bool verified, string? failureCode)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var entry = new JsonObject
        {
            ["v"] = Version,
            ["type"] = LicenceVerificationType,
            ["event"] = eventId.ToString(),
            ["time"] = FormatTime(time),
            ["licence"] = licenceId.ToString(),
            ["channel"] = channel,
            ["verified"] = verified,
            ["failure"] = failureCode,
        };
        return Jcs.Canonicalize(entry);
    }

    /// <summary>Lowercase hex SHA-256 of the RFC 8785 form of a JSON snapshot; null for no snapshot.</summary>
    public static string? SnapshotHash(string? json) =>
        json is null ? null : Convert.ToHexStringLower(SHA256.HashData(Jcs.CanonicalizeJson(json)));

    /// <summary>
    /// UTC with microseconds, the precision PostgreSQL keeps (timestamptz), truncated as Npgsql does, so the time in
    /// the entry equals the one read back from the audit table.
    /// </summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        utc = new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The type and (when present) audit event id of an entry, for display; null if it is not a JSON object.</summary>
    public static (string? Type, Guid? EventId)? Describe(ReadOnlySpan<byte> entry)
    {
        try
        {
            var reader = new Utf8JsonReader(entry);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            Guid? eventId = root.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String && Guid.TryParse(e.GetString(), out var id) ? id : null;
            return (type, eventId);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
