using System.Text.Json;

namespace Shuqiao.Cli;

/// <summary>
/// Personal access tokens saved by <c>shuqiao login</c>, per server, in credentials.json under the configuration
/// folder. The file is created readable by its owner only (0600), as ssh and the cloud CLIs do.
/// </summary>
internal sealed class CredentialStore(string directory)
{
    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string FilePath => Path.Combine(directory, "credentials.json");

    public SavedCredentials Load()
    {
        if (!File.Exists(FilePath))
        {
            return new SavedCredentials();
        }

        try
        {
            return JsonSerializer.Deserialize<SavedCredentials>(File.ReadAllText(FilePath), FileJson) ?? new SavedCredentials();
        }
        catch (JsonException)
        {
            // A damaged file is as good as none; the next login rewrites it.
            return new SavedCredentials();
        }
    }

    public void Save(string server, string token, DateTimeOffset now)
    {
        var saved = Load();
        saved.Servers[server] = new SavedServer { Token = token, SavedAt = now };
        saved.DefaultServer = server;

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Written beside and renamed over, so a crash never leaves half a file, and the new file is 0600 from
        // its first byte whatever the old one's mode was.
        var temporary = FilePath + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, saved, FileJson);
        }

        File.Move(temporary, FilePath, overwrite: true);
    }
}

internal sealed class SavedCredentials
{
    public string? DefaultServer { get; set; }

    public Dictionary<string, SavedServer> Servers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class SavedServer
{
    public string Token { get; set; } = "";

    public DateTimeOffset SavedAt { get; set; }
}
