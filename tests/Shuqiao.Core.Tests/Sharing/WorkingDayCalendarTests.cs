using Shuqiao.Core.Sharing;

namespace Shuqiao.Core.Tests.Sharing;

public class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.China2026;

    [Theory]
    [InlineData("2026-10-01", false)] // 国庆
    [InlineData("2026-10-07", false)]
    [InlineData("2026-10-08", true)]
    [InlineData("2026-10-10", true)]  // Saturday worked (调休)
    [InlineData("2026-09-20", true)]  // Sunday worked (调休)
    [InlineData("2026-09-19", false)] // an ordinary Saturday
    [InlineData("2026-09-25", false)] // 中秋, a Friday
    [InlineData("2026-02-14", true)]  // Saturday before 春节
    [InlineData("2026-02-23", false)] // 正月初七, a Monday off
    [InlineData("2026-09-14", true)]
    public void The_2026_arrangement_marks_holidays_and_worked_weekend_days(string day, bool working) =>
        Assert.Equal(working, Calendar.IsWorkingDay(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Ten_working_days_from_a_monday_skip_the_mid_autumn_festival_and_count_the_worked_sunday()
    {
        // From Mon 14 Sep: 15–18 (4), Sun 20 worked (5), 21–24 (9), 25–27 中秋, Mon 28 (10).
        var deadline = Calendar.Deadline(SharingData.Now, 10);
        Assert.Equal(new DateTimeOffset(2026, 9, 29, 0, 0, 0, TimeSpan.FromHours(8)), deadline);
        Assert.Equal(TimeSpan.Zero, deadline.Offset);
    }

    [Fact]
    public void The_national_day_week_is_skipped_and_the_worked_saturday_after_it_counts()
    {
        var lateOnSeptember30 = new DateTimeOffset(2026, 9, 30, 23, 30, 0, TimeSpan.FromHours(8));
        Assert.Equal(new DateTimeOffset(2026, 10, 11, 0, 0, 0, TimeSpan.FromHours(8)), Calendar.Deadline(lateOnSeptember30, 3));
    }

    [Fact]
    public void The_start_day_is_the_day_in_china_not_in_utc()
    {
        // 17:00 UTC on Sunday 13 Sep is 01:00 on Monday 14 Sep in 示范市: counting starts on Tuesday.
        var start = new DateTimeOffset(2026, 9, 13, 17, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 9, 16, 0, 0, 0, TimeSpan.FromHours(8)), Calendar.Deadline(start, 1));
    }

    [Fact]
    public void Holidays_and_worked_days_are_configuration()
    {
        var calendar = new WorkingDayCalendar([new DateOnly(2027, 1, 1)], [new DateOnly(2027, 1, 2)], TimeSpan.FromHours(8));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2027, 1, 1)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2027, 1, 2)));
        Assert.Equal(new DateOnly(2027, 1, 4), calendar.AddWorkingDays(new DateOnly(2026, 12, 31), 2));
    }
}
