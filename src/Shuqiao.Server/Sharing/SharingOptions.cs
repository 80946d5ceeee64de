using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Shuqiao.Core.Sharing;

namespace Shuqiao.Server.Sharing;

/// <summary>Settings of the sharing workflow (<c>Shuqiao:Sharing</c>); docs/sharing.md.</summary>
public sealed class SharingOptions
{
    public const string Section = "Shuqiao:Sharing";

    /// <summary>
    /// Working days a reply may take. 10 by default: 国发〔2016〕51号《政务信息资源共享管理暂行办法》 gives the provider 10
    /// working days to answer a 有条件共享 request; a province may set a shorter term (e.g. 5).
    /// </summary>
    [Range(1, 60)]
    public int ReplyWorkingDays { get; set; } = 10;

    /// <summary>Public holidays (yyyy-MM-dd) added to the shipped 2026 arrangement, as each year's 国务院办公厅 notice publishes them.</summary>
    public IList<string> Holidays { get; } = [];

    /// <summary>Weekend days worked in place of holidays (调休上班), yyyy-MM-dd, added to the shipped 2026 arrangement.</summary>
    public IList<string> WorkedWeekendDays { get; } = [];

    /// <summary>How often the jobs run: escalation of overdue requests, expiry of grants, webhook delivery.</summary>
    [Range(1, 3600)]
    public int JobIntervalSeconds { get; set; } = 60;

    /// <summary>Attempts of one webhook delivery before it is given up (backoff 30 s, 1, 2, 4 … minutes, at most 6 h apart).</summary>
    [Range(1, 20)]
    public int WebhookMaxAttempts { get; set; } = 8;

    [Range(1, 120)]
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Internal addresses (IPs or CIDR ranges) webhooks may reach anyway, e.g. an on-premises receiver at 10.20.0.8.
    /// Empty by default: loopback, private and link-local addresses are refused (<see cref="WebhookAddressGuard"/>).
    /// </summary>
    public IList<string> WebhookAllowedNetworks { get; } = [];

    public WorkingDayCalendar Calendar()
    {
        var shipped = WorkingDayCalendar.China2026;
        return new WorkingDayCalendar(
            [.. shipped.Holidays, .. Holidays.Select(Day)],
            [.. shipped.WorkedWeekendDays, .. WorkedWeekendDays.Select(Day)],
            shipped.Offset);
    }

    public ReplyDeadlines Deadlines() => new(Calendar(), ReplyWorkingDays);

    public bool NetworksAreValid() => Core.Identity.IpAllowList.Parse(WebhookAllowedNetworks).Succeeded;

    public bool DaysAreValid() => Holidays.Concat(WorkedWeekendDays).All(d => DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
