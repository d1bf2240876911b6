using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>
/// The event and history a rule evaluates, with every amount already converted to the profile currency at the
/// mid-market rate (rounded down to the ledger unit), so rules compare like with like.
/// </summary>
public sealed class AmlContext
{
    private readonly Func<TimeSpan, CreditFigures>? _creditFigures;
    private DateTimeOffset? _firstActivity;

    private AmlContext(JurisdictionProfile profile, AmlInput input, Func<TimeSpan, CreditFigures>? creditFigures = null, DateTimeOffset? firstActivity = null)
    {
        Profile = profile;
        Input = input;
        _creditFigures = creditFigures;
        _firstActivity = firstActivity;
    }

    public JurisdictionProfile Profile { get; }

    /// <summary>The input with every amount in <see cref="Currency"/>; history is limited to before the event.</summary>
    public AmlInput Input { get; }

    public AmlHolder Holder => Input.Holder;

    public AmlEvent Event => Input.Event;

    /// <summary>The rules' "now": when the event happened.</summary>
    public DateTimeOffset Now => Input.Event.At;

    /// <summary>The profile currency, in which every amount here is expressed.</summary>
    public Currency Currency => Profile.Currency;

    /// <summary>
    /// Converts <paramref name="input"/> to the profile currency. <c>fx.rate_unavailable</c> when an amount's currency has
    /// no rate. History outside [HistorySince, event) is dropped.
    /// </summary>
    public static Common.Result<AmlContext> Create(JurisdictionProfile profile, AmlInput input, FxRateTable rates)
    {
        var to = profile.Currency;
        Common.Error? error = null;
        Money.Money Convert(Money.Money m)
        {
            var r = rates.Convert(m, to);
            if (r.TryGet(out var v, out var e))
            {
                return v;
            }

            error ??= e;
            return Money.Money.Zero(to);
        }

        var now = input.Event.At;
        bool InHistory(DateTimeOffset at) => at >= input.HistorySince && at < now;
        AmlEvent ev = input.Event switch
        {
            CashoutRequested c => c with { Gross = Convert(c.Gross) },
            CreditReceived c => c with { Credit = c.Credit with { Amount = Convert(c.Credit.Amount) } },
            _ => throw new ArgumentException("Unknown AML event.", nameof(input)),
        };
        var credits = input.RecentCredits.Where(c => InHistory(c.At)).Select(c => c with { Amount = Convert(c.Amount) }).ToList();
        var cashouts = input.RecentCashouts.Where(c => InHistory(c.At)).Select(c => c with { Amount = Convert(c.Amount) }).ToList();
        if (error is not null)
        {
            return error;
        }

        return new AmlContext(profile, input with { Event = ev, RecentCredits = credits, RecentCashouts = cashouts });
    }

    /// <summary>
    /// A context whose history is given as aggregates rather than lists (the credit monitor's batch evaluation, which
    /// keeps them as its windows slide): <paramref name="input"/> is already in the profile currency and its history lists
    /// are empty; <paramref name="creditFigures"/> answers <see cref="CreditFiguresWithin"/> for the windows the rules
    /// declare (<see cref="AmlRule.CreditWindows"/>). Only rules that read the history through the aggregates may run on it.
    /// </summary>
    internal static AmlContext FromAggregates(JurisdictionProfile profile, AmlInput input, DateTimeOffset firstActivity, Func<TimeSpan, CreditFigures> creditFigures) =>
        new(profile, input, creditFigures, firstActivity);

    /// <summary>
    /// The figures of <see cref="CreditsWithin"/>(<paramref name="window"/>): count, total, distinct sources and named
    /// senders, the event's own credit included when the event is a credit.
    /// </summary>
    public CreditFigures CreditFiguresWithin(TimeSpan window) =>
        _creditFigures is { } f ? f(window) : CreditAggregate.Of(Currency, CreditsWithin(window)).Figures;

    /// <summary>The earliest activity in the history given (a credit or counted cash-out since HistorySince), or <see cref="Now"/> when there is none.</summary>
    public DateTimeOffset FirstActivity =>
        _firstActivity ??= Input.RecentCredits.Select(c => c.At).Concat(Input.RecentCashouts.Select(c => c.At)).Append(Now).Min();

