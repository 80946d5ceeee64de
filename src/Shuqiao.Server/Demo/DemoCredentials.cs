using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shuqiao.Server.Demo;

/// <summary>The demo credentials file of design §5, written once when the demo data set is loaded.</summary>
public sealed record DemoCredentials(
    string BaseUrl,
    string AdminToken,
    IReadOnlyList<DemoCredentials.UserLogin> Users,
    IReadOnlyList<DemoCredentials.ClientKey> Clients)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public sealed record UserLogin(string Login, string Password, string Role, string Org);

    public sealed record ClientKey(string Org, string Name, string Key);

    /// <summary>Writes the file readable by its owner only: it holds working secrets.</summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(temporary, file))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
