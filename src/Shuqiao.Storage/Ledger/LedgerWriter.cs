using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;

namespace Shuqiao.Storage.Ledger;

/// <summary>Settings of the group-commit writer.</summary>
/// <param name="Capacity">Entries that may wait for a batch; callers beyond it wait (backpressure) instead of piling up memory.</param>
/// <param name="MaxBatch">The most entries one transaction takes.</param>
/// <param name="Linger">How long a batch waits for more entries once it has one. Zero (the default) takes what is there:
/// while one batch commits the next one fills, so batches grow with the load by themselves.</param>
public sealed record LedgerWriterOptions(int Capacity = 65_536, int MaxBatch = 8_192, TimeSpan Linger = default);

/// <summary>What one committed batch was, for metrics and the benchmark.</summary>
public sealed record LedgerBatchInfo(int Count, long FirstIndex, long TreeSize, TimeSpan Duration);

/// <summary>
/// Writes something in the batch transaction together with its entries — e.g. the access-event audit rows (design §3),
/// so an event and its ledger entry commit together.
/// </summary>
public interface ILedgerBatchParticipant
{
    /// <summary>
    /// Adds the statements that write this participant's rows for <paramref name="items"/> to the batch that appends
    /// them. The batch goes to PostgreSQL in one round trip as one transaction, so the statements cannot read results
    /// of earlier ones in .NET; a failing statement fails the whole batch.
    /// </summary>
    void AddCommands(NpgsqlBatch batch, IReadOnlyList<LedgerItem> items);
}

/// <summary>
/// The ledger's group-commit writer: callers <see cref="AppendAsync(LedgerItem, CancellationToken)"/> and get the
/// entry's index once the batch holding it is durable (committed with <c>synchronous_commit = on</c>); one loop
/// drains the queue into one transaction per batch through the <see cref="LedgerAppender"/>. No caller is told an
/// index that a crash could take back, and a failed batch fails every caller in it (nothing of it exists).
/// <para>
/// Every audited request waits for this loop, so it is built to be quick under load: it runs on a thread of its own
/// with blocking I/O (its steps never queue behind request work in the thread pool), keeps a connection of its own
/// (never waits for the pool), and a batch is usually one round trip (<see cref="LedgerAppender.AppendBatch"/>).
/// What callers wait for is mostly the batch before theirs, so the shorter a batch, the shorter every wait.
/// </para>
/// </summary>
public sealed class LedgerWriter : IAsyncDisposable
{
    // Durability does not depend on the server's default: the batch is acknowledged only after its WAL is flushed.
    private const string SynchronousCommit = "set synchronous_commit = on";

    private readonly NpgsqlDataSource _dataSource;
    private readonly LedgerAppender _appender;
    private readonly LedgerWriterOptions _options;
    private readonly IReadOnlyList<ILedgerBatchParticipant> _participants;
    private readonly Channel<Pending> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _startGate = new();
    private Task? _loop;
    private NpgsqlConnection? _connection; // the loop's own; replaced after a failed batch

    public LedgerWriter(NpgsqlDataSource dataSource, LedgerAppender appender, LedgerWriterOptions? options = null, IEnumerable<ILedgerBatchParticipant>? participants = null)
    {
        _dataSource = dataSource;
        _appender = appender;
        _options = options ?? new LedgerWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatch, 1);
        _participants = participants?.ToList() ?? [];
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            // The loop blocks on its own thread until entries arrive: the writer that brings them wakes it directly.
            AllowSynchronousContinuations = true,
        });
    }

    /// <summary>After each committed batch (on the writer's loop: keep it quick).</summary>
    public event Action<LedgerBatchInfo>? BatchCommitted;

    /// <summary>After each failed batch, with the error every caller of the batch received.</summary>
    public event Action<int, Exception>? BatchFailed;

    /// <summary>Entries waiting for a batch.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Starts the loop (idempotent).</summary>
    public void Start()
    {
        lock (_startGate)
        {
            if (_loop is null)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var thread = new Thread(() =>
                {
                    try
                    {
                        Run(_stopping.Token);
                        done.SetResult();
                    }
                    catch (Exception e)
                    {
                        // Not a batch's failure (those reach their callers): e.g. a BatchCommitted handler threw.
                        // StopAsync reports it; an exception escaping a thread of our own would end the process.
                        done.SetException(e);
                    }
                })
                {
                    IsBackground = true,
                    Name = "Shuqiao ledger writer",
                };
                thread.Start();
                _loop = done.Task;
            }
        }
    }

    /// <summary>Appends an entry and returns its index once it is committed.</summary>
    public async Task<long> AppendAsync(LedgerItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var pending = new Pending(item, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken); // waits while the queue is full
        // A caller that gives up still has its entry written (it cannot be taken back once queued); it just stops waiting.
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    public Task<long> AppendAsync(byte[] entry, Guid? eventId = null, CancellationToken cancellationToken = default) =>
        AppendAsync(new LedgerItem(entry, eventId), cancellationToken);

    /// <summary>Stops taking entries, writes what is queued, and stops the loop.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_startGate)
        {
            loop = _loop;
        }

        if (loop is null)
        {
            FailQueued(new InvalidOperationException("The ledger writer was stopped before it started."));
            return;
        }

        try
        {
            await loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _stopping.CancelAsync(); // out of time: abandon the batch in flight (it rolls back)
            FailQueued(new OperationCanceledException("The server stopped before the entry was written."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await StopAsync(timeout.Token);
        _stopping.Dispose();
    }

    private void Run(CancellationToken stopping)
    {
        var batch = new List<Pending>(Math.Min(_options.MaxBatch, 4096));
        var reader = _queue.Reader;
        try
        {
            while (WaitForEntries(reader, stopping))
            {
                batch.Clear();
                Drain(reader, batch);
                if (_options.Linger > TimeSpan.Zero && batch.Count < _options.MaxBatch)
                {
                    stopping.WaitHandle.WaitOne(_options.Linger);
                    stopping.ThrowIfCancellationRequested();
                    Drain(reader, batch);
                }

                WriteBatch(batch, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetCanceled(stopping);
            }
        }
        finally
        {
            CloseConnection();
        }
    }

    private static bool WaitForEntries(ChannelReader<Pending> reader, CancellationToken stopping)
    {
        var wait = reader.WaitToReadAsync(stopping);
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void Drain(ChannelReader<Pending> reader, List<Pending> batch)
    {
        while (batch.Count < _options.MaxBatch && reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }

    private void WriteBatch(List<Pending> batch, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        var items = batch.Select(p => p.Item).ToList();
        LedgerAppendResult result;
        try
        {
            _connection ??= Open();
            result = _appender.AppendBatch(_connection, items, _participants, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Whatever state the connection is in (broken, or inside a failed transaction), the next batch starts on a fresh one.
            CloseConnection();
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(e);
            }

            BatchFailed?.Invoke(batch.Count, e);
            // A database that is down fails every batch at once; a short pause keeps the loop from spinning.
            stopping.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(result.FirstIndex + i);
        }

        BatchCommitted?.Invoke(new LedgerBatchInfo(batch.Count, result.FirstIndex, result.TreeSize, Stopwatch.GetElapsedTime(started)));
    }

    private NpgsqlConnection Open()
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            using var durable = new NpgsqlCommand(SynchronousCommit, connection);
            durable.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void CloseConnection()
    {
        _connection?.Dispose();
        _connection = null;
    }

    private void FailQueued(Exception error)
    {
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Done.TrySetException(error);
        }
    }

    private readonly record struct Pending(LedgerItem Item, TaskCompletionSource<long> Done);
}
