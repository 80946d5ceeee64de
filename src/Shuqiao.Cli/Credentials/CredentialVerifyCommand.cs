using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shuqiao.Core.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Cli.Credentials;

/// <summary>
/// <c>shuqiao credential verify file</c>: verifies a licence credential (JSON or vc+jwt) on this machine — proofs,
/// contexts, validity — with issuers trusted from a trust list file or --trust; only the status list is fetched over
/// the network, from the URL the credential names. Exit code 0 when verified, 1 when not.
/// </summary>
internal static class CredentialVerifyCommand
{
    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("file") { Description = "The credential: a JSON file or a file holding a vc+jwt ('-' for standard input)" };
        var trustList = new Option<FileInfo?>("--trust-list") { Description = "Trusted issuers: a trust list as a node publishes it (GET /credentials/trust-list), saved to a file" };
        var trust = new Option<string[]>("--trust") { Description = "A trusted issuer DID (repeatable), in addition to --trust-list", AllowMultipleArgumentsPerToken = false };
        var noStatus = new Option<bool>("--offline") { Description = "Do not fetch status lists (revocation and suspension are then not checked)" };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON" };
        var command = new Command("verify", "Verify a licence credential offline (only its status list is fetched)") { file, trustList, trust, noStatus, json };
        command.SetAction((parse, ct) => RunAsync(cli, parse.GetRequiredValue(file), parse.GetValue(trustList), parse.GetValue(trust) ?? [], parse.GetValue(noStatus), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, string file, FileInfo? trustList, string[] trust, bool offline, bool json, CancellationToken cancellationToken)
    {
        string text;
        if (file == "-")
        {
            text = await cli.In.ReadToEndAsync(cancellationToken);
        }
        else if (File.Exists(file))
        {
            text = await File.ReadAllTextAsync(file, Encoding.UTF8, cancellationToken);
        }
        else
        {
            return cli.Fail(ExitCodes.Usage, $"{file} does not exist");
        }

        var directory = new CliIssuerDirectory();
        if (trustList is not null)
        {
            if (!trustList.Exists)
            {
                return cli.Fail(ExitCodes.Usage, $"{trustList.FullName} does not exist");
            }

            if (directory.Load(await File.ReadAllTextAsync(trustList.FullName, cancellationToken)) is { } error)
            {
                return cli.Fail(ExitCodes.Usage, $"{trustList.Name} is not a trust list: {error}");
            }
        }

        foreach (var did in trust)
        {
            directory.Add(did.Trim());
        }

        if (trustList is null && trust.Length == 0)
        {
            directory.TrustNothingExplicitly();
            cli.Error.WriteLine("warning: no --trust-list or --trust given: the signature is checked, whether the issuer is trusted is not");
        }

        using var http = new HttpClient(cli.CreateHttpHandler(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(15) };
        var verifier = new CredentialVerifier(directory, offline ? null : new HttpStatusLists(http), NationalCrypto.Instance);
        var verdict = await verifier.VerifyAsync(text, cli.Clock.GetUtcNow(), cancellationToken);
        if (json)
        {
            cli.Out.WriteLine(JsonSerializer.Serialize(new
            {
                verified = verdict.Verified,
                format = verdict.Format,
                failureCode = verdict.FailureCode,
                results = verdict.Checks.Select(c => new { check = c.Check, outcome = c.Outcome.ToString(), code = c.Code, reason = c.Reason, details = c.Details }),
                credential = verdict.Credential,
            }, JsonOptions));
        }
        else
        {
            var s = verdict.Credential;
            if (s is not null)
            {
                cli.Out.WriteLine($"{s.Id ?? "(no id)"}  {s.Name}  {s.HolderName}  issued by {s.IssuerName ?? s.IssuerId}");
            }

            foreach (var check in verdict.Checks)
            {
                var mark = check.Outcome switch { CheckOutcome.Passed => "ok  ", CheckOutcome.Failed => "FAIL", CheckOutcome.Skipped => "skip", _ => "n/a " };
                cli.Out.WriteLine($"  {mark} {check.Check,-17} {(check.Code is null ? "" : check.Code + ": ")}{check.Reason}");
            }

            cli.Out.WriteLine(verdict.Verified ? "VERIFIED" : $"NOT VERIFIED ({verdict.FailureCode ?? "issuer not checked"})");
        }

        return verdict.Verified ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Issuers from a published trust list and --trust; with neither, every issuer is "not checked".</summary>
    private sealed class CliIssuerDirectory : IIssuerDirectory
    {
        private readonly Dictionary<string, IssuerRecord> _issuers = new(StringComparer.Ordinal);
        private bool _unchecked;

        public string? Load(string json)
        {
            try
            {
                if (JsonNode.Parse(json)?["issuers"] is not JsonArray issuers)
                {
                    return "it has no 'issuers' array";
                }

                foreach (var issuer in issuers.OfType<JsonObject>())
                {
                    var did = issuer["did"]?.GetValue<string>();
                    if (did is null)
                    {
                        continue;
                    }

                    var keys = new List<KeyBinding>();
                    if (Multikey.TryDecode(issuer["p256Key"]?.GetValue<string>(), out var p256))
                    {
                        keys.Add(new KeyBinding(did, p256));
                    }

                    foreach (var sm2 in (issuer["sm2Keys"] as JsonArray ?? []).Select(k => k?.GetValue<string>()))
                    {
                        if (Multikey.TryDecode(sm2, out var key) && key.Algorithm == KeyAlgorithm.Sm2)
                        {
                            keys.Add(new KeyBinding(key.VerificationMethod, key));
                        }
                    }

                    _issuers[did] = new IssuerRecord(did, issuer["name"]?.GetValue<string>() ?? did, IssuerSource.TrustList, keys, []);
                }

                return null;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return e.Message;
            }
        }

        public void Add(string did) => _issuers.TryAdd(did, new IssuerRecord(did, did, IssuerSource.TrustList, [], []));

        public void TrustNothingExplicitly() => _unchecked = true;

        public Task<IssuerRecord?> FindAsync(string did, CancellationToken cancellationToken) =>
            Task.FromResult(_issuers.TryGetValue(did, out var record) ? record
                : _unchecked ? new IssuerRecord(did, did, IssuerSource.Unchecked, [], []) : null);
    }

    /// <summary>Fetches a status list from the URL the credential names (this runs on the user's own machine).</summary>
    private sealed class HttpStatusLists(HttpClient http) : IStatusListSource
    {
        public async Task<StatusListFetch> FetchAsync(string url, IssuerRecord issuer, CancellationToken cancellationToken)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                return StatusListFetch.Failed("not an http(s) URL");
            }

            try
            {
                using var response = await http.GetAsync(uri, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return StatusListFetch.Failed($"HTTP {(int)response.StatusCode}");
                }

                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                return body.Length > 4 * 1024 * 1024 ? StatusListFetch.Failed("larger than 4 MiB") : StatusListFetch.Of(body);
            }
            catch (HttpRequestException e)
            {
                return StatusListFetch.Failed($"cannot reach {uri.GetLeftPart(UriPartial.Authority)} ({e.HttpRequestError})");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return StatusListFetch.Failed("timed out");
            }
        }
    }
}
