using System.Text;
using System.Text.Json;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Storage.Tests.Ledger;

/// <summary>
/// Ed25519, cosignature and SM2 note signatures against the public examples (Shuqiao.Core.Tests/Ledger/Vectors),
/// and the signed-note verification rules with real keys.
/// </summary>
public sealed class NoteSignatureTests
{
    private static readonly string VectorRoot = Path.Combine(AppContext.BaseDirectory, "Ledger", "Vectors", "signed-note");

    private readonly FixedClock _clock = new(new DateTimeOffset(2024, 6, 11, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_c2sp_signed_note_example_verifies_with_its_verifier_key()
    {
        var vector = Vector("c2sp-signed-note-example.json");
        var verifier = NoteKeys.Verifier(vector.GetProperty("verifierKey").GetString()!);

        var opening = SignedNote.Open(vector.GetProperty("signedNote").GetString()!, [verifier]);

        Assert.Equal(NoteVerdict.Verified, opening.Verdict);
        Assert.Equal("This is an example message.\n", opening.Note!.Text);
        Assert.Equal("example.com/foo", Assert.Single(opening.Verified).KeyName);
    }

    [Fact]
    public void The_go_note_example_is_reproduced_byte_for_byte_from_its_signer_key()
    {
        var vector = Vector("golang-sumdb-note-example.json");
        var signer = Ed25519NoteSigner.FromSignerKey(vector.GetProperty("signerKey").GetString()!);

        var note = SignedNote.Sign(vector.GetProperty("text").GetString()!, signer);

        Assert.Equal(vector.GetProperty("verifierKey").GetString(), signer.VerifierKey.ToString());
        Assert.Equal(vector.GetProperty("signedNote").GetString(), note.ToString());
        Assert.True(SignedNote.Open(note.ToBytes(), [NoteKeys.Verifier(vector.GetProperty("verifierKey").GetString()!)]).IsVerified);
    }

    [Fact]
    public void A_changed_text_or_a_signature_by_another_key_with_the_same_name_and_id_is_rejected()
    {
        var vector = Vector("c2sp-signed-note-example.json");
        var verifier = NoteKeys.Verifier(vector.GetProperty("verifierKey").GetString()!);
        var message = vector.GetProperty("signedNote").GetString()!;

        var changed = SignedNote.Open(message.Replace("example message", "example massage", StringComparison.Ordinal), [verifier]);

        Assert.Equal(NoteVerdict.InvalidSignature, changed.Verdict);
    }

    [Fact]
    public void Signatures_of_unknown_keys_are_ignored_but_one_known_signature_is_required()
    {
        var (skey, vkey) = Ed25519NoteSigner.Generate("ledger.example/350100");
        var (otherSkey, otherVkey) = Ed25519NoteSigner.Generate("witness.example/w1");
        var (_, sameNameVkey) = Ed25519NoteSigner.Generate("ledger.example/350100");
        var note = SignedNote.Sign("数据共享账本\n", NoteKeys.Signer(skey, _clock), NoteKeys.Signer(otherSkey, _clock));

        Assert.Equal(NoteVerdict.Verified, SignedNote.Open(note.ToBytes(), [NoteKeys.Verifier(vkey)]).Verdict);
        Assert.Equal(2, SignedNote.Open(note.ToBytes(), [NoteKeys.Verifier(vkey), NoteKeys.Verifier(otherVkey)]).Verified.Count);
        // Same name, different key (so a different ID): not a known signature, ignored rather than failed.
        Assert.Equal(NoteVerdict.NoKnownSignature, SignedNote.Open(note.ToBytes(), [NoteKeys.Verifier(sameNameVkey)]).Verdict);
        Assert.Equal(NoteVerdict.NoKnownSignature, SignedNote.Open(note.ToBytes(), []).Verdict);
    }

    [Fact]
    public void A_note_with_one_bad_signature_from_a_known_key_is_rejected_even_if_another_verifies()
    {
        var (skey, vkey) = Ed25519NoteSigner.Generate("ledger.example/350100");
        var (witnessSkey, witnessVkey) = Ed25519NoteSigner.Generate("witness.example/w1");
        var good = SignedNote.Sign("text\n", NoteKeys.Signer(skey, _clock), NoteKeys.Signer(witnessSkey, _clock));
        var witnessLine = good.Signatures[1];
        var forged = new NoteSignature(witnessLine.KeyName, witnessLine.KeyId, new byte[64]);

        var opening = SignedNote.Open(good.WithSignatures([forged]).ToBytes(), [NoteKeys.Verifier(vkey), NoteKeys.Verifier(witnessVkey)]);

        Assert.Equal(NoteVerdict.InvalidSignature, opening.Verdict);
    }

    [Fact]
    public void An_sm2_line_next_to_the_ed25519_line_is_skipped_by_ed25519_verifiers_and_verifies_with_the_sm2_key()
    {
        const string origin = "ledger.example/350100";
        var (edSkey, edVkey) = Ed25519NoteSigner.Generate(origin);
        var (smSkey, smVkey) = Sm2NoteSigner.Generate(origin);
        var checkpoint = new Checkpoint(origin, 42, MerkleHash.Leaf("root"u8));

        var note = checkpoint.Sign(NoteKeys.Signer(edSkey, _clock), NoteKeys.Signer(smSkey, _clock));

        Assert.Equal(2, note.Signatures.Count);
        Assert.Equal(origin, note.Signatures[1].KeyName);
        Assert.NotEqual(note.Signatures[0].KeyId, note.Signatures[1].KeyId);
        Assert.Equal(checkpoint, Checkpoint.Open(note.ToBytes(), origin, [NoteKeys.Verifier(edVkey)]).Checkpoint);
        Assert.Equal(checkpoint, Checkpoint.Open(note.ToBytes(), origin, [NoteKeys.Verifier(smVkey)]).Checkpoint);
        var smKey = VerifierKey.Parse(smVkey);
        Assert.Equal(NoteSignatureType.Unassigned, smKey.Algorithm);
        Assert.True(smKey.KeyMaterial.StartsWith(NoteSignatureType.Sm2Sm3Prefix));

        var tampered = note.ToString().Replace("\n42\n", "\n43\n", StringComparison.Ordinal);
        Assert.Equal(NoteVerdict.InvalidSignature, SignedNote.Open(tampered, [NoteKeys.Verifier(smVkey)]).Verdict);
    }

    [Fact]
    public void Signer_keys_round_trip_and_a_key_text_with_a_wrong_id_is_refused()
    {
        var (skey, vkey) = Sm2NoteSigner.Generate("ledger.example/350100");
        Assert.Equal(vkey, ((Sm2NoteSigner)NoteKeys.Signer(skey, _clock)).VerifierKey.ToString());

        var (edSkey, edVkey) = Ed25519NoteSigner.Generate("ledger.example/350100");
        Assert.Equal(edVkey, ((Ed25519NoteSigner)NoteKeys.Signer(edSkey, _clock)).VerifierKey.ToString());
        var parts = edSkey.Split('+', 5);
        var wrongId = string.Join('+', parts[0], parts[1], parts[2], "00000000", parts[4]);
        Assert.Throws<FormatException>(() => NoteKeys.Signer(wrongId, _clock));
    }

    [Fact]
    public void A_witness_cosignature_commits_to_its_time_and_verifies_with_the_witness_key()
    {
        const string origin = "ledger.example/350100";
        var (logSkey, logVkey) = Ed25519NoteSigner.Generate(origin);
        var (witnessSkey, witnessVkey) = Ed25519CosignatureSigner.Generate("witness.example/w1", _clock);
        var checkpoint = new Checkpoint(origin, 7, MerkleHash.Leaf("root"u8)).Sign(NoteKeys.Signer(logSkey, _clock));

        var cosigned = checkpoint.AddSignatures([NoteKeys.Signer(witnessSkey, _clock)]);

        var witnessKey = VerifierKey.Parse(witnessVkey);
        Assert.Equal(NoteSignatureType.CosignatureV1, witnessKey.Algorithm);
        var line = cosigned.Signatures[1];
        Assert.Equal(witnessKey.KeyId, line.KeyId);
        Assert.Equal(Cosignature.SignatureSize, line.Signature.Length);
        Assert.Equal(_clock.Now.ToUnixTimeSeconds(), Cosignature.TimestampOf(line));
        var opening = SignedNote.Open(cosigned.ToBytes(), [NoteKeys.Verifier(logVkey), NoteKeys.Verifier(witnessVkey)]);
        Assert.Equal(2, opening.Verified.Count);

        // Moving the timestamp breaks the signature: the time is part of the signed message.
        var moved = line.Signature.ToArray();
        moved[7] ^= 1;
        var withMovedTime = cosigned.WithSignatures([new NoteSignature(line.KeyName, line.KeyId, moved)]);
        Assert.Equal(NoteVerdict.InvalidSignature, SignedNote.Open(withMovedTime.ToBytes(), [NoteKeys.Verifier(witnessVkey)]).Verdict);
    }

    [Fact]
    public async Task A_tlog_proof_receipt_verifies_offline_against_the_log_key_and_a_witness_quorum()
    {
        const string origin = "ledger.example/350100";
        var tree = new MemoryTree();
        for (var i = 0; i < 300; i++)
        {
            tree.AppendEntry(Encoding.UTF8.GetBytes($$"""{"event":"access","seq":{{i}}}"""));
        }

        var (logSkey, logVkey) = Ed25519NoteSigner.Generate(origin);
        var witnesses = Enumerable.Range(1, 3).Select(i => Ed25519CosignatureSigner.Generate($"witness.example/w{i}", _clock)).ToList();
        var note = new Checkpoint(origin, tree.Size, tree.Root()).Sign(NoteKeys.Signer(logSkey, _clock))
            .AddSignatures(witnesses.Take(2).Select(w => NoteKeys.Signer(w.SignerKey, _clock)).ToList());
        var proof = await TiledTree.InclusionProofAsync(123, tree.Size, tree, default);
        var receipt = TlogProof.Parse(new TlogProof(123, proof, note).ToString());
        var logKey = NoteKeys.Verifier(logVkey);
        var witnessKeys = witnesses.Select(w => NoteKeys.Verifier(w.VerifierKey)).ToList();
        var leaf = MerkleHash.Leaf(Encoding.UTF8.GetBytes("""{"event":"access","seq":123}"""));

        Assert.True(receipt.Verify(leaf, origin, logKey, witnessKeys, minCosignatures: 2).IsValid);
        Assert.False(receipt.Verify(leaf, origin, logKey, witnessKeys, minCosignatures: 3).IsValid);
        Assert.False(receipt.Verify(MerkleHash.Leaf("""{"event":"access","seq":124}"""u8), origin, logKey).IsValid);
        Assert.False(receipt.Verify(leaf, "other.example/log", logKey).IsValid);
        Assert.False(receipt.Verify(leaf, origin, witnessKeys[2]).IsValid); // a key that never signed it
    }

    private static JsonElement Vector(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, file))).RootElement.Clone();
}
