using System.ComponentModel.DataAnnotations;

namespace Shuqiao.Server.Demo;

/// <summary>Settings of the demo data set (<c>Shuqiao:Demo</c>); used in demo mode only.</summary>
public sealed class DemoOptions
{
    public const string Section = "Shuqiao:Demo";

    /// <summary>
    /// Multiplies the demo records per resource (1.0: 10,000–100,000 each, about 340,000 in all; tests use 0.01).
    /// Read once, when the records are first loaded.
    /// </summary>
    [Range(0.0001, 20.0)]
    public double RecordScale { get; set; } = 1.0;
}
