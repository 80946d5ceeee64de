using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Shuqiao.Core.Ledger;

namespace Shuqiao.Storage.Ledger;

/// <summary>
/// Reads a private key an operator supplies as a file: the Go note format <c>PRIVATE+KEY+name+id+base64</c>, or a
/// PKCS#8 PEM (<c>-----BEGIN PRIVATE KEY-----</c>, e.g. from <c>openssl genpkey -algorithm ed25519</c>; an SM2 key
/// for the SM2 line). Returns the key as <c>PRIVATE+KEY</c> text of the expected signature type and name.
/// </summary>
public static class LedgerKeyFile
{
    private const string PemBegin = "-----BEGIN PRIVATE KEY-----";
    private const string PemEnd = "-----END PRIVATE KEY-----";

    /// <param name="algorithm"><see cref="NoteSignatureType.Ed25519"/>, <see cref="NoteSignatureType.CosignatureV1"/> or <see cref="NoteSignatureType.Unassigned"/> (SM2).</param>
    /// <param name="keyName">The name the key must carry (the log's origin, or the witness name); a PEM key is given it.</param>
    public static string ToSignerKeyText(string fileText, byte algorithm, string keyName, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(fileText);
        var text = fileText.Trim();
        if (text.StartsWith("PRIVATE+KEY+", StringComparison.Ordinal))
        {
            var signer = NoteKeys.Signer(text, clock); // checks the key ID against the key
            if (signer.Algorithm != algorithm)
            {
                throw new FormatException($"The key file holds a key of signature type 0x{signer.Algorithm:x2}, not 0x{algorithm:x2}.");
            }

            return signer.KeyName == keyName
                ? text
                : throw new FormatException($"The key file's key is named '{signer.KeyName}', but it must be named '{keyName}'.");
        }

        if (!text.StartsWith(PemBegin, StringComparison.Ordinal) || !text.EndsWith(PemEnd, StringComparison.Ordinal))
        {
            throw new FormatException("The key file is neither a PRIVATE+KEY+… text nor a PKCS#8 PEM private key.");
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(string.Concat(text[PemBegin.Length..^PemEnd.Length].Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException e)
        {
            throw new FormatException("The PEM key is not valid base64.", e);
        }

        var key = PrivateKeyFactory.CreateKey(der);
        switch (algorithm, key)
        {
            case (NoteSignatureType.Ed25519, Ed25519PrivateKeyParameters ed):
                var seed = ed.GetEncoded();
                var signer = new Ed25519NoteSigner(keyName, seed);
                return SignerKeyText.Format(keyName, signer.KeyId, NoteSignatureType.Ed25519, seed);
            case (NoteSignatureType.CosignatureV1, Ed25519PrivateKeyParameters ed):
                var witnessSeed = ed.GetEncoded();
                var cosigner = new Ed25519CosignatureSigner(keyName, witnessSeed, clock);
                return SignerKeyText.Format(keyName, cosigner.KeyId, NoteSignatureType.CosignatureV1, witnessSeed);
            case (NoteSignatureType.Unassigned, ECPrivateKeyParameters ec):
                var d = ec.D.ToByteArrayUnsigned();
                var scalar = new byte[Sm2NoteSigner.PrivateKeySize];
                d.CopyTo(scalar, scalar.Length - d.Length);
                var sm2 = new Sm2NoteSigner(keyName, scalar);
                return SignerKeyText.Format(keyName, sm2.KeyId, NoteSignatureType.Unassigned, [.. NoteSignatureType.Sm2Sm3Prefix[1..], .. scalar]);
            default:
                throw new FormatException($"The PEM key is a {key.GetType().Name}, not the expected {(algorithm == NoteSignatureType.Unassigned ? "SM2" : "Ed25519")} key.");
        }
    }
}
