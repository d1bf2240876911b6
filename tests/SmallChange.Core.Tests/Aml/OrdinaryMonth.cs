using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Destinations;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Providers;
using SmallChange.Core.Sources;

namespace SmallChange.Core.Tests.Aml;

/// <summary>
/// A month of ordinary behaviour for many simulated holders (seeded, so every run is the same month). The population
/// and its habits, in US-dollar terms converted to each holder's currency at the shipped rates:
/// <list type="bullet">
/// <item>countries: 40 % KR, 30 % US, 20 % EU (DE, FR, ES, IT, NL), 10 % elsewhere (PH, JP, GB: the fallback profile);</item>
/// <item>accounts opened 20–720 days before the month and last active 1–60 days before it; 4 % come back after
/// 200–500 idle days;</item>
/// <item>40 % micro-earning creators: up to 8 credits a day of USD 0.01–2 from one or two platforms, a cash-out of the
/// whole balance when it passes a personal target of USD 20–200, a third of them automatically within minutes;</item>
/// <item>8 % creators paid monthly: one payout of USD 50–900, cashed out automatically (30 %) or 1–96 hours later;</item>
/// <item>17 % carrier refunds of prepaid balance (funding "balance"), 15 % gift-card credit, 20 % e-wallet remainders,
/// each cashed out hours to days later, 10 % of e-wallet cash-outs to crypto with travel-rule data;</item>
/// <item>3 % of holders share a bank account with one other holder (a couple); 5 % of cash-outs go abroad (never to a
/// listed country).</item>
/// </list>
/// </summary>
internal static class OrdinaryMonth
{
    public static readonly DateTimeOffset MonthStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Eu = ["DE", "FR", "ES", "IT", "NL"];
    private static readonly string[] Elsewhere = ["PH", "JP", "GB"];
    private static readonly string[] Abroad = ["US", "DE", "FR", "JP", "GB", "CA", "AU", "SG"];

