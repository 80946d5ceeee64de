namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>The one test double the house allows: a clock that says what the test wants.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
