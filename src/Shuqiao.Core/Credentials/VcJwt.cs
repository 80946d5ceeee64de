using Shuqiao.Core.Common;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Shuqiao.Core.Credentials;

/// <summary>A compact JWS split into its parts; <see cref="SigningInput"/> is what the signature covers.</summary>
public sealed record JwtParts(JsonObject Header, JsonObject Payload, byte[] SigningInput, byte[] Signature);

/// <summary>
/// VC-JOSE (W3C Securing Verifiable Credentials using JOSE and COSE, §3.1.1): the credential itself, without a Data
/// Integrity proof, is the JWT claims set; header <c>alg: ES256</c>, <c>typ: vc+jwt</c>, <c>cty: vc</c> and a
/// <c>kid</c> naming the issuer's verification method. The signature is JWS ES256 (P-256, SHA-256, r ‖ s).
/// </summary>
public static class VcJwt
{
    public const string MediaType = "application/vc+jwt";

    public static string Sign(JsonObject credential, string keyId, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(key);
        var payload = (JsonObject)credential.DeepClone();
        payload.Remove("proof");
        var header = new JsonObject { ["alg"] = "ES256", ["kid"] = keyId, ["typ"] = "vc+jwt", ["cty"] = "vc" };
        var signingInput = Segment(header) + "." + Segment(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>True when the text has the shape of a compact JWS (three base64url segments).</summary>
    public static bool LooksLikeJwt(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('.');
        return parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
    }

    /// <summary>Splits and decodes a compact JWS; false with a reason when it is not one.</summary>
    public static bool TryParse(string text, out JwtParts parts, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        parts = null!;
        error = null;
        var segments = text.Trim().Split('.');
        if (segments.Length != 3)
        {
            error = "a compact JWT has three dot-separated parts";
            return false;
        }

        try
        {
            var header = JsonNode.Parse(Base64Url.DecodeFromChars(segments[0]), documentOptions: Jcs.ParseOptions) as JsonObject;
            var payload = JsonNode.Parse(Base64Url.DecodeFromChars(segments[1]), documentOptions: Jcs.ParseOptions) as JsonObject;
            var signature = Base64Url.DecodeFromChars(segments[2]);
            if (header is null || payload is null)
            {
                error = "the JWT's header and payload must be JSON objects";
                return false;
            }

            parts = new JwtParts(header, payload, Encoding.ASCII.GetBytes(segments[0] + "." + segments[1]), signature);
            return true;
        }
        catch (FormatException)
        {
            error = "a JWT part is not base64url";
            return false;
        }
        catch (JsonException)
        {
            error = "the JWT's header or payload is not JSON";
            return false;
        }
    }

    public static bool VerifySignature(JwtParts parts, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(key);
        return parts.Signature.Length == 64 &&
            key.VerifyData(parts.SigningInput, parts.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>The credential as a VC 2.0 EnvelopedVerifiableCredential (a data: URL), e.g. inside a presentation.</summary>
    public static JsonObject Envelope(string jwt) => new()
    {
        ["@context"] = new JsonArray(CredentialContexts.V2),
        ["id"] = "data:" + MediaType + "," + jwt,
        ["type"] = "EnvelopedVerifiableCredential",
    };

    private static string Segment(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString(JsonDefaults.Compact)));
}

internal static class JsonDefaults
{
    // Chinese text as is, not \uXXXX: smaller tokens, and the payload bytes are what the signature covers anyway.
    public static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
