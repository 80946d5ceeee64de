using Shuqiao.Core.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>
/// A ledger has one tree per database, so each test gets a fresh migrated database of its own (through the shared
/// <see cref="DatabaseFixture"/>) and a mirror of what it appended, to compare with.
/// </summary>
internal sealed class LedgerDatabase : IAsyncDisposable
{
    private LedgerDatabase(DatabaseFixture database) => Database = database;

    public DatabaseFixture Database { get; }

    public MemoryTree Mirror { get; } = new();

    public List<byte[]> Entries { get; } = [];

    public static async Task<LedgerDatabase> CreateAsync()
    {
        var database = new DatabaseFixture();
        await database.InitializeAsync();
        return new LedgerDatabase(database);
    }

    /// <summary>Small canonical-JSON-like entries, as the audit writer will produce (no personal data values).</summary>
    public static byte[] Entry(long n) =>
        System.Text.Encoding.UTF8.GetBytes($$"""{"kind":"access","client":"c{{n % 17}}","resource":"350100-01-{{n % 5:D3}}","rows":{{n % 100}},"seq":{{n}}}""");

    /// <summary>Records entries a test appended (after its commit), in order.</summary>
    public void Record(IEnumerable<byte[]> entries)
    {
        foreach (var entry in entries)
        {
            Entries.Add(entry);
            Mirror.AppendEntry(entry);
        }
    }

    public ValueTask DisposeAsync() => new(Database.DisposeAsync());
}
