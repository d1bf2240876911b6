using System.Globalization;
using SmallChange.Core.Cashouts;

namespace SmallChange.Core.Compliance.Aml;

/// <summary>One number a rule saw, named (for example <c>day_total</c>); stored with the decision and shown to the officer.</summary>
public abstract record AmlFigure(string Name)
{
    /// <summary>The value as text, invariant: <c>USD 9500.00</c>, <c>3</c>, <c>72h</c>, <c>80.00%</c>.</summary>
    public abstract string Display { get; }

    public sealed override string ToString() => $"{Name}={Display}";
}

/// <summary>An amount (in the profile currency unless the name says otherwise).</summary>
public sealed record AmountFigure(string Name, Money.Money Value) : AmlFigure(Name)
{
    public override string Display => Value.ToString();
}

/// <summary>A count of events, sources, holders or days.</summary>
public sealed record CountFigure(string Name, long Value) : AmlFigure(Name)
{
    public override string Display => Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A length of time, shown in the largest whole unit (<c>7d</c>, <c>72h</c>, <c>30m</c>, <c>45s</c>).</summary>
public sealed record DurationFigure(string Name, TimeSpan Value) : AmlFigure(Name)
{
    public override string Display => Format(Value);

    internal static string Format(TimeSpan t) =>
        t.Ticks % TimeSpan.TicksPerDay == 0 ? $"{t.Ticks / TimeSpan.TicksPerDay}d"
        : t.Ticks % TimeSpan.TicksPerHour == 0 ? $"{t.Ticks / TimeSpan.TicksPerHour}h"
        : t.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{t.Ticks / TimeSpan.TicksPerMinute}m"
        : $"{t.Ticks / TimeSpan.TicksPerSecond}s";
}

/// <summary>A share in basis points (10 000 = 100 %), shown as a percentage with two decimals.</summary>
public sealed record ShareFigure(string Name, long Bps) : AmlFigure(Name)
{
    public override string Display => string.Create(CultureInfo.InvariantCulture, $"{Bps / 100}.{Math.Abs(Bps % 100):00}%");
}

/// <summary>A code or short word (a country code, a method, a source type); never personal data.</summary>
public sealed record TextFigure(string Name, string Value) : AmlFigure(Name)
{
    public override string Display => Value;
}

/// <summary>An instant (UTC, ISO 8601), or <c>none</c>.</summary>
public sealed record InstantFigure(string Name, DateTimeOffset? Value) : AmlFigure(Name)
{
    public override string Display => Value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "none";
}

/// <summary>
/// What one rule decided about one event: the rule's id and version, the outcome, a sentence for the compliance
/// officer, and the figures it saw. Every evaluated rule records a decision, including <see cref="AmlOutcome.Allow"/>,
/// so a decision can be explained and back-tested later.
/// </summary>
public sealed record AmlDecision(string RuleId, int RuleVersion, AmlOutcome Outcome, string Explanation, IReadOnlyList<AmlFigure> Figures)
{
    public bool IsHit => Outcome != AmlOutcome.Allow;

    public override string ToString() => $"{RuleId}@{RuleVersion} {Outcome.ToWire()}: {Explanation} [{string.Join(", ", Figures)}]";
}

/// <summary>The combined result of every enabled rule that applies to the event: the strictest outcome wins, every decision is kept.</summary>
public sealed record AmlResult(AmlOutcome Outcome, IReadOnlyList<AmlDecision> Decisions)
{
    /// <summary>The check name under which a cash-out records the AML result.</summary>
    public const string CheckName = "aml";

    /// <summary>The decisions that did not allow, strictest first.</summary>
    public IReadOnlyList<AmlDecision> Hits => Decisions.Where(d => d.IsHit).OrderByDescending(d => d.Outcome).ToList();

    /// <summary>
    /// The result as a cash-out check: <c>pass</c>, <c>review</c> (hold) or <c>fail</c> (reject); the reason is the
    /// strictest hit's rule id, the detail every hit's explanation.
    /// </summary>
    public CheckResult ToCheckResult()
    {
        var hits = Hits;
        if (hits.Count == 0)
        {
            return CheckResult.Passed(CheckName, $"{Decisions.Count} rules allowed");
        }

        var outcome = Outcome == AmlOutcome.Reject ? CheckResult.Fail : CheckResult.Review;
        return new CheckResult(CheckName, outcome, hits[0].RuleId, string.Join("; ", hits.Select(h => $"{h.RuleId}@{h.RuleVersion}: {h.Explanation}")));
    }
}
