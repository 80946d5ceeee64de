namespace Shuqiao.Testing;

/// <summary>
/// The one test double we allow: a clock that moves only when told. Register it in a server with
/// <c>services.AddSingleton&lt;TimeProvider&gt;(clock)</c> (see the Identity tests' ClockedServerFactory).
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public ManualClock()
        : this(DateTimeOffset.UtcNow)
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
