using System.Net;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Shuqiao.Core.Ledger;
using Shuqiao.Server.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Tests.Ledger;

/// <summary>
/// Two nodes in process: a log whose checkpoints are sent to a witness, and the witness (another node) that checks
/// consistency before cosigning (c2sp.org/tlog-witness, tlog-cosignature). Keys come from files, as an operator
/// would give them, so each side can be configured with the other's public key before either starts.
/// </summary>
public sealed class LedgerWitnessingTests : IAsyncLifetime
{
    private const string LogOrigin = "log.node-a.example/ledger";
    private const string WitnessName = "node-b.example/witness";

    private readonly string _keys = Path.Combine(Path.GetTempPath(), "shuqiao-ledger-keys-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _logVkey;
    private readonly string _witnessVkey;
    private readonly WitnessNode _witness;
    private readonly LogNode _log;

    public LedgerWitnessingTests()
    {
        Directory.CreateDirectory(_keys);
        var (logSkey, logVkey) = Ed25519NoteSigner.Generate(LogOrigin);
        File.WriteAllText(Path.Combine(_keys, "log.key"), logSkey);
        _logVkey = logVkey;
        // The witness key as a PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes it.
        var seed = new Ed25519PrivateKeyParameters(new SecureRandom());
        var pem = "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(PrivateKeyInfoFactory.CreatePrivateKeyInfo(seed).GetDerEncoded(), Base64FormattingOptions.InsertLineBreaks) + "\n-----END PRIVATE KEY-----\n";
        File.WriteAllText(Path.Combine(_keys, "witness.pem"), pem);
        _witnessVkey = new Ed25519CosignatureSigner(WitnessName, seed.GetEncoded(), TimeProvider.System).VerifierKey.ToString();
        _witness = new WitnessNode(this);
        _log = new LogNode(this);
    }

    public async Task InitializeAsync()
    {
        await _witness.InitializeAsync();
        await _log.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _log.DisposeAsync();
        await _witness.DisposeAsync();
        Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task The_logs_checkpoints_get_the_witness_cosignature_after_it_checked_consistency()
    {
        var anonymous = LedgerTesting.Anonymous(_log);
        await LedgerTesting.AppendAsync(_log, 50);
        var first = await WaitForCosignedAsync(anonymous, await LedgerTesting.TreeSizeAsync(_log));
        await LedgerTesting.AppendAsync(_log, 700);
        var second = await WaitForCosignedAsync(anonymous, await LedgerTesting.TreeSizeAsync(_log));

        Assert.True(second.Checkpoint.Size > first.Checkpoint.Size);
        Assert.Equal(_logVkey, (await anonymous.GetStringAsync("/ledger/vkey")).TrimEnd('\n'));
        // The witness remembers the latest checkpoint it cosigned for the log (the base of its next consistency check).
        await using var connection = new NpgsqlConnection(_witness.ConnectionString);
        var witnessed = await connection.QuerySingleAsync<long>("select size from ledger_witnessed_logs where origin = @LogOrigin", new { LogOrigin });
        Assert.True(witnessed >= second.Checkpoint.Size);
        // And the log's receipts carry the cosignature: a client demanding one witness accepts them.
        var overview = await _log.WithScopeAsync(sp => sp.GetRequiredService<LedgerService>().OverviewAsync(default));
        Assert.Contains(overview.Checkpoint!.Cosignatures, c => c.Witness == WitnessName && c.Verified);
        var receipt = TlogProof.Parse((await _log.WithScopeAsync(sp => sp.GetRequiredService<LedgerService>().ReceiptAsync(10, default))).Value!);
        var check = receipt.Verify(MerkleHash.Leaf(receipt.Extra!.Value.Span), LogOrigin, NoteKeys.Verifier(_logVkey), [NoteKeys.Verifier(_witnessVkey)], minCosignatures: 1);
        Assert.True(check.IsValid, check.Reason);
    }

    [Fact]
    public async Task The_witness_refuses_unknown_logs_forged_signatures_stale_sizes_and_bad_proofs_with_the_spec_status_codes()
    {
        var witness = LedgerTesting.Anonymous(_witness);
        var other = Ed25519NoteSigner.FromSignerKey(Ed25519NoteSigner.Generate("unknown.example/ledger").SignerKey);
        var impostor = Ed25519NoteSigner.FromSignerKey(Ed25519NoteSigner.Generate(LogOrigin).SignerKey);
        await LedgerTesting.AppendAsync(_log, 20);
        var (checkpoint, note) = await WaitForCosignedAsync(LedgerTesting.Anonymous(_log), await LedgerTesting.TreeSizeAsync(_log));
        Task<HttpResponseMessage> Post(long old, IReadOnlyList<byte[]> proof, SignedNote signed) =>
            witness.PostAsync("/ledger/witness/add-checkpoint", new ByteArrayContent(new AddCheckpointRequest(old, proof, signed.ToBytes()).ToBody()));

        var unknown = await Post(0, [], new Checkpoint("unknown.example/ledger", 1, MerkleHash.Leaf("x"u8)).Sign(other));
        var forged = await Post(0, [], new Checkpoint(LogOrigin, checkpoint.Size + 5, MerkleHash.Leaf("x"u8)).Sign(impostor));
        var stale = await Post(0, [], note);
        var wrongProof = await Post(checkpoint.Size, [new byte[32]], new Checkpoint(LogOrigin, checkpoint.Size + 5, MerkleHash.Leaf("x"u8)).Sign(ReadLogSigner()));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("text/x.tlog.size", stale.Content.Headers.ContentType?.MediaType);
        Assert.True(long.Parse((await stale.Content.ReadAsStringAsync()).TrimEnd('\n'), System.Globalization.CultureInfo.InvariantCulture) >= checkpoint.Size);
        // A fork signed with the log's real key: the witness refuses it (422 without a valid proof, or 409 if it has moved on).
        Assert.Contains(wrongProof.StatusCode, new[] { HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict });
    }

    private Ed25519NoteSigner ReadLogSigner() => Ed25519NoteSigner.FromSignerKey(File.ReadAllText(Path.Combine(_keys, "log.key")));

    private static Task<(Checkpoint Checkpoint, SignedNote Note)> WaitForCosignedAsync(HttpClient client, long size) =>
        LedgerTesting.WaitForCheckpointAsync(client, size, note => note.Signatures.Any(s => s.KeyName == WitnessName));

    private sealed class WitnessNode(LedgerWitnessingTests test) : LedgerServerFactory
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Shuqiao:Ledger:Origin"] = "node-b.example/ledger",
            ["Shuqiao:Ledger:WitnessName"] = WitnessName,
            ["Shuqiao:Ledger:WitnessKeyFile"] = Path.Combine(test._keys, "witness.pem"),
            ["Shuqiao:Ledger:WitnessedLogs:0:Origin"] = LogOrigin,
            ["Shuqiao:Ledger:WitnessedLogs:0:VerifierKey"] = test._logVkey,
        };
    }

    private sealed class LogNode(LedgerWitnessingTests test) : LedgerServerFactory
    {
        protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
        {
            ["Shuqiao:Ledger:Origin"] = LogOrigin,
            ["Shuqiao:Ledger:SigningKeyFile"] = Path.Combine(test._keys, "log.key"),
            ["Shuqiao:Ledger:Witnesses:0:Name"] = WitnessName,
            ["Shuqiao:Ledger:Witnesses:0:Url"] = "http://node-b.example/ledger/witness",
            ["Shuqiao:Ledger:Witnesses:0:VerifierKey"] = test._witnessVkey,
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The witness node is another in-memory server: its handler stands in for the network.
            builder.ConfigureTestServices(services => services.AddHttpClient(LedgerWitnessClient.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => test._witness.Server.CreateHandler()));
        }
    }
}
