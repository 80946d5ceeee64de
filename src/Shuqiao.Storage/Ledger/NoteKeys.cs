using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>Turns configured key texts into signers and verifiers, by signature type.</summary>
public static class NoteKeys
{
    /// <summary>A verifier for a vkey of type Ed25519 (0x01), Ed25519 cosignature (0x04) or our SM2/SM3 type.</summary>
    public static INoteVerifier Verifier(string verifierKey) => Verifier(VerifierKey.Parse(verifierKey));

    public static INoteVerifier Verifier(VerifierKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var sm2 = NoteSignatureType.Sm2Sm3Prefix;
        return key.Algorithm switch
        {
            NoteSignatureType.Ed25519 => new Ed25519NoteVerifier(key.Name, key.PublicKey),
            NoteSignatureType.CosignatureV1 => new Ed25519CosignatureVerifier(key.Name, key.PublicKey),
            NoteSignatureType.Unassigned when key.KeyMaterial.StartsWith(sm2) => new Sm2NoteVerifier(key.Name, key.KeyMaterial[sm2.Length..]),
            _ => throw new NotSupportedException($"Signature type 0x{key.Algorithm:x2} is not supported."),
        };
    }

    /// <summary>A signer for a <c>PRIVATE+KEY+…</c> text of one of the supported types.</summary>
    public static INoteSigner Signer(string signerKey, TimeProvider clock)
    {
        if (!SignerKeyText.TryParse(signerKey, out var text))
        {
            throw new FormatException("Not a signer key (PRIVATE+KEY+<name>+<id>+<base64>).");
        }

        return text.Algorithm switch
        {
            NoteSignatureType.Ed25519 => Ed25519NoteSigner.FromSignerKey(signerKey),
            NoteSignatureType.CosignatureV1 => Ed25519CosignatureSigner.FromSignerKey(signerKey, clock),
            NoteSignatureType.Unassigned => Sm2NoteSigner.FromSignerKey(signerKey),
            _ => throw new NotSupportedException($"Signature type 0x{text.Algorithm:x2} is not supported."),
        };
    }
}
