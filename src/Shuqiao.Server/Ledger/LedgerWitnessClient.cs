using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using Shuqiao.Core.Ledger;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>What this node knows about one of its witnesses (console and API).</summary>
public sealed record WitnessState(string Name, string Url, string VerifierKey, long? CosignedSize, DateTimeOffset? CosignedAt, string? LastError, DateTimeOffset? LastAttemptAt);

/// <summary>The witnesses' states, shared between the witnessing job and the pages.</summary>
public sealed class WitnessBoard(IOptions<LedgerOptions> options)
{
    private readonly ConcurrentDictionary<string, WitnessState> _states = new(StringComparer.Ordinal);

    public IReadOnlyList<WitnessState> States =>
        options.Value.Witnesses.Select(w => _states.GetValueOrDefault(w.Name) ?? new WitnessState(w.Name, w.Url, w.VerifierKey, null, null, null, null)).ToList();

    internal WitnessState Get(WitnessEndpoint witness) =>
        _states.GetValueOrDefault(witness.Name) ?? new WitnessState(witness.Name, witness.Url, witness.VerifierKey, null, null, null, null);

    internal void Set(WitnessState state) => _states[state.Name] = state;
}

/// <summary>
/// The log side of c2sp.org/tlog-witness: sends each new checkpoint to the configured witnesses with a consistency
/// proof from the size each last cosigned, and adds the cosignatures that verify to the stored checkpoint — so
/// receipts and <c>/ledger/checkpoint</c> carry them. A witness that does not answer delays nothing else.
/// </summary>
public sealed partial class LedgerWitnessClient(
    IHttpClientFactory httpClients,
    LedgerReader reader,
    LedgerCheckpointPublisher publisher,
    WitnessBoard board,
    IOptions<LedgerOptions> options,
    TimeProvider clock,
    ILogger<LedgerWitnessClient> logger) : BackgroundService
{
    public const string HttpClientName = "ledger-witness";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var witnesses = options.Value.Witnesses;
        if (witnesses.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.CheckpointIntervalMilliseconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                StoredCheckpoint? latest;
                try
                {
                    latest = await reader.LatestCheckpointAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    continue; // the publisher logs database trouble
                }

                if (latest is null)
                {
                    continue;
                }

                await Task.WhenAll(witnesses.Select(w => SubmitAsync(w, latest, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Asks one witness to cosign <paramref name="checkpoint"/> if it has not yet; never throws for the witness's faults.</summary>
    public async Task SubmitAsync(WitnessEndpoint witness, StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(witness);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var state = board.Get(witness);
        if (state.CosignedSize >= checkpoint.Size)
        {
            return;
        }

        var verifier = NoteKeys.Verifier(witness.VerifierKey);
        var oldSize = state.CosignedSize ?? 0;
        // Two rounds at most: a 409 tells us the size the witness has, and the second request starts from it.
        for (var round = 0; round < 2; round++)
        {
            var now = clock.GetUtcNow();
            try
            {
                var proof = oldSize > 0 && oldSize < checkpoint.Size
                    ? (await reader.ConsistencyProofAsync(oldSize, checkpoint.Size, cancellationToken)).Value ?? throw new InvalidOperationException($"no consistency proof from {oldSize}")
                    : [];
                var note = SignedNote.Parse(checkpoint.Note);
                var body = new AddCheckpointRequest(oldSize, proof, note.ToBytes()).ToBody();
                using var http = httpClients.CreateClient(HttpClientName);
                http.Timeout = TimeSpan.FromSeconds(options.Value.WitnessTimeoutSeconds);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
                using var response = await http.PostAsync(witness.Url.TrimEnd('/') + "/add-checkpoint", content, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        var cosignatures = TlogWitness.AcceptResponse(note, text, [verifier]);
                        if (cosignatures.Count == 0)
                        {
                            Fail(witness, now, "the witness answered without a cosignature that verifies with its key");
                            return;
                        }

                        await publisher.AddCosignaturesAsync(checkpoint.Size, cosignatures, cancellationToken);
                        board.Set(new WitnessState(witness.Name, witness.Url, witness.VerifierKey, checkpoint.Size, now, null, now));
                        return;
                    case HttpStatusCode.Conflict when AddCheckpointRequest.TryParseSize(text.TrimEnd('\n'), out var theirs):
                        if (theirs > checkpoint.Size)
                        {
                            // The witness cosigned a bigger tree of this origin than we have published: a fork or a rollback.
                            LogWitnessAhead(logger, witness.Name, theirs, checkpoint.Size);
                            Fail(witness, now, $"the witness has cosigned size {theirs.ToString(CultureInfo.InvariantCulture)}, larger than this log's latest checkpoint");
                            return;
                        }

                        // Start again from the size it has (for the same size it compares roots, so a fork shows as a 409 again).
                        oldSize = theirs;
                        continue;
                    default:
                        Fail(witness, now, $"HTTP {(int)response.StatusCode}: {Shorten(text)}");
                        return;
                }
            }
            catch (Exception e) when ((e is HttpRequestException or TaskCanceledException or InvalidOperationException or FormatException) && !cancellationToken.IsCancellationRequested)
            {
                Fail(witness, now, e.Message);
                return;
            }
        }
    }

    private void Fail(WitnessEndpoint witness, DateTimeOffset now, string error)
    {
        var previous = board.Get(witness);
        if (previous.LastError != error)
        {
            LogWitnessFailed(logger, witness.Name, error);
        }

        board.Set(previous with { LastError = error, LastAttemptAt = now });
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }

    [LoggerMessage(8040, LogLevel.Warning, "Witness {Witness} did not cosign: {Error}")]
    private static partial void LogWitnessFailed(ILogger logger, string witness, string error);

    [LoggerMessage(8041, LogLevel.Critical, "Witness {Witness} has cosigned size {TheirSize} of this log, but its latest checkpoint has size {OurSize}: the log was rolled back or forked")]
    private static partial void LogWitnessAhead(ILogger logger, string witness, long theirSize, long ourSize);
}
