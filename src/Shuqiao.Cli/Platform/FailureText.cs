using Shuqiao.Core.Common;

namespace Shuqiao.Cli;

internal static class FailureText
{
    /// <summary>Prints a domain failure (title, then each field's reasons) and returns its exit code.</summary>
    public static int Print(CliContext cli, Failure failure)
    {
        cli.Error.WriteLine($"error: {failure.Title}");
        foreach (var (field, reasons) in failure.Errors ?? new Dictionary<string, string[]>())
        {
            foreach (var reason in reasons)
            {
                cli.Error.WriteLine($"  {field}: {reason}");
            }
        }

        return failure.Kind == FailureKind.Conflict ? ExitCodes.Conflict : ExitCodes.Failed;
    }
}
