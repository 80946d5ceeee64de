using System.ComponentModel.DataAnnotations;

namespace Shuqiao.Server.Ledger;

/// <summary>The ledger's settings (<c>Shuqiao:Ledger</c>); docs/ledger.md §Operations explains each.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Shuqiao:Ledger";

    /// <summary>
    /// The checkpoint origin line (and the name of the node's key), e.g. <c>data.example.gov.cn/ledger</c>. Default: the
    /// host (and path) of <c>Shuqiao:PublicBaseUrl</c> followed by <c>/ledger</c>, the URL prefix of the tiles, as
    /// tlog-tiles recommends. It is the log's identity: it cannot change once the node has a key.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>
    /// Base64 of 32 random bytes (<c>openssl rand -base64 32</c>): seals the node's private keys in the database
    /// (AES-256-GCM). Required in production unless every key comes from a file.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>The KEK the keys were sealed with before a rotation; they are sealed again with the new one at start-up.</summary>
    public string? PreviousKeyEncryptionKey { get; set; }

    /// <summary>The log's Ed25519 key as a file (PKCS#8 PEM or <c>PRIVATE+KEY+…</c>) instead of a generated, sealed one.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>Also sign every checkpoint with an SM2/SM3 key (国密), as a second signature line.</summary>
    public bool Sm2Signature { get; set; }

    /// <summary>The SM2 key as a file (PKCS#8 PEM or <c>PRIVATE+KEY+…</c>) instead of a generated, sealed one.</summary>
    public string? Sm2KeyFile { get; set; }

    /// <summary>This node's name as a witness of other logs (its cosignature key name). Default: <c>&lt;origin host&gt;/witness</c>.</summary>
    public string? WitnessName { get; set; }

    /// <summary>The witness key as a file (PKCS#8 PEM Ed25519 or <c>PRIVATE+KEY+…</c> of type 0x04).</summary>
    public string? WitnessKeyFile { get; set; }

    /// <summary>How often a new checkpoint is signed while the tree grows (tlog practice: about once a second).</summary>
    [Range(100, 60_000)]
    public int CheckpointIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Minutes between scheduled integrity checks; 0 switches them off. A scheduled check reads only the entries
    /// appended since the last intact check, unless the whole tree is due (<see cref="IntegrityWholeCheckHours"/>).
    /// </summary>
    [Range(0, 7 * 24 * 60)]
    public int IntegrityCheckMinutes { get; set; } = 10;

    /// <summary>
    /// Hours between scheduled checks of the whole tree (the others are incremental); 0 makes every check a whole one.
    /// A check an operator starts (console, API) is always a whole one.
    /// </summary>
    [Range(0, 30 * 24)]
    public int IntegrityWholeCheckHours { get; set; } = 24;

    /// <summary>Entries that may wait for the group-commit writer before callers are held back.</summary>
    [Range(1, 10_000_000)]
    public int WriterCapacity { get; set; } = 65_536;

    /// <summary>The most entries in one group-commit transaction.</summary>
    [Range(1, 1_000_000)]
    public int WriterMaxBatch { get; set; } = 8_192;

    /// <summary>How long a batch waits for more entries once it has one (0: take what is queued).</summary>
    [Range(0, 1000)]
    public int WriterLingerMilliseconds { get; set; }

    /// <summary>Witnesses this node asks to cosign its checkpoints (tlog-witness).</summary>
    public List<WitnessEndpoint> Witnesses { get; set; } = [];

    /// <summary>Other nodes' logs this node witnesses: it cosigns their checkpoints at <c>POST /ledger/witness/add-checkpoint</c>.</summary>
    public List<WitnessedLogKey> WitnessedLogs { get; set; } = [];

    /// <summary>How long one add-checkpoint request to a witness may take.</summary>
    [Range(1, 300)]
    public int WitnessTimeoutSeconds { get; set; } = 10;
}

/// <summary>A witness of this node's log.</summary>
public sealed class WitnessEndpoint
{
    /// <summary>The witness's name (its cosignature key name), e.g. <c>data.province.gov.cn/witness</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its submission prefix; the node posts to <c>&lt;Url&gt;/add-checkpoint</c>, e.g. <c>https://data.province.gov.cn/ledger/witness</c>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Its cosignature verifier key (<c>name+id+base64(0x04 ‖ key)</c>), as shown on its ledger page.</summary>
    public string VerifierKey { get; set; } = "";
}

/// <summary>A log this node witnesses: its origin and one of its verifier keys (repeat the origin for more keys).</summary>
public sealed class WitnessedLogKey
{
    public string Origin { get; set; } = "";

    public string VerifierKey { get; set; } = "";
}
