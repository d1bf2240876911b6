using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Aml.Rules;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Sources;
using MoneyValue = SmallChange.Core.Money.Money;

namespace SmallChange.Core.Tests.Aml;

/// <summary>
/// The credit monitor's one-pass evaluation (<see cref="AmlCreditBatch.Evaluate"/>) against the reference, each credit
/// evaluated alone through <see cref="AmlRuleSet.Evaluate"/> with its full history (<see cref="AmlCreditBatch.EvaluateOneByOne"/>):
/// randomised series with bursts at one instant, credits on window edges, several currencies (one without a rate),
/// sources, senders and fundings, cash-outs between, booking times that go back, and tightened rule windows.
/// </summary>
public sealed class AmlCreditBatchTests
{
    /// <summary>A currency the shipped rate table has no rate for: its amounts make the rules fail closed.</summary>
    private static readonly Currency Unrated = Currency.Create("CHF", 2, 6);

    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 6, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 60; seed++)
        {
            data.Add(seed);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Evaluate_RandomisedSeries_SameResultsAsOneByOne(int seed)
    {
        foreach (var (profile, series) in Generate(seed))
        {
            var rules = AmlRuleSet.For(profile);

            var batch = AmlCreditBatch.Evaluate(rules, profile, AmlTestConfig.Rates, series);
            var naive = AmlCreditBatch.EvaluateOneByOne(rules, profile, AmlTestConfig.Rates, series);

            Assert.Equal(series.Credits.Count, batch.Count);
            for (var i = 0; i < naive.Count; i++)
            {
                Assert.True(Describe(naive[i]) == Describe(batch[i]), $"seed {seed}, profile {profile.Id}, credit {i} of {series.Credits.Count}:\n  one by one: {Describe(naive[i])}\n  batch:      {Describe(batch[i])}");
            }
        }
    }

    [Fact]
    public void Evaluate_RandomisedSeries_CoverEveryPath()
    {
        // The seeds above are not vacuous: they raise fan-in and dormancy alerts, allow, fail closed on a missing rate, and
        // include rounds whose booking times go back and bursts of one instant.
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        void Count(string what) => seen[what] = seen.GetValueOrDefault(what) + 1;
        for (var seed = 1; seed <= 60; seed++)
        {
            foreach (var (profile, series) in Generate(seed))
            {
                foreach (var r in AmlCreditBatch.Evaluate(AmlRuleSet.For(profile), profile, AmlTestConfig.Rates, series))
                {
                    Count(r.Outcome.ToWire());
                    foreach (var d in r.Hits)
                    {
                        Count(d.RuleId);
                    }
                }

                if (series.Credits.Zip(series.Credits.Skip(1)).Any(p => p.Second.At < p.First.At))
                {
                    Count("time goes back");
                }

                if (series.Credits.Zip(series.Credits.Skip(1)).Any(p => p.Second.At == p.First.At))
                {
                    Count("burst");
                }
            }
        }

        foreach (var what in new[] { "allow", "hold", FanInRule.RuleId, DormantReactivationRule.RuleId, AmlRuleSet.UnevaluableRuleId, "time goes back", "burst" })
        {
            Assert.True(seen.GetValueOrDefault(what) >= 3, $"{what}: {seen.GetValueOrDefault(what)} ({string.Join(", ", seen.Select(kv => $"{kv.Key}={kv.Value}"))})");
        }
    }

    [Fact]
    public void Evaluate_HotHolderThousandsOfCredits_SameResultsAsOneByOne()
    {
        // A holder flooded with micro-credits from many sources and senders, in bursts: fan-in over its whole window.
        var profile = AmlTestConfig.Profiles.For("KR");
        var rng = new Random(5);
        var sources = Enumerable.Range(0, 8).Select(_ => SourceId.New()).ToArray();
        var credits = new List<AmlCredit>();
        var at = T0;
        for (var i = 0; i < 3_000; i++)
        {
            at = at.AddSeconds(rng.Next(4) == 0 ? 0 : rng.Next(1, 400));
            credits.Add(new AmlCredit(sources[rng.Next(sources.Length)], SourceType.EWallet, CreditFunding.Balance, rng.Next(3) == 0 ? null : $"s{rng.Next(40)}",
                new MoneyValue(rng.Next(100, 5_000) * 100L, Currencies.KRW), at));
        }

        var series = new AmlCreditSeries(new AmlHolder(HolderId.New(), "KR", T0.AddDays(-400), 1), credits[..1_000], credits[1_000..], [], T0.AddDays(-1));
        var rules = AmlRuleSet.For(profile);

        var batch = AmlCreditBatch.Evaluate(rules, profile, AmlTestConfig.Rates, series);
        var naive = AmlCreditBatch.EvaluateOneByOne(rules, profile, AmlTestConfig.Rates, series);

        Assert.Equal(naive.Select(Describe), batch.Select(Describe));
        Assert.Contains(batch, r => r.Hits.Any(d => d.RuleId == FanInRule.RuleId));
    }

    [Fact]
    public void Evaluate_CreditRuleReadingHistoryLists_FallsBackToOneByOne()
    {
        // A rule on credits that reads the history lists rather than the aggregates: the one-pass evaluation cannot serve
        // it (its context carries no lists), so the holder's credits are evaluated one by one, with the same results.
        var profile = AmlTestConfig.Profiles.For("US");
        var rules = new AmlRuleSet([new FanInRule(profile.Aml.FanIn), new CountingRule()]);
        var source = SourceId.New();
        var credits = Enumerable.Range(0, 6).Select(i => new AmlCredit(source, SourceType.EWallet, CreditFunding.Balance, null,
            MoneyValue.Parse("1.00", Currencies.USD).Value, T0.AddMinutes(i))).ToList();
        var series = new AmlCreditSeries(new AmlHolder(HolderId.New(), "US", T0.AddDays(-10), 1), credits[..2], credits[2..], [], null);

        var batch = AmlCreditBatch.Evaluate(rules, profile, AmlTestConfig.Rates, series);

        Assert.Equal(["2", "3", "4", "5"], batch.Select(r => r.Decisions.Single(d => d.RuleId == CountingRule.RuleId).Explanation));
        Assert.Equal(AmlCreditBatch.EvaluateOneByOne(rules, profile, AmlTestConfig.Rates, series).Select(Describe), batch.Select(Describe));
    }

    [Fact]
    public void CreditFiguresWithin_PerEventPath_CountsDistinctSourcesAndNamedSendersWithTheEvent()
    {
        var profile = AmlTestConfig.Profiles.For("US");
        var (a, b) = (SourceId.New(), SourceId.New());
        AmlCredit Credit(SourceId s, string? sender, string usd, int minutes) =>
            new(s, SourceType.EWallet, CreditFunding.Balance, sender, MoneyValue.Parse(usd, Currencies.USD).Value, T0.AddMinutes(minutes));
        var history = new[] { Credit(a, "x", "1.00", 0), Credit(a, null, "2.00", 1), Credit(b, "x", "3.00", 2), Credit(b, "y", "4.00", 3) };
        var input = new AmlInput(new AmlHolder(HolderId.New(), "US", T0.AddDays(-9), 1), new CreditReceived(Credit(b, "z", "5.00", 4)), T0.AddDays(-8), history, [], null);

        var figures = AmlRuleSet.For(profile).Evaluate(profile, input, AmlTestConfig.Rates).Decisions.Single(d => d.RuleId == FanInRule.RuleId).Figures;

        Assert.Equal("sources=2, senders=3, credit_count=5, credited=USD 15.00",
            string.Join(", ", figures.Where(f => f.Name is "sources" or "senders" or "credit_count" or "credited")));
    }

    [Fact]
    public void CreditAggregate_AddRemove_FiguresOfWhatRemains()
    {
        var (a, b) = (SourceId.New(), SourceId.New());
        var one = new AmlCredit(a, SourceType.EWallet, CreditFunding.Card, "x", MoneyValue.Parse("1.00", Currencies.USD).Value, T0);
        var two = one with { Sender = "y", Amount = MoneyValue.Parse("2.00", Currencies.USD).Value };
        var three = one with { Source = b, Sender = null };
        var agg = CreditAggregate.Of(Currencies.USD, [one, two, three]);

        agg.Remove(one);
        agg.Remove(three);

        Assert.Equal(new CreditFigures(1, MoneyValue.Parse("2.00", Currencies.USD).Value, 1, 1), agg.Figures);
        Assert.Equal(new CreditFigures(2, MoneyValue.Parse("3.00", Currencies.USD).Value, 2, 1), agg.With(three with { Sender = "y" }));
        Assert.Throws<InvalidOperationException>(() => agg.Remove(three));
    }

    private static string Describe(AmlResult r) =>
        $"{r.Outcome.ToWire()} | " + string.Join(" | ", r.Decisions.Select(d =>
            $"{d.RuleId}@{d.RuleVersion} {d.Outcome.ToWire()}: {d.Explanation} [{string.Join(", ", d.Figures.Select(f => $"{f.GetType().Name}:{f}"))}]"));

    /// <summary>
    /// Several holders' series for one seed: each with a profile (shipped, or with tightened fan-in, dormancy and
    /// structuring windows so the edges fall inside the history), credits at steps that include zero (bursts), one tick
    /// and the windows' exact lengths, cash-outs between, and a round cut as the monitor cuts it (the history before
    /// its first credit) or anywhere, sometimes with booking times that go back.
    /// </summary>
    private static IEnumerable<(JurisdictionProfile Profile, AmlCreditSeries Series)> Generate(int seed)
    {
        var rng = new Random(seed);
        var shipped = new[] { "US", "KR", "FR", "BR" }.Select(AmlTestConfig.Profiles.For).ToArray();
        for (var h = 0; h < 4; h++)
        {
            var profile = shipped[rng.Next(shipped.Length)];
            if (rng.Next(3) > 0)
            {
                var aml = profile.Aml;
                var fanInWindow = Pick(rng, TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromDays(1), TimeSpan.FromDays(3));
                var structuring = Pick(rng, TimeSpan.FromHours(1), TimeSpan.FromDays(2), TimeSpan.FromDays(7));
                profile = profile with
                {
                    Aml = aml with
                    {
                        FanIn = aml.FanIn with { Window = fanInWindow, MaxSources = rng.Next(1, 4), MaxSenders = rng.Next(1, 6) },
                        Dormant = aml.Dormant with { DormantAfter = Pick(rng, TimeSpan.FromHours(3), TimeSpan.FromDays(2), TimeSpan.FromDays(30)), MinAmount = new MoneyValue(profile.Currency.LedgerUnitsPerMajor * rng.Next(0, 3), profile.Currency) },
                        Structuring = aml.Structuring with { Window = structuring },
                    },
                };
            }

            var lookback = AmlRuleSet.For(profile).Lookback;
            var fanIn = profile.Aml.FanIn.Window;
            var steps = new[]
            {
                TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(50),
                TimeSpan.FromHours(5), fanIn, fanIn - TimeSpan.FromTicks(1), lookback, lookback + TimeSpan.FromTicks(1), profile.Aml.Dormant.DormantAfter,
            };
            var sources = Enumerable.Range(0, rng.Next(1, 8)).Select(_ => SourceId.New()).ToArray();
            var senders = Enumerable.Range(0, rng.Next(0, 9)).Select(i => $"sender-{seed}-{i}").ToArray();
            var currencies = new List<Currency> { profile.Currency, Currencies.USD, Currencies.EUR, Currencies.KRW };
            var unrated = rng.Next(4) == 0;
            if (unrated)
            {
                currencies.Add(Unrated);
            }

            var at = T0.AddDays(-rng.Next(0, 20));
            var credits = new List<AmlCredit>();
            var cashouts = new List<AmlCashout>();
            var events = rng.Next(5, 120);
            for (var e = 0; e < events; e++)
            {
                // Mostly short steps; now and then a window's exact length (an item on the edge of the next one's window).
                at += rng.Next(5) == 0 ? steps[rng.Next(6, steps.Length)] : steps[rng.Next(0, 6)];
                var currency = currencies[rng.Next(currencies.Count)];
                if (currency == Unrated && rng.Next(6) > 0)
                {
                    currency = profile.Currency;
                }

                var amount = new MoneyValue(currency.LedgerUnitsPerMajor * rng.Next(0, 50) + rng.Next(0, 1000), currency);
                if (rng.Next(8) == 0)
                {
                    cashouts.Add(new AmlCashout(amount, PayoutMethod.DigitalWallet, "US", at));
                }
                else
                {
                    credits.Add(new AmlCredit(sources[rng.Next(sources.Length)], (SourceType)rng.Next(5), (CreditFunding)rng.Next(4),
                        senders.Length == 0 || rng.Next(3) == 0 ? null : senders[rng.Next(senders.Length)], amount, at));
                }
            }

            if (credits.Count == 0)
            {
                continue;
            }

            // The round: the last credits, after a cut. As the monitor cuts it, the history is what was booked before the
            // round's first credit; otherwise the history may hold later credits too (the rules see those before each).
            var cut = rng.Next(0, credits.Count);
            var round = credits[cut..];
            if (rng.Next(4) == 0)
            {
                // Booking times from two nodes' clocks: swap some neighbours.
                for (var i = 1; i < round.Count; i++)
                {
                    if (rng.Next(4) == 0)
                    {
                        (round[i - 1], round[i]) = (round[i], round[i - 1]);
                    }
                }
            }

            var first = round.Min(c => c.At);
            var before = rng.Next(3) > 0 ? credits[..cut].Where(c => c.At < first).ToList() : credits[..cut];
            var createdAt = credits[0].At - Pick(rng, TimeSpan.Zero, TimeSpan.FromDays(1), TimeSpan.FromDays(40), TimeSpan.FromDays(400));
            DateTimeOffset? lastBefore = rng.Next(3) == 0 ? null : createdAt + TimeSpan.FromTicks((credits[0].At - createdAt).Ticks / 2);
            yield return (profile, new AmlCreditSeries(new AmlHolder(HolderId.New(), "US", createdAt, 1), before, round, cashouts, lastBefore));
        }
    }

    private static T Pick<T>(Random rng, params T[] items) => items[rng.Next(items.Length)];

    /// <summary>A rule on credits that reads the history lists (no <see cref="AmlRule.CreditWindows"/>): its explanation is how many credits it saw.</summary>
    private sealed class CountingRule() : AmlRule<FanInParameters>(new FanInParameters(true, AmlOutcome.Hold, TimeSpan.FromDays(1), 1, 1))
    {
        public const string RuleId = "test.counting";

        public override string Id => RuleId;

        public override int Version => 1;

        public override TimeSpan Lookback => TimeSpan.FromDays(1);

        public override bool AppliesTo(AmlEvent e) => e is CreditReceived;

        public override AmlDecision Evaluate(AmlContext context) =>
            Decide(false, context.Input.RecentCredits.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
