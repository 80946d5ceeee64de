namespace Shuqiao.Testing;

/// <summary>
/// Temporary folders for a test process (CLI configuration, demo credential files, browser state), all under one
/// root that <see cref="ProcessCleanup"/> deletes when the process has ended. Roots that outlived their process
/// anyway (its watchdog was killed too) are swept the next time a test process asks for a folder.
/// </summary>
public static class TestTemp
{
    private const string Prefix = "shuqiao-tests-";
    private const string OwnerFile = "owner";

    private static readonly Lazy<string> Root = new(CreateRoot);

    /// <summary>A new, empty folder whose name starts with <paramref name="purpose"/>.</summary>
    public static string NewDirectory(string purpose)
    {
        var path = Path.Combine(Root.Value, purpose + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    private static string CreateRoot()
    {
        Sweep();
        var root = Path.Combine(Path.GetTempPath(), Prefix + Environment.ProcessId);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, OwnerFile), ProcessIdentity.Current);
        ProcessCleanup.DeleteAtExit(root);
        return root;
    }

    // What earlier versions of the tests left in the temporary folder directly; no test run lasts an hour (./test
    // stops a suite after 15 minutes), so anything of theirs that old is garbage.
    private static readonly string[] LegacyPatterns = ["shuqiao-cli-tests-*", "shuqiao-demo-*", "shuqiao-e2e-*.json", "shuqiao-orgs-*.csv"];

    private static void Sweep()
    {
        var anHourAgo = DateTime.UtcNow.AddHours(-1);
        foreach (var pattern in LegacyPatterns)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(Path.GetTempPath(), pattern))
            {
                try
                {
                    if (File.GetLastWriteTimeUtc(entry) < anHourAgo)
                    {
                        if (Directory.Exists(entry))
                        {
                            TryDelete(entry);
                        }
                        else
                        {
                            File.Delete(entry);
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        }

        foreach (var root in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var owner = Path.Combine(root, OwnerFile);
            try
            {
                // A root without its owner file yet may be one another process is creating this very moment.
                var stale = File.Exists(owner)
                    ? !ProcessIdentity.IsAlive(File.ReadAllText(owner))
                    : Directory.GetLastWriteTimeUtc(root) < DateTime.UtcNow.AddMinutes(-1);
                if (stale)
                {
                    TryDelete(root);
                }
            }
            catch (IOException)
            {
                // Its owner is deleting it right now.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
