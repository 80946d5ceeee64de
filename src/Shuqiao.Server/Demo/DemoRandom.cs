namespace Shuqiao.Server.Demo;

/// <summary>
/// The random numbers of the demo data set: SplitMix64 (Steele, Lea and Flood 2014), our own rather than
/// <see cref="Random"/> so that a seed gives the same city on every runtime version. Not for anything secret.
/// </summary>
public sealed class DemoRandom(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one stream (e.g. one resource) of the demo seed, independent of the others.</summary>
    public static DemoRandom For(string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var seed = (ulong)DemoCity.Seed;
        foreach (var c in stream)
        {
            seed = Mix(seed ^ c);
        }

        return new DemoRandom(seed);
    }

    /// <summary>0 ≤ value &lt; <paramref name="max"/>.</summary>
    public int Next(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        return (int)(NextUInt64() % (ulong)max);
    }

    /// <summary><paramref name="min"/> ≤ value &lt; <paramref name="max"/>.</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items[Next(items.Count)];
    }

    public DateOnly Date(DateOnly from, DateOnly to) =>
        to <= from ? from : from.AddDays(Next(to.DayNumber - from.DayNumber + 1));

    private ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
