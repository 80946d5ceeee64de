namespace Shuqiao.Core.Sharing;

/// <summary>
/// Working days (工作日) for reply deadlines: Monday to Friday, less the public holidays, plus the weekend days worked
/// in their place (调休上班). Each year's arrangement is published by the State Council in November for the next
/// year, so both lists are configuration; <see cref="China2026"/> is the shipped default. Days are calendar days in
/// the node's time zone, given as a fixed UTC offset (China Standard Time, +08:00, has no daylight saving).
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly HashSet<DateOnly> _holidays;
    private readonly HashSet<DateOnly> _workedWeekendDays;

    public WorkingDayCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> workedWeekendDays, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        ArgumentNullException.ThrowIfNull(workedWeekendDays);
        _holidays = [.. holidays];
        _workedWeekendDays = [.. workedWeekendDays];
        Offset = offset;
    }

    /// <summary>The UTC offset whose calendar days count.</summary>
    public TimeSpan Offset { get; }

    public IReadOnlyCollection<DateOnly> Holidays => _holidays;

    public IReadOnlyCollection<DateOnly> WorkedWeekendDays => _workedWeekendDays;

    /// <summary>
    /// 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04): 元旦 1/1–1/3, 春节 2/15–2/23,
    /// 清明 4/4–4/6, 劳动节 5/1–5/5, 端午 6/19–6/21, 中秋 9/25–9/27, 国庆 10/1–10/7 off; 1/4, 2/14, 2/28, 5/9, 9/20
    /// and 10/10 worked.
    /// </summary>
    public static WorkingDayCalendar China2026 { get; } = new(
        [
            .. Days(2026, 1, 1, 3), .. Days(2026, 2, 15, 23), .. Days(2026, 4, 4, 6), .. Days(2026, 5, 1, 5),
            .. Days(2026, 6, 19, 21), .. Days(2026, 9, 25, 27), .. Days(2026, 10, 1, 7),
        ],
        [new(2026, 1, 4), new(2026, 2, 14), new(2026, 2, 28), new(2026, 5, 9), new(2026, 9, 20), new(2026, 10, 10)],
        TimeSpan.FromHours(8));

    public bool IsWorkingDay(DateOnly day)
    {
        if (_workedWeekendDays.Contains(day))
        {
            return true;
        }

        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day);
    }

    /// <summary>The calendar day an instant falls on in this calendar's time zone.</summary>
    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The <paramref name="count"/>-th working day after <paramref name="day"/> (the day itself does not count).</summary>
    public DateOnly AddWorkingDays(DateOnly day, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var current = day;
        for (var found = 0; found < count;)
        {
            current = current.AddDays(1);
            if (IsWorkingDay(current))
            {
                found++;
            }
        }

        return current;
    }

    /// <summary>
    /// The deadline <paramref name="workingDays"/> working days after <paramref name="start"/>: the end of that
    /// working day, i.e. the first instant of the next calendar day in this time zone (an exclusive bound; a reply at
    /// 23:59:59 on the last day is on time). Counting starts the day after the start day (次日起算), whatever its hour.
    /// </summary>
    public DateTimeOffset Deadline(DateTimeOffset start, int workingDays)
    {
        var last = AddWorkingDays(DayOf(start), workingDays);
        return new DateTimeOffset(last.AddDays(1).ToDateTime(TimeOnly.MinValue), Offset).ToUniversalTime();
    }

    private static IEnumerable<DateOnly> Days(int year, int month, int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(d => new DateOnly(year, month, d));
}
