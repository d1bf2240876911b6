namespace SmallChange.Core.Compliance.Aml.Rules;

/// <summary>
/// Fan-in: money from many sources or named senders gathered on one holder (a collection account). Runs on credits as
/// they arrive and again at cash-out.
/// </summary>
public sealed class FanInRule(FanInParameters parameters) : AmlRule<FanInParameters>(parameters)
{
    public const string RuleId = "aml.fan_in";

    public override string Id => RuleId;

    public override int Version => 1;

    public override TimeSpan Lookback => Parameters.Window;

    public override bool AppliesTo(AmlEvent e) => e is CashoutRequested or CreditReceived;

    public override IReadOnlyList<TimeSpan> CreditWindows => [Parameters.Window];

    public override AmlDecision Evaluate(AmlContext context)
    {
        var credits = context.CreditFiguresWithin(Parameters.Window);
        var (sources, senders) = (credits.Sources, credits.Senders);
        var bySources = sources > Parameters.MaxSources;
        var bySenders = senders > Parameters.MaxSenders;
        var window = DurationFigure.Format(Parameters.Window);
        return Decide(
            bySources || bySenders,
            (bySources, bySenders) switch
            {
                (true, true) => $"Credits from {sources} sources and {senders} senders within {window}: more than {Parameters.MaxSources} sources and {Parameters.MaxSenders} senders.",
                (true, false) => $"Credits from {sources} sources within {window}: more than {Parameters.MaxSources}.",
                (false, true) => $"Credits from {senders} senders within {window}: more than {Parameters.MaxSenders}.",
                _ => $"Credits from {sources} sources and {senders} senders within {window}.",
            },
            new CountFigure("sources", sources),
            new CountFigure("max_sources", Parameters.MaxSources),
            new CountFigure("senders", senders),
            new CountFigure("max_senders", Parameters.MaxSenders),
            new CountFigure("credit_count", credits.Count),
            new AmountFigure("credited", credits.Total),
            new DurationFigure("window", Parameters.Window));
    }
}
