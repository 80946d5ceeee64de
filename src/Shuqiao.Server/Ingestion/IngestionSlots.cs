using Microsoft.Extensions.Options;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Ingestion;

namespace Shuqiao.Server.Ingestion;

/// <summary>
/// Bounds the batches loading at once (<see cref="IngestionOptions.MaxConcurrentBatches"/>). A first load holds two
/// connections of the pool; without a bound, enough of them could each hold one and wait for the second forever.
/// </summary>
public sealed class IngestionSlots(IOptions<IngestionOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentBatches, options.Value.MaxConcurrentBatches);

    /// <summary>Waits for a free slot; disposing the answer frees it.</summary>
    public async Task<IDisposable> TakeAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}

/// <summary>
/// At start-up, drops the unlogged staging tables of first loads a crash cut off (they may hold personal data; crash
/// recovery empties them but keeps them). Every first load sweeps again before it starts.
/// </summary>
public sealed class IngestStagingSweep(IngestStore store) : IStartupTask
{
    public Task RunAsync(CancellationToken cancellationToken) => store.SweepStagingAsync(cancellationToken);
}
