namespace Shuqiao.Core.Credentials;

/// <summary>
/// The JSON-LD contexts a licence credential may name. They are known by URL and never fetched (a verifier that
/// fetches contexts can be steered by whoever serves them). Shuqiao's own terms (licence fields) are issuer-dependent
/// terms under the VC 2.0 context's @vocab, so no other context is needed; anything else is refused as unknown.
/// </summary>
public static class CredentialContexts
{
    public const string V2 = "https://www.w3.org/ns/credentials/v2";

    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal) { V2 };
}
