using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>
/// One holder's credits to evaluate in a credit-monitor round, with the history they are judged against.
/// </summary>
/// <param name="Before">The holder's credits before the round's first credit (at least the rule set's lookback of them).</param>
/// <param name="Credits">The round's credits of the holder, in log order (each sees the earlier ones as history).</param>
/// <param name="Cashouts">The holder's counted cash-outs over the same span.</param>
/// <param name="LastActivityBefore">The latest credit or counted cash-out before the history given; null when none.</param>
public sealed record AmlCreditSeries(
    AmlHolder Holder,
    IReadOnlyList<AmlCredit> Before,
    IReadOnlyList<AmlCredit> Credits,
    IReadOnlyList<AmlCashout> Cashouts,
    DateTimeOffset? LastActivityBefore);

/// <summary>
/// The AML rules over a holder's credits of one monitor round. Credit i is judged as <see cref="AmlRuleSet.Evaluate"/>
/// judges it given as history the credits of <c>Before</c> and of <c>Credits[..i]</c> booked in
/// [<c>At − Lookback</c>, <c>At</c>), the cash-outs of that span, and the latest activity before it
/// (<see cref="EvaluateOneByOne"/> does exactly that, and is the reference). <see cref="Evaluate"/> gives the same
/// results in O((h + k) log(h + k)) for h credits of history and k of the round, instead of O(h·k): every amount is
/// converted once; the credits are merged in time order and the windows slide over them with two pointers, keeping
/// <see cref="CreditAggregate"/>s (counts, totals, counted multisets of sources and senders) and the first and last
/// activity, so no rule re-scans a list. The rules that run on credits (fan-in and dormant reactivation) read their
/// history only through those aggregates (<see cref="AmlRule.CreditWindows"/>); should one not, its holder's credits are
/// evaluated one by one.
/// </summary>
/// <remarks>
/// The two-pointer sweep needs the round's credits in time order. Booking times follow log order on one node, but nodes'
/// clocks differ by a little: the round's credits are cut into runs whose times do not go back, and each run is swept
/// over the history merged with the runs before it (one more linear pass per run; a single run in the usual case).
/// </remarks>
public static class AmlCreditBatch
{
    /// <summary>The results for <c>series.Credits</c>, in order, as <see cref="EvaluateOneByOne"/> gives them.</summary>
    public static IReadOnlyList<AmlResult> Evaluate(AmlRuleSet rules, JurisdictionProfile profile, FxRateTable rates, AmlCreditSeries series)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(series);
        if (series.Credits.Count == 0)
        {
            return [];
        }

        var events = series.Credits.Select(c => new CreditReceived(c)).ToList();
        var onCredits = rules.Rules.Where(r => events.Exists(r.AppliesTo)).ToList();
        if (onCredits.Exists(r => r.CreditWindows is null))
        {
            return EvaluateOneByOne(rules, profile, rates, series);
        }

        var lookback = rules.Lookback;

        // The windows the rules read, each at most the lookback (the history a rule sees never reaches further back).
        var windows = onCredits.SelectMany(r => r.CreditWindows!).Select(w => w > lookback ? lookback : w).Distinct().ToArray();
        var to = profile.Currency;
        var errors = new Dictionary<int, Error>();

        // Every amount converted once. Keys number the history as the one-by-one path lists it (Before, then the round's
        // credits in log order): the first unconvertible amount in that order is the one the result names.
        Item Convert(AmlCredit c, int key)
        {
            var r = rates.Convert(c.Amount, to);
            if (r.TryGet(out var v, out var e))
            {
                return new Item(c with { Amount = v }, key);
            }

            errors[key] = e;
            return new Item(c with { Amount = Money.Money.Zero(to) }, key);
        }

        var history = series.Before.Select(Convert).OrderBy(i => i.Credit.At).ToList();
        var round = series.Credits.Select((c, j) => Convert(c, series.Before.Count + j)).ToList();
        var cashoutErrors = new Dictionary<int, Error>();
        var cashouts = series.Cashouts.Select((c, key) =>
        {
            if (!rates.Convert(c.Amount, to).TryGet(out _, out var e))
            {
                cashoutErrors[key] = e;
            }

            return (c.At, Key: key);
        }).OrderBy(c => c.At).ToList();

        var results = new AmlResult[round.Count];
        var start = 0;
        while (start < round.Count)
        {
            // A run: the round's credits from start whose times do not go back.
            var end = start + 1;
            while (end < round.Count && round[end].Credit.At >= round[end - 1].Credit.At)
            {
                end++;
            }

            history = Merge(history, round, start, end);
            Sweep(rules, profile, series, history, round, start, end, cashouts, windows, errors, cashoutErrors, results);
            start = end;
        }

