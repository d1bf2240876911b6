using SmallChange.Core.Cashouts;
using SmallChange.Core.Common;
using SmallChange.Core.Fx;
using SmallChange.Core.Money;
using SmallChange.Core.Ports;
using SmallChange.Core.Providers;
using SmallChange.Core.Providers.Trust;
using SmallChange.Core.Quotes;

namespace SmallChange.Adapters.Tests.Storage;

/// <summary>The storage contract for the provider trust rules' outcome counts, on every backend.</summary>
public abstract class ProviderOutcomesContractTests(IStoreBackend backend) : IAsyncLifetime
{
    private readonly ManualClock _clock = new();

    private IStore _store = null!;

    public async Task InitializeAsync() => _store = await backend.Create(_clock);

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>A cash-out of USD 10.00 through <paramref name="provider"/>, created now in <paramref name="state"/>.</summary>
    internal static Cashout NewCashout(string provider, CashoutState state, DateTimeOffset at)
    {
        var gross = Money.FromIsoMinor(10_00, Currencies.USD);
        var fee = Money.FromIsoMinor(50, Currencies.USD);
        var net = gross - fee;
        var option = new QuoteOption(provider, provider + " name", "sandbox", false, PayoutMethod.BankTransfer, gross, [new FeeLine(FeeKind.Flat, fee)], fee, net,
            FxRate.One, FxRate.One, 0, Money.Zero(Currencies.USD), net, Money.Zero(Currencies.USD), net, 500, TimeSpan.FromHours(1), TimeSpan.FromDays(1),
            at.AddHours(1), at.AddDays(1), true, true);
        return new Cashout(CashoutId.New(), HolderId.New(), QuoteId.New(), DestinationId.New(), provider, PayoutMethod.BankTransfer, state, gross, fee, net, option,
            [CheckResult.Passed("funds")], TransferId.New(), null, state == CashoutState.Failed ? "provider.rejected" : null, at, at);
    }

    private async Task Insert(string provider, CashoutState state, int count = 1)
    {
        for (var i = 0; i < count; i++)
        {
            var c = NewCashout(provider, state, _clock.GetUtcNow());
            await _store.WriteAsync(async tx => { await tx.InsertCashout(c); return 0; });
        }
    }

    [Fact]
    public async Task ProviderOutcomes_MixedStatesAndAges_CountsFinishedSinceByProvider()
    {
        await Insert("alpha", CashoutState.Paid, 2); // before the window: not counted
        _clock.Advance(TimeSpan.FromDays(40));
        var since = _clock.GetUtcNow().AddDays(-30);
        await Insert("alpha", CashoutState.Paid, 3);
        await Insert("alpha", CashoutState.Failed);
        await Insert("alpha", CashoutState.Returned, 2);
        await Insert("alpha", CashoutState.Submitted); // not finished
        await Insert("alpha", CashoutState.Rejected); // never reached the provider
        await Insert("beta", CashoutState.Failed);

        var outcomes = await _store.ReadAsync(r => r.ProviderOutcomes(since));

        Assert.Equal([new ProviderOutcomes("alpha", 3, 1, 2), new ProviderOutcomes("beta", 0, 1, 0)], outcomes);
    }

    [Fact]
    public async Task ProviderOutcomes_OldCashoutFinishedRecently_CountsByLastChange()
    {
        var c = NewCashout("gamma", CashoutState.Submitted, _clock.GetUtcNow());
        await _store.WriteAsync(async tx => { await tx.InsertCashout(c); return 0; });
        _clock.Advance(TimeSpan.FromDays(45));
        var now = _clock.GetUtcNow();
        Assert.True(await _store.WriteAsync(tx => tx.TransitionCashout(c.Id, CashoutState.Submitted, CashoutState.Failed, "provider.rejected", null, now)));

        var outcomes = await _store.ReadAsync(r => r.ProviderOutcomes(now.AddDays(-30)));

        Assert.Equal([new ProviderOutcomes("gamma", 0, 1, 0)], outcomes);
        Assert.Empty(await _store.ReadAsync(r => r.ProviderOutcomes(now.AddSeconds(1))));
    }
}

public sealed class SqliteProviderOutcomesContractTests() : ProviderOutcomesContractTests(new SqliteBackend());
public sealed class PostgresProviderOutcomesContractTests() : ProviderOutcomesContractTests(new PostgresBackend());
