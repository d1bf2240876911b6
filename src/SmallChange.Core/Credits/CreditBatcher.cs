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
/// How long the writer sleeps before it takes a group that is not full (whole milliseconds: the OS sleep's
/// granularity). Zero, the default, takes whatever queued while the previous group was being written; a wait measured
/// no better (docs/performance.md, "Single-credit API under load").
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
/// (the store throws), every caller in it gets the store's exception — as a request with a transaction of its own would,
/// so the host answers 500, or 503 for <see cref="Ports.StoreUnavailableException"/> — and nothing of the group is
/// written; the next group proceeds. Credits of one (source, source reference) in one group behave as if applied one after the
/// other, in the order they were submitted.
/// </summary>
/// <remarks>
/// Cancellation: a credit whose caller cancelled before the writer took it is dropped (never written); once taken, it is
/// written with its group regardless, and only the caller's wait is cancelled. No caller's token reaches the shared
/// transaction. Disposal stops taking new credits and writes the queued ones.
/// <para>
/// The writer is a thread of its own that blocks on the store: the SQLite store writes and fsyncs synchronously, and on
/// a thread-pool thread that would take one of few workers (two on two cores) from the requests for every commit, and
/// put the writer's next turn behind the requests queued meanwhile.
/// </para>
/// </remarks>
public sealed class CreditBatcher : IAsyncDisposable
{
    private readonly CreditService _credits;
    private readonly Channel<Waiter>? _queue;
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
            new Thread(WriteLoop) { IsBackground = true, Name = "credit group commit" }.Start();
        }
        else
        {
            _writerDone.SetResult();
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
    /// conflict, or rejected with the reason. Throws what the store threw when its group's transaction failed, and
    /// <see cref="OperationCanceledException"/> when <paramref name="ct"/> is cancelled first.
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

    private void WriteLoop()
    {
        var reader = _queue!.Reader;
        var max = Options.MaxGroup;
        var group = new List<Waiter>(max);
        var items = new List<SourcedCredit>(max);
        while (Wait(reader.WaitToReadAsync()))
        {
            if (Options.GroupWait >= TimeSpan.FromMilliseconds(1) && reader.Count < max)
            {
                Thread.Sleep(Options.GroupWait);
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
                Commit(group, items).GetAwaiter().GetResult(); // never throws: failures go to the group's callers
                group.Clear();
                items.Clear();
            }
        }

        _writerDone.SetResult();
    }

    /// <summary>Blocks this (dedicated) thread until the queue has an item (true) or is completed and empty (false).</summary>
    private static bool Wait(ValueTask<bool> ready) => ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();

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
                waiter.TrySetException(ex);
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
            await _writerDone.Task.ConfigureAwait(false);
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
