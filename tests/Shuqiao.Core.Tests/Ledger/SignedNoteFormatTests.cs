using System.Text;
using System.Text.Json;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Core.Tests.Ledger;

/// <summary>
/// Parsing and key IDs of c2sp.org/signed-note, checked against the spec's example and the Go note package's example
/// (Vectors/README.md). Signature verification itself needs Ed25519 and is tested in Shuqiao.Storage.Tests.
/// </summary>
public sealed class SignedNoteFormatTests
{
    private static readonly string VectorRoot = Path.Combine(AppContext.BaseDirectory, "Ledger", "Vectors", "signed-note");

    [Fact]
    public void The_c2sp_example_parses_and_its_verifier_key_id_is_the_hash_of_name_type_and_key()
    {
        var vector = Vector("c2sp-signed-note-example.json");

        var key = VerifierKey.Parse(vector.GetProperty("verifierKey").GetString()!);
        var note = SignedNote.Parse(vector.GetProperty("signedNote").GetString()!);

        Assert.Equal("example.com/foo", key.Name);
        Assert.Equal(0x530d903au, key.KeyId);
        Assert.Equal(NoteSignatureType.Ed25519, key.Algorithm);
        Assert.Equal(32, key.PublicKey.Length);
        Assert.Equal(0x530d903au, NoteKeyId.Compute("example.com/foo", NoteSignatureType.Ed25519, key.PublicKey));
        Assert.Equal(vector.GetProperty("verifierKey").GetString(), key.ToString());

        Assert.Equal("This is an example message.\n", note.Text);
        var signature = Assert.Single(note.Signatures);
        Assert.Equal("example.com/foo", signature.KeyName);
        Assert.Equal(key.KeyId, signature.KeyId);
        Assert.Equal(64, signature.Signature.Length);
        Assert.Equal(vector.GetProperty("signedNote").GetString(), note.ToString());
    }

    [Fact]
    public void The_go_note_example_keys_parse_with_matching_key_ids()
    {
        var vector = Vector("golang-sumdb-note-example.json");

        var key = VerifierKey.Parse(vector.GetProperty("verifierKey").GetString()!);
        Assert.True(SignerKeyText.TryParse(vector.GetProperty("signerKey").GetString(), out var signer));

        Assert.Equal("PeterNeumann", key.Name);
        Assert.Equal(0xc74f20a3u, key.KeyId);
        Assert.Equal(key.KeyId, signer.KeyId);
        Assert.Equal(NoteSignatureType.Ed25519, signer.Algorithm);
        Assert.Equal(32, signer.Secret.Length);
        Assert.DoesNotContain(Convert.ToBase64String(signer.Secret.ToArray())[..8], signer.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // ID not the key's
    [InlineData("example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")] // name not the key's
    [InlineData("example.com/foo+530d903a")]
    [InlineData("example.com/foo+530d903+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")]
    [InlineData("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2")]
    [InlineData("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k+")]
    [InlineData("example com+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")]
    [InlineData("")]
    public void Malformed_or_mismatched_verifier_keys_are_refused(string text) =>
        Assert.False(VerifierKey.TryParse(text, out _));

    public static TheoryData<string, string> MalformedNotes() => new()
    {
        { "no blank line", "text\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "no final newline", "text\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=" },
        { "no signatures", "text\n\n" },
        { "carriage return", "text\r\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "tab", "te\txt\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "hyphen instead of em dash", "text\n\n- example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "plus in key name", "text\n\n— example.com+foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "no-break space in key name", "text\n\n— example.com\u00a0foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "empty key name", "text\n\n—  Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "base64 without padding", "text\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM\n" },
        { "space inside base64", "text\n\n— example.com/foo Uw2QOkn8 srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n" },
        { "signature shorter than a key ID plus one byte", "text\n\n— example.com/foo Uw2QOg==\n" },
        { "blank line among the signatures", "text\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n\n" },
    };

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void Malformed_notes_are_refused(string why, string message)
    {
        Assert.False(SignedNote.TryParse(Encoding.UTF8.GetBytes(message), out _, out var error), why);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Invalid_utf8_is_refused()
    {
        var valid = Encoding.UTF8.GetBytes("text\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
        Assert.True(SignedNote.TryParse(valid, out _, out _));
        valid[1] = 0xC0; // an overlong-encoding lead byte
        Assert.False(SignedNote.TryParse(valid, out _, out _));
    }

    [Fact]
    public void The_text_ends_at_the_last_blank_line_so_texts_may_contain_blank_lines()
    {
        var note = SignedNote.Parse("Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n");

        Assert.Equal("Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n", note.Text);
        Assert.Equal("quasimodo.example/salvatore", Assert.Single(note.Signatures).KeyName);
    }

    [Fact]
    public void More_than_a_hundred_signatures_are_refused_but_sixteen_are_accepted()
    {
        static string Note(int signatures) => "t\n\n" + string.Concat(Enumerable.Range(0, signatures).Select(i => $"— w{i}.example AAAAAAE=\n"));

        Assert.True(SignedNote.TryParse(Encoding.UTF8.GetBytes(Note(16)), out var sixteen, out _));
        Assert.Equal(16, sixteen.Signatures.Count);
        Assert.False(SignedNote.TryParse(Encoding.UTF8.GetBytes(Note(101)), out _, out _));
    }

    [Fact]
    public void The_sm2_signature_type_uses_the_unassigned_byte_followed_by_an_identifier()
    {
        Assert.Equal(NoteSignatureType.Unassigned, NoteSignatureType.Sm2Sm3Prefix[0]);
        Assert.Equal("shuqiao/sm2-sm3/v1", Encoding.ASCII.GetString(NoteSignatureType.Sm2Sm3Prefix[1..]));
    }

    [Fact]
    public void Cosigned_messages_follow_the_cosignature_v1_layout()
    {
        var text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"u8;

        var message = Cosignature.Message(1679315147, text);

        Assert.Equal("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", Encoding.UTF8.GetString(message));
        var encoded = Cosignature.Encode(1679315147, new byte[64]);
        Assert.True(Cosignature.TryDecode(encoded, out var timestamp, out var signature));
        Assert.Equal(1679315147, timestamp);
        Assert.Equal(64, signature.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0x64, 0x18, 0x50, 0xCB }, encoded[..8]);
        encoded[0] = 0x80; // beyond 2^63 − 1
        Assert.False(Cosignature.TryDecode(encoded, out _, out _));
    }

    [Fact]
    public void The_cosignature_in_the_tlog_cosignature_example_carries_its_timestamp_after_the_key_id()
    {
        // "— witness.example.com/w1 jWbPPwAAAABkGFDL…": key ID 8d66cf3f, then u64 time 1679315147, then 64 bytes.
        var note = SignedNote.Parse("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n");

        var cosignature = note.Signatures[1];

        Assert.Equal(0x8d66cf3fu, cosignature.KeyId);
        Assert.Equal(1679315147, Cosignature.TimestampOf(cosignature));
        Assert.Null(Cosignature.TimestampOf(note.Signatures[0]));
    }

    private static JsonElement Vector(string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(VectorRoot, file))).RootElement.Clone();
}
