namespace Shuqiao.Cli;

/// <summary>The <c>shuqiao</c> command. Not a top-level program: the tests load it beside the server's <c>Program</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => ShuqiaoCli.RunAsync(args, CliContext.FromConsole());
}