    public static Scenario Build(int holders, int seed)
    {
        var rng = new Random(seed);
        var platforms = Enumerable.Range(0, 20).Select(_ => SourceId.New()).ToArray();
        var carriers = Enumerable.Range(0, 3).Select(_ => SourceId.New()).ToArray();
        var issuers = Enumerable.Range(0, 5).Select(_ => SourceId.New()).ToArray();
        var wallets = Enumerable.Range(0, 4).Select(_ => SourceId.New()).ToArray();
        var list = new List<AmlHolder>(holders);
        var events = new List<SimEvent>();
        string? pendingShared = null;
        for (var i = 0; i < holders; i++)
        {
            var roll = rng.NextDouble();
            var country = roll < 0.4 ? "KR" : roll < 0.7 ? "US" : roll < 0.9 ? Eu[rng.Next(Eu.Length)] : Elsewhere[rng.Next(Elsewhere.Length)];
            var dormant = rng.NextDouble() < 0.04;
            var ageDays = dormant ? rng.Next(520, 900) : rng.Next(20, 721);
            var holder = new AmlHolder(HolderId.New(), country, MonthStart.AddDays(-ageDays), rng.Next(1, 3));
            list.Add(holder);
            var currency = Destination.DefaultCurrency(country) ?? Currencies.USD;

            var destination = $"fp-{holder.Id}";
            if (rng.NextDouble() < 0.03)
            {
                // Couples: the second of a pair takes the first one's account.
                if (pendingShared is null)
                {
                    pendingShared = destination;
                }
                else
                {
                    destination = pendingShared;
                    pendingShared = null;
                }
            }

            var h = new Sim(rng, holder, currency, destination, events);
            if (dormant)
            {
                // Active for a few weeks long ago, idle since.
                var then = MonthStart.AddDays(-rng.Next(200, 500));
                for (var k = 0; k < 5; k++)
                {
                    h.Credit(then.AddDays(k * 3), platforms[rng.Next(platforms.Length)], SourceType.CreatorEarnings, CreditFunding.Balance, Usd(rng, 1, 20));
                }
            }
            else
            {
                // An account in use: its last activity before the month was 1–60 days earlier (never before it was opened).
                var last = MonthStart.AddDays(-rng.Next(1, Math.Min(60, ageDays) + 1)).AddMinutes(rng.Next(0, 24 * 60));
                h.Credit(Max(last, holder.CreatedAt), platforms[rng.Next(platforms.Length)], SourceType.CreatorEarnings, CreditFunding.Balance, Usd(rng, 1, 5));
            }

            var kind = rng.NextDouble();
            if (kind < 0.40)
            {
                h.MicroCreator(platforms);
            }
            else if (kind < 0.48)
            {
                h.MonthlyPayout(platforms);
            }
            else if (kind < 0.65)
            {
                h.Lumps(carriers, SourceType.CarrierRefund, CreditFunding.Balance, count: rng.Next(1, 3), minUsd: 3, maxUsd: 30, minDelayHours: 2, maxDelayHours: 240, cryptoShare: 0);
            }
            else if (kind < 0.80)
            {
                h.Lumps(issuers, SourceType.GiftCardCredit, CreditFunding.Unknown, count: rng.Next(1, 4), minUsd: 10, maxUsd: 100, minDelayHours: 6, maxDelayHours: 336, cryptoShare: 0);
            }
            else
            {
                h.Lumps(wallets, SourceType.EWallet, CreditFunding.Balance, count: rng.Next(1, 4), minUsd: 5, maxUsd: 150, minDelayHours: 24, maxDelayHours: 480, cryptoShare: 0.1);
            }
        }

        return new Scenario("ordinary month", list, events);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    /// <summary>USD cents between the bounds (whole dollars), uniformly.</summary>
    private static long Usd(Random rng, int min, int max) => rng.NextInt64(min * 100L, (max * 100L) + 1);

    private sealed class Sim(Random rng, AmlHolder holder, Currency currency, string destination, List<SimEvent> events)
    {
        private static readonly FxRateTable Rates = AmlTestConfig.Rates;
        private SmallChange.Core.Money.Money _balance = SmallChange.Core.Money.Money.Zero(currency);

        public void Credit(DateTimeOffset at, SourceId source, SourceType type, CreditFunding funding, long usdCents)
        {
            var amount = Local(usdCents);
            if (!amount.IsPositive)
            {
                return;
            }

            events.Add(new SimCredit(holder.Id, new AmlCredit(source, type, funding, null, amount, at)));
            _balance += amount;
        }

        /// <summary>Cashes out the whole payable balance.</summary>
        public void CashoutAll(DateTimeOffset at, bool crypto)
        {
            var (payable, remainder) = _balance.SplitPayable();
            if (!payable.IsPositive || at >= MonthStart.AddMonths(1))
            {
                return;
            }

            var country = rng.NextDouble() < 0.05 ? Abroad[rng.Next(Abroad.Length)] : holder.Country;
            var method = crypto ? PayoutMethod.Crypto : PayoutMethod.BankTransfer;
            events.Add(new SimCashout(holder.Id, payable, method, country, crypto ? $"crypto-{holder.Id}" : destination, TravelRuleData: true, at));
            _balance = remainder;
        }

        public void MicroCreator(SourceId[] platforms)
        {
            var mine = Enumerable.Range(0, rng.Next(1, 3)).Select(_ => platforms[rng.Next(platforms.Length)]).ToArray();
            var target = Local(Usd(rng, 20, 200));
            var automatic = rng.NextDouble() < 1.0 / 3;
            var due = (DateTimeOffset?)null;
            for (var day = 0; day < 30; day++)
            {
                var n = rng.Next(0, 9);
                for (var k = 0; k < n; k++)
                {
                    var at = MonthStart.AddDays(day).AddMinutes(rng.Next(0, 24 * 60));
                    if (due is { } d && d <= at)
                    {
                        CashoutAll(d, crypto: false);
                        due = null;
                    }

                    Credit(at, mine[rng.Next(mine.Length)], SourceType.CreatorEarnings, CreditFunding.Balance, rng.NextInt64(1, 201));
                    if (due is null && _balance >= target)
                    {
                        due = at.AddMinutes(automatic ? rng.Next(1, 11) : rng.Next(60, 72 * 60));
                    }
                }
            }

            if (due is { } last)
            {
                CashoutAll(last, crypto: false);
            }
        }

        public void MonthlyPayout(SourceId[] platforms)
        {
            var at = MonthStart.AddDays(rng.Next(0, 28)).AddMinutes(rng.Next(0, 24 * 60));
            Credit(at, platforms[rng.Next(platforms.Length)], SourceType.CreatorEarnings, CreditFunding.Balance, Usd(rng, 50, 900));
            var automatic = rng.NextDouble() < 0.3;
            CashoutAll(at.AddMinutes(automatic ? rng.Next(1, 21) : rng.Next(60, 96 * 60)), crypto: false);
        }

        public void Lumps(SourceId[] sources, SourceType type, CreditFunding funding, int count, int minUsd, int maxUsd, int minDelayHours, int maxDelayHours, double cryptoShare)
        {
            var source = sources[rng.Next(sources.Length)];
            var at = MonthStart.AddDays(rng.Next(0, 25)).AddMinutes(rng.Next(0, 24 * 60));
            for (var k = 0; k < count; k++)
            {
                Credit(at, source, type, funding, Usd(rng, minUsd, maxUsd));
                at = at.AddHours(rng.Next(1, 72));
            }

            CashoutAll(at.AddMinutes(rng.Next(minDelayHours * 60, maxDelayHours * 60)), crypto: rng.NextDouble() < cryptoShare);
        }

        private SmallChange.Core.Money.Money Local(long usdCents)
        {
            var usd = SmallChange.Core.Money.Money.FromIsoMinor(usdCents, Currencies.USD);
            return Rates.Convert(usd, currency).Value.SplitPayable().Payable;
        }
    }
}
