using System.Threading.Channels;
using SmallChange.Core.Common;

namespace SmallChange.Core.Credits;

/// <summary>How single credits (<c>POST /v1/credits</c>) are committed.</summary>
/// <param name="GroupCommit">
/// True: concurrent single credits share store transactions (see <see cref="CreditBatcher"/>). False: one store
/// transaction per credit, as <see cref="CreditService.Apply"/> of a one-item batch — the baseline of the load bench.
/// </param>
/// <param name="MaxGroup">Most credits in one shared transaction (1 to <see cref="CreditService.MaxBatch"/>).</param>
/// <param name="GroupWait">
/// How long the writer waits for more credits before it starts a group that is not full; zero (the default) takes
/// whatever queued while the previous group was being written, which measured as well as any wait (docs/performance.md).
/// </param>
public sealed record CreditBatcherOptions(bool GroupCommit = true, int MaxGroup = CreditBatcherOptions.DefaultMaxGroup, TimeSpan GroupWait = default)
{
    public const int DefaultMaxGroup = 1_000;
}

/// <summary>
/// Group commit for single credits. Each credit waits in a queue; one writer loop takes whatever has queued (up to
/// <see cref="CreditBatcherOptions.MaxGroup"/>) and applies it with <see cref="CreditService.ApplyGroup"/>: one read and
/// one write transaction for the whole group, an outcome per credit (created, exists, conflict or rejected with its own
/// reason). A caller's task completes only after the transaction holding its credit committed. When the group fails
/// (the store throws), every caller in it gets a <see cref="CreditGroupException"/> and nothing of the group is written;
/// the next group proceeds. Credits of one (source, source reference) in one group behave as if applied one after the
/// other, in the order they were submitted.
/// </summary>
/// <remarks>
/// Cancellation: a credit whose caller cancelled before the writer took it is dropped (never written); once taken, it is
/// written with its group regardless, and only the caller's wait is cancelled. No caller's token reaches the shared
/// transaction. Disposal stops taking new credits and writes the queued ones.
/// </remarks>
public sealed class CreditBatcher : IAsyncDisposable
{
    private readonly CreditService _credits;
    private readonly Channel<Waiter>? _queue;
    private readonly Task _writer = Task.CompletedTask;
    private long _groups;
    private long _committed;

    public CreditBatcher(CreditService credits, CreditBatcherOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxGroup, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxGroup, CreditService.MaxBatch);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.GroupWait, TimeSpan.Zero);
        _credits = credits;
        Options = options;
        if (options.GroupCommit)
        {
            // Bounded so that a writer that falls behind slows callers down instead of queueing without limit.
            _queue = Channel.CreateBounded<Waiter>(new BoundedChannelOptions(Math.Max(4 * options.MaxGroup, 4_096))
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            _writer = Task.Run(WriteLoop);
        }
    }

    public CreditBatcherOptions Options { get; }

    /// <summary>Credits waiting for the writer (not counting the group being written).</summary>
    public int Queued => _queue?.Reader.Count ?? 0;

    /// <summary>Shared transactions committed so far.</summary>
    public long GroupsCommitted => Interlocked.Read(ref _groups);

    /// <summary>Credits in the shared transactions committed so far (every outcome, rejected ones included).</summary>
    public long CreditsCommitted => Interlocked.Read(ref _committed);

    /// <summary>
    /// Applies one credit and returns its outcome once it is durable (or known not to be written): created, exists,
    /// conflict, or rejected with the reason. Throws <see cref="CreditGroupException"/> when its group's transaction
    /// failed, and <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled first.
    /// </summary>
    public async Task<CreditOutcome> Submit(SourceId source, CreditCommand command, CancellationToken ct = default)
    {
        if (_queue is null)
        {
            var result = await _credits.Apply(source, [command], linked: false, ct);
            return result.TryGet(out var outcomes, out var error) ? outcomes[0] : new CreditOutcome(CreditOutcomeStatus.Rejected, null, error);
        }

        var waiter = new Waiter(new SourcedCredit(source, command), ct);
        if (!_queue.Writer.TryWrite(waiter))
        {
            await _queue.Writer.WriteAsync(waiter, ct);
        }

        return await waiter.Task.WaitAsync(ct);
    }

    private async Task WriteLoop()
    {
        var reader = _queue!.Reader;
        var max = Options.MaxGroup;
        var group = new List<Waiter>(max);
        var items = new List<SourcedCredit>(max);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (Options.GroupWait > TimeSpan.Zero && reader.Count < max)
            {
                await Task.Delay(Options.GroupWait).ConfigureAwait(false);
            }

            while (group.Count < max && reader.TryRead(out var waiter))
            {
                if (waiter.Cancellation.IsCancellationRequested)
                {
                    waiter.TrySetCanceled(waiter.Cancellation);
                    continue;
                }

                group.Add(waiter);
                items.Add(waiter.Credit);
            }

            if (group.Count > 0)
            {
                await Commit(group, items).ConfigureAwait(false);
                group.Clear();
                items.Clear();
            }
        }
    }

    private async Task Commit(List<Waiter> group, List<SourcedCredit> items)
    {
        IReadOnlyList<CreditOutcome> outcomes;
        try
        {
            outcomes = await _credits.ApplyGroup(items, CancellationToken.None).ConfigureAwait(false); // one outcome per item
        }
        catch (Exception ex)
        {
            // Not handled here: every caller of the group gets the failure (the host answers 500 and logs it).
            foreach (var waiter in group)
            {
                waiter.TrySetException(new CreditGroupException(group.Count, ex));
            }

            return;
        }

        Interlocked.Increment(ref _groups);
        Interlocked.Add(ref _committed, group.Count);
        for (var i = 0; i < group.Count; i++)
        {
            group[i].TrySetResult(outcomes[i]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_queue is not null)
        {
            _queue.Writer.TryComplete();
            await _writer.ConfigureAwait(false);
        }
    }

    /// <summary>A queued credit and its caller's wait; continuations run off the writer loop.</summary>
    private sealed class Waiter(SourcedCredit credit, CancellationToken cancellation)
        : TaskCompletionSource<CreditOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public SourcedCredit Credit { get; } = credit;

        public CancellationToken Cancellation { get; } = cancellation;
    }
}

/// <summary>The shared transaction of a group of single credits failed: none of the group's credits was written.</summary>
public sealed class CreditGroupException(int groupSize, Exception inner)
    : Exception($"The shared transaction of a group of {groupSize} credits failed; none of them was written.", inner)
{
    public int GroupSize { get; } = groupSize;
}
