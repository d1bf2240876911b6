using SmallChange.Core.Compliance.Aml;
using Xunit.Abstractions;

namespace SmallChange.Core.Tests.Aml;

/// <summary>
/// The false-alarm budget: over a month of ordinary behaviour (see <see cref="OrdinaryMonth"/>: 3,000 holders, seed
/// 20261121), fewer than 2 % of cash-outs may be held or rejected and fewer than 0.1 % of credits may raise an alert (measured at 1.27 % and 0.02 %).
/// A rule change that makes ordinary people's money stop more often fails here.
/// </summary>
public sealed class OrdinaryBehaviourTests(ITestOutputHelper output)
{
    /// <summary>At most this share of ordinary cash-outs (basis points) may be held or rejected.</summary>
    private const int MaxCashoutAlertBps = 200;

    /// <summary>At most this share of ordinary credits (basis points) may raise an alert.</summary>
    private const int MaxCreditAlertBps = 10;

    [Fact]
    public void Replay_OrdinaryMonth_AlertsBelowTheStatedRate()
    {
        var scenario = OrdinaryMonth.Build(holders: 3000, seed: 20261121);
        var result = AmlReplay.Shipped().Run(scenario);

        var cashouts = result.Cashouts.ToList();
        var credits = result.Credits.ToList();
        var cashoutAlerts = cashouts.Count(s => s.Result.Outcome != AmlOutcome.Allow);
        var creditAlerts = credits.Count(s => s.Result.Outcome != AmlOutcome.Allow);
        var byRule = result.Steps.SelectMany(s => s.Result.Hits).GroupBy(d => d.RuleId).OrderBy(g => g.Key, StringComparer.Ordinal);
        output.WriteLine($"{scenario.Holders.Count} holders, {credits.Count} credits, {cashouts.Count} cash-outs");
        output.WriteLine($"cash-outs held or rejected: {cashoutAlerts} ({Bps(cashoutAlerts, cashouts.Count)} bps); credits alerting: {creditAlerts} ({Bps(creditAlerts, credits.Count)} bps)");
        foreach (var g in byRule)
        {
            output.WriteLine($"  {g.Key}: {g.Count()}");
        }

        Assert.True(cashouts.Count > 1000 && credits.Count > 10_000, "the month is too small to measure a rate");
        Assert.True(Bps(cashoutAlerts, cashouts.Count) < MaxCashoutAlertBps, $"{cashoutAlerts} of {cashouts.Count} ordinary cash-outs alerted");
        Assert.True(Bps(creditAlerts, credits.Count) < MaxCreditAlertBps, $"{creditAlerts} of {credits.Count} ordinary credits alerted");
    }

    private static long Bps(int part, int whole) => whole == 0 ? 0 : part * 10_000L / whole;
}
