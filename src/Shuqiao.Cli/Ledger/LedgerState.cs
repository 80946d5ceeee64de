using System.Text;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Cli.Ledger;

/// <summary>
/// What <c>shuqiao ledger verify</c> remembers per log (one folder per origin in the state directory): the verifier key
/// it trusted first (trust on first use, unless pinned with --vkey) and the last checkpoint it verified, so the next
/// run can prove the log only grew since.
/// </summary>
internal sealed class LedgerState(string directory, string origin)
{
    public string Folder { get; } = Path.Combine(directory, Sanitize(origin));

    private string VkeyPath => Path.Combine(Folder, "vkey");

    private string CheckpointPath => Path.Combine(Folder, "checkpoint");

    /// <summary>The default state directory: <c>&lt;config&gt;/ledger</c> beside the CLI's saved logins.</summary>
    public static string DefaultDirectory(CliContext cli) => Path.Combine(cli.ConfigDirectory, "ledger");

    public string? VerifierKey => File.Exists(VkeyPath) ? File.ReadAllText(VkeyPath).Trim() : null;

    /// <summary>The signed checkpoint verified last, as text, and when it was saved.</summary>
    public (string Note, DateTime SavedAtUtc)? LastCheckpoint =>
        File.Exists(CheckpointPath) ? (File.ReadAllText(CheckpointPath, Encoding.UTF8), File.GetLastWriteTimeUtc(CheckpointPath)) : null;

    public void Save(string verifierKey, byte[] signedCheckpoint)
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(VkeyPath, verifierKey + "\n");
        // Written aside and moved, so an interrupted run never leaves half a checkpoint behind.
        var temporary = CheckpointPath + ".tmp";
        File.WriteAllBytes(temporary, signedCheckpoint);
        File.Move(temporary, CheckpointPath, overwrite: true);
    }

    /// <summary>Opens the saved checkpoint with the saved key; null if none or it no longer verifies (then it is ignored, with a warning).</summary>
    public Checkpoint? OpenLast(INoteVerifier verifier, out string? problem)
    {
        problem = null;
        if (LastCheckpoint is not { } last)
        {
            return null;
        }

        var opened = Checkpoint.Open(Encoding.UTF8.GetBytes(last.Note), origin, [verifier]);
        if (!opened.IsVerified)
        {
            problem = $"the saved checkpoint in {CheckpointPath} does not verify ({opened.Reason})";
            return null;
        }

        return opened.Checkpoint;
    }

    private static string Sanitize(string origin) =>
        string.Concat(origin.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_'));
}
