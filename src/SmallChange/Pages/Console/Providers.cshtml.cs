using SmallChange.Core.Providers;
using SmallChange.Core.Providers.Trust;

namespace SmallChange.Pages.Console;

/// <summary>Every configured provider with its trust score and the reasons behind it, its outcomes in the trust window, and its licences' expiry.</summary>
public sealed class ProvidersModel(ProviderTrustService trust, TimeProvider clock) : ConsolePage
{
    /// <summary>Licences expiring within this many days are marked.</summary>
    public const int ExpirySoonDays = 60;

    public IReadOnlyList<(Provider Provider, ProviderTrust Trust)> Providers { get; private set; } = [];

    public DateOnly Today { get; private set; }

    public int WindowDays { get; private set; }

    public int MinOutcomes { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var policy = (await trust.Current(ct)).Policy;
        (WindowDays, MinOutcomes) = ((int)policy.OutcomeWindow.TotalDays, policy.MinOutcomes);
        Providers = (await trust.EvaluateAll(ct)).OrderBy(p => p.Trust.Score).ThenBy(p => p.Provider.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>Days from today to <paramref name="expires"/> (negative: expired).</summary>
    public int DaysLeft(DateOnly expires) => expires.DayNumber - Today.DayNumber;
}
