using System.Text;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;
using Shuqiao.Testing;

namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>This node as a witness of another node's log (c2sp.org/tlog-witness add-checkpoint).</summary>
public sealed class LedgerWitnessTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task The_witness_cosigns_a_growing_log_and_refuses_stale_forked_or_unproven_checkpoints()
    {
        var log = new OtherLog("ledger.other-node.example/" + Guid.NewGuid().ToString("N")[..8]);
        var (witnessSkey, witnessVkey) = Ed25519CosignatureSigner.Generate("witness.example/w1", _clock);
        INoteSigner[] cosigners = [NoteKeys.Signer(witnessSkey, _clock)];
        var store = new LedgerWitnessStore(database.DataSource, _clock);
        Task<WitnessResponse> Submit(long oldSize, IReadOnlyList<byte[]> proof, SignedNote checkpoint) =>
            store.AddCheckpointAsync(new AddCheckpointRequest(oldSize, proof, checkpoint.ToBytes()), log.KeysOf, cosigners, default);

        log.Append(10);
        var first = log.Checkpoint();
        var cosigned = await Submit(0, [], first);
        Assert.Equal(200, cosigned.Decision.HttpStatus);
        var accepted = TlogWitness.AcceptResponse(first, cosigned.Body, [NoteKeys.Verifier(witnessVkey)]);
        Assert.Equal(Cosignature.SignatureSize, Assert.Single(accepted).Signature.Length);

        log.Append(300);
        var second = log.Checkpoint();
        Assert.Equal(409, (await Submit(0, [], second)).Decision.HttpStatus); // the witness already has size 10
        var stale = await Submit(0, [], second);
        Assert.Equal("10\n", stale.Body);
        var badProof = (await log.ConsistencyAsync(10, 310)).Select(h => (byte[])h.Clone()).ToArray();
        badProof[0][0] ^= 1;
        Assert.Equal(422, (await Submit(10, badProof, second)).Decision.HttpStatus);
        Assert.Equal(200, (await Submit(10, await log.ConsistencyAsync(10, 310), second)).Decision.HttpStatus);

        // Same size, other root: a fork, refused; old size above the checkpoint: malformed.
        var fork = new Checkpoint(log.Origin, 310, MerkleHash.Leaf("fork"u8)).Sign(log.Signer);
        Assert.Equal(409, (await Submit(310, [], fork)).Decision.HttpStatus);
        Assert.Equal(400, (await Submit(311, [], second)).Decision.HttpStatus);
    }

    [Fact]
    public async Task Unknown_logs_are_not_found_and_checkpoints_not_signed_by_the_log_are_forbidden()
    {
        var log = new OtherLog("ledger.other-node.example/" + Guid.NewGuid().ToString("N")[..8]);
        var impostor = Ed25519NoteSigner.FromSignerKey(Ed25519NoteSigner.Generate(log.Origin).SignerKey);
        var store = new LedgerWitnessStore(database.DataSource, _clock);
        INoteSigner[] cosigners = [NoteKeys.Signer(Ed25519CosignatureSigner.Generate("witness.example/w1", _clock).SignerKey, _clock)];
        log.Append(3);

        var unknown = await store.AddCheckpointAsync(new AddCheckpointRequest(0, [], log.Checkpoint().ToBytes()), _ => null, cosigners, default);
        var forged = new Checkpoint(log.Origin, 3, log.Tree.Root()).Sign(impostor);
        var forbidden = await store.AddCheckpointAsync(new AddCheckpointRequest(0, [], forged.ToBytes()), log.KeysOf, cosigners, default);

        Assert.Equal(404, unknown.Decision.HttpStatus);
        Assert.Equal(403, forbidden.Decision.HttpStatus);
        Assert.Empty(forbidden.Cosignatures);
    }

    private sealed class OtherLog
    {
        public OtherLog(string origin)
        {
            Origin = origin;
            Signer = Ed25519NoteSigner.FromSignerKey(Ed25519NoteSigner.Generate(origin).SignerKey);
        }

        public string Origin { get; }

        public Ed25519NoteSigner Signer { get; }

        public MemoryTree Tree { get; } = new();

        public IReadOnlyList<INoteVerifier>? KeysOf(string origin) =>
            origin == Origin ? [NoteKeys.Verifier(Signer.VerifierKey)] : null;

        public void Append(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Tree.AppendEntry(Encoding.UTF8.GetBytes($"entry {Tree.Size}"));
            }
        }

        public SignedNote Checkpoint() => new Checkpoint(Origin, Tree.Size, Tree.Root()).Sign(Signer);

        public async Task<byte[][]> ConsistencyAsync(long size1, long size2) => await TiledTree.ConsistencyProofAsync(size1, size2, Tree, default);
    }
}