    /// <summary>Credits at or after <c>Now − window</c>, the event's own credit included when the event is a credit.</summary>
    public IEnumerable<AmlCredit> CreditsWithin(TimeSpan window)
    {
        var since = Now - window;
        var recent = Input.RecentCredits.Where(c => c.At >= since);
        return Event is CreditReceived r ? recent.Append(r.Credit) : recent;
    }

    /// <summary>Counted cash-outs at or after <c>Now − window</c>, not including the event.</summary>
    public IEnumerable<AmlCashout> CashoutsWithin(TimeSpan window)
    {
        var since = Now - window;
        return Input.RecentCashouts.Where(c => c.At >= since);
    }

    /// <summary>Counted cash-outs at or after <paramref name="since"/>, not including the event.</summary>
    public IEnumerable<AmlCashout> CashoutsSince(DateTimeOffset since) => Input.RecentCashouts.Where(c => c.At >= since);

    public Money.Money Sum(IEnumerable<Money.Money> amounts)
    {
        var total = Money.Money.Zero(Currency);
        foreach (var m in amounts)
        {
            total += m;
        }

        return total;
    }

    /// <summary><paramref name="part"/> as basis points of <paramref name="whole"/>, rounded down; 0 when the whole is zero.</summary>
    public static long ShareBps(Money.Money part, Money.Money whole) =>
        whole.Units <= 0 ? 0 : (long)((Int128)part.Units * 10_000 / whole.Units);

    /// <summary><paramref name="amount"/> × <paramref name="bps"/>/10 000, rounded down.</summary>
    public static Money.Money Fraction(Money.Money amount, int bps) =>
        new((long)((Int128)amount.Units * bps / 10_000), amount.Currency);
}

/// <summary>
/// A transaction-monitoring rule: a stable id (<c>aml.structuring</c>), an integer version raised whenever what the rule
/// decides could change for the same input, typed parameters from the jurisdiction profile, and a decision with the
/// figures it saw. Rules are pure: the same context gives the same decision.
/// </summary>
public abstract class AmlRule
{
    /// <summary>The stable rule id, e.g. <c>aml.structuring</c>.</summary>
    public abstract string Id { get; }

    /// <summary>Raised whenever the logic changes what it decides.</summary>
    public abstract int Version { get; }

    public abstract AmlRuleParameters Settings { get; }

    /// <summary>How much history before the event the rule reads (the store loads the longest of all enabled rules).</summary>
    public abstract TimeSpan Lookback { get; }

    /// <summary>Whether the rule runs for this kind of event (cash-outs, credits or both).</summary>
    public abstract bool AppliesTo(AmlEvent e);

    public abstract AmlDecision Evaluate(AmlContext context);

    /// <summary>
    /// The windows over which the rule reads credits through <see cref="AmlContext.CreditFiguresWithin"/>, when it reads
    /// the history only through the context's aggregates (those figures, <see cref="AmlContext.FirstActivity"/> and
    /// <c>Input.LastActivityBefore</c>); then the credit monitor can evaluate a holder's credits in one pass with sliding
    /// windows (<see cref="AmlCreditBatch"/>). Null (the default) when the rule reads the history lists: the monitor then
    /// evaluates those credits one by one.
    /// </summary>
    public virtual IReadOnlyList<TimeSpan>? CreditWindows => null;

    /// <summary>A decision: the parameters' outcome on a hit, allow otherwise.</summary>
    protected AmlDecision Decide(bool hit, string explanation, params AmlFigure[] figures) =>
        new(Id, Version, hit ? Settings.OnHit : AmlOutcome.Allow, explanation, figures);
}

/// <summary>A rule with its typed parameters.</summary>
public abstract class AmlRule<TParameters>(TParameters parameters) : AmlRule
    where TParameters : AmlRuleParameters
{
    public TParameters Parameters { get; } = parameters;

    public override AmlRuleParameters Settings => Parameters;
}

/// <summary>A rule that looks only at cash-out requests.</summary>
public abstract class CashoutRule<TParameters>(TParameters parameters) : AmlRule<TParameters>(parameters)
    where TParameters : AmlRuleParameters
{
    public sealed override bool AppliesTo(AmlEvent e) => e is CashoutRequested;

    public sealed override AmlDecision Evaluate(AmlContext context) =>
        Evaluate(context, context.Event as CashoutRequested ?? throw new ArgumentException($"{Id} evaluates cash-outs only.", nameof(context)));

    protected abstract AmlDecision Evaluate(AmlContext context, CashoutRequested cashout);
}
