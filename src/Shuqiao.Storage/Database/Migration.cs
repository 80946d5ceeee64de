using System.Security.Cryptography;
using System.Text;

namespace Shuqiao.Storage.Database;

/// <summary>One forward-only migration file, <c>NNNN_name.sql</c>, embedded in this assembly.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

    public static IReadOnlyList<Migration> LoadEmbedded()
    {
        const string prefix = "Shuqiao.Storage.Migrations.";
        var assembly = typeof(Migration).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore != 4 || !int.TryParse(file.AsSpan(0, 4), out var version))
            {
                throw new InvalidOperationException($"Migration '{file}.sql' is not named NNNN_name.sql.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 0001, 0002, … without gaps; found {migrations[i].Version:D4} at position {i + 1}.");
            }
        }

        return migrations;
    }
}