        return results;
    }

    /// <summary>
    /// The reference: each credit evaluated alone through <see cref="AmlRuleSet.Evaluate"/> with its full history lists
    /// (O(h·k) per holder). Kept for the tests that hold <see cref="Evaluate"/> to it and for the benchmark's baseline.
    /// </summary>
    public static IReadOnlyList<AmlResult> EvaluateOneByOne(AmlRuleSet rules, JurisdictionProfile profile, FxRateTable rates, AmlCreditSeries series)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(series);
        var results = new List<AmlResult>(series.Credits.Count);
        var earlier = new List<AmlCredit>();
        foreach (var credit in series.Credits)
        {
            var since = credit.At - rules.Lookback;
            var recentCredits = series.Before.Concat(earlier).Where(x => x.At >= since && x.At < credit.At).ToList();
            var recentCashouts = series.Cashouts.Where(x => x.At >= since && x.At < credit.At).ToList();
            var lastActivity = series.Before.Concat(earlier).Where(x => x.At < since).Select(x => (DateTimeOffset?)x.At)
                .Concat(series.Cashouts.Where(x => x.At < since).Select(x => (DateTimeOffset?)x.At))
                .Append(series.LastActivityBefore)
                .Max();
            var input = new AmlInput(series.Holder, new CreditReceived(credit), since, recentCredits, recentCashouts, lastActivity);
            results.Add(rules.Evaluate(profile, input, rates));
            earlier.Add(credit);
        }

        return results;
    }

    /// <summary>A credit in the profile currency (zero when it has no rate), and its place in the one-by-one history order.</summary>
    private readonly record struct Item(AmlCredit Credit, int Key);

    /// <summary><paramref name="sorted"/> and round[start..end) (in time order) merged in time order, the history first on ties.</summary>
    private static List<Item> Merge(List<Item> sorted, List<Item> round, int start, int end)
    {
        var merged = new List<Item>(sorted.Count + end - start);
        var i = 0;
        var j = start;
        while (i < sorted.Count || j < end)
        {
            if (j == end || (i < sorted.Count && sorted[i].Credit.At <= round[j].Credit.At))
            {
                merged.Add(sorted[i++]);
            }
            else
            {
                merged.Add(round[j++]);
            }
        }

        return merged;
    }

    /// <summary>
    /// Evaluates round[start..end) over <paramref name="merged"/> (the history before them and the run itself, in time
    /// order). For credit c the one-by-one history is every item of <paramref name="merged"/> booked in [c.At − lookback,
    /// c.At): history items all precede the run in log order, and within the run the items booked before c are exactly
    /// those before it. One pointer adds items as c.At passes them, one per window removes them as they fall out.
    /// </summary>
    private static void Sweep(AmlRuleSet rules, JurisdictionProfile profile, AmlCreditSeries series, List<Item> merged, List<Item> round, int start, int end,
        List<(DateTimeOffset At, int Key)> cashouts, TimeSpan[] windows, Dictionary<int, Error> errors, Dictionary<int, Error> cashoutErrors, AmlResult[] results)
    {
        var lookback = rules.Lookback;
        var aggregates = windows.Select(_ => new CreditAggregate(profile.Currency)).ToArray();
        var lefts = new int[windows.Length];
        int added = 0, left = 0, cashoutAdded = 0, cashoutLeft = 0;
        var failing = new SortedSet<int>();
        var failingCashouts = new SortedSet<int>();
        for (var n = start; n < end; n++)
        {
            var credit = round[n].Credit;
            var now = credit.At;
            var since = now - lookback;
            for (; added < merged.Count && merged[added].Credit.At < now; added++)
            {
                foreach (var a in aggregates)
                {
                    a.Add(merged[added].Credit);
                }

                if (errors.ContainsKey(merged[added].Key))
                {
                    failing.Add(merged[added].Key);
                }
            }

            for (; left < added && merged[left].Credit.At < since; left++)
            {
                failing.Remove(merged[left].Key);
            }

            for (var w = 0; w < windows.Length; w++)
            {
                var from = now - windows[w];
                for (; lefts[w] < added && merged[lefts[w]].Credit.At < from; lefts[w]++)
                {
                    aggregates[w].Remove(merged[lefts[w]].Credit);
                }
            }

            for (; cashoutAdded < cashouts.Count && cashouts[cashoutAdded].At < now; cashoutAdded++)
            {
                if (cashoutErrors.ContainsKey(cashouts[cashoutAdded].Key))
                {
                    failingCashouts.Add(cashouts[cashoutAdded].Key);
                }
            }

            for (; cashoutLeft < cashoutAdded && cashouts[cashoutLeft].At < since; cashoutLeft++)
            {
                failingCashouts.Remove(cashouts[cashoutLeft].Key);
            }

            // As AmlContext.Create: the event's amount is converted first, then the history's credits, then its cash-outs.
            if (errors.TryGetValue(round[n].Key, out var error)
                || (failing.Count > 0 && errors.TryGetValue(failing.Min, out error))
                || (failingCashouts.Count > 0 && cashoutErrors.TryGetValue(failingCashouts.Min, out error)))
            {
                results[n] = AmlRuleSet.Unevaluable(profile, error);
                continue;
            }

            // Everything before `left` (and `cashoutLeft`) was booked before `since`, the latest of it last; the window's
            // first items are its earliest.
            var lastBefore = Latest(Latest(left > 0 ? merged[left - 1].Credit.At : null, cashoutLeft > 0 ? cashouts[cashoutLeft - 1].At : null), series.LastActivityBefore);
            var first = now;
            if (left < added && merged[left].Credit.At < first)
            {
                first = merged[left].Credit.At;
            }

            if (cashoutLeft < cashoutAdded && cashouts[cashoutLeft].At < first)
            {
                first = cashouts[cashoutLeft].At;
            }

            var input = new AmlInput(series.Holder, new CreditReceived(credit), since, [], [], lastBefore);
            var context = AmlContext.FromAggregates(profile, input, first, window =>
            {
                var w = Array.IndexOf(windows, window > lookback ? lookback : window);
                return w >= 0 ? aggregates[w].With(credit) : throw new InvalidOperationException($"A rule read credits over {window} without declaring it in CreditWindows.");
            });
            results[n] = rules.Run(context);
        }
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a >= b ? a : b;
}
