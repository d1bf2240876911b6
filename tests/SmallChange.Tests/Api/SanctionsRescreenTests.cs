using Microsoft.Extensions.DependencyInjection;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Core.Ports;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>
/// The server's screening hooks over the imported, versioned lists, the screener shared by every host of the process, and
/// the rescreen filing its hits as alerts once (issue 5 leftovers), on both backends.
/// </summary>
public abstract class SanctionsRescreenTests(string backend) : IAsyncLifetime
{
    private const string Listed = "Abdul Rahman Ahmad Hottak";
    private ApiFixture _api = null!;

    public async Task InitializeAsync() => _api = await ApiFixture.StartAsync(backend: backend);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    private SanctionsListService Lists => _api.App.Services.GetRequiredService<SanctionsListService>();

    private ISanctionsCheck Check => _api.App.Services.GetRequiredService<ISanctionsCheck>();

    private async Task<IReadOnlyList<Alert>> Alerts(Guid holder) =>
        (await _api.Store.ReadAsync(r => r.ListAlerts(new AlertFilter(Holder: new HolderId(holder)), null, 100))).Items;

    /// <summary>The UN list as the files give it, without the entry of <see cref="Listed"/> (a changed list), or without another entry.</summary>
    private async Task<SanctionsList> TrimmedUn(bool dropListed = true)
    {
        var un = (await Lists.Screener()).Lists.Single(l => l.Id == "un");
        var drop = dropListed ? un.Entries.First(e => e.PrimaryName == "ABDUL RAHMAN AHMAD HOTTAK") : un.Entries.First(e => !e.PrimaryName.Contains("HOTTAK", StringComparison.Ordinal));
        return new SanctionsList("un", un.Version, un.Entries.Where(e => !ReferenceEquals(e, drop)).ToList());
    }

    [Fact]
    public async Task Screen_AfterImport_UsesTheStoredVersionAndSharesNothingWithOtherStores()
    {
        var before = await Check.Screen(new ScreeningQuery(Listed));
        Assert.NotNull(before);
        Assert.Contains(before.Result.Matches, m => m.Entry.ListId == "un");

        // Another host of this process over another database (no list imported) screens with the very same index.
        await using (var other = await ApiFixture.StartAsync())
        {
            var a = await Lists.Screener();
            var b = await other.App.Services.GetRequiredService<SanctionsListService>().Screener();
            Assert.Same(a, b);
        }

        var imported = await Lists.Import(await TrimmedUn(), ["UN_consolidated.xml"]);
        await Lists.Screener(refresh: true); // what the list refresher does every minute, on every node

        var after = await Check.Screen(new ScreeningQuery(Listed));
        Assert.NotNull(after);
        Assert.Contains($"un@{imported.Version.ContentHash[..12]}", after.Lists, StringComparison.Ordinal);
        Assert.DoesNotContain(after.Result.Matches, m => m.Entry.ListId == "un" && m.Entry.PrimaryName == "ABDUL RAHMAN AHMAD HOTTAK");
        Assert.Contains("ofac_sdn@", after.Lists, StringComparison.Ordinal); // never imported: still from the files
    }

    [Fact]
    public async Task RescreenAndFile_Twice_FilesEachHitOnceInTheHoldersCase()
    {
        var listed = await _api.CreateHolder(name: Listed);
        var clean = await _api.CreateHolder(name: "Ava Thompson");
        var atCreation = (await Alerts(listed)).Count; // the screening at holder creation
        Assert.True(atCreation >= 1);

        var first = await Lists.RescreenAndFile();
        var second = await Lists.RescreenAndFile();

        Assert.Contains(first.Report.Hits, h => h.Holder == new HolderId(listed));
        Assert.True(first.AlertsFiled >= 1);
        Assert.Equal(0, second.AlertsFiled);
        Assert.Equal(first.AlertsFiled, second.AlreadyFiled);
        var alerts = await Alerts(listed);
        var rescreen = Assert.Single(alerts, a => a.Figures.Any(f => f.Name == "trigger" && f.Value == "rescreen"));
        Assert.Equal(ComplianceChecks.SanctionsRuleId, rescreen.RuleId);
        Assert.Equal(new AlertSubject(SubjectKind.Holder, listed), rescreen.Subject);
        Assert.Equal(atCreation + 1, alerts.Count);
        Assert.Single(alerts.Select(a => a.Case).Distinct()); // filed into the holder's open case
        Assert.Empty(await Alerts(clean));

        // A new version of the list (another entry removed) with the matched entry unchanged: nothing is filed again.
        var changed = await Lists.Import(await TrimmedUn(dropListed: false), ["UN_consolidated.xml"]);
        Assert.Equal(ImportOutcome.Imported, changed.Outcome);
        var third = await Lists.RescreenAndFile();
        Assert.Equal(0, third.AlertsFiled);
        Assert.Equal(atCreation + 1, (await Alerts(listed)).Count);
    }

    [Fact]
    public async Task RescreenIfListsChanged_VersionStoredSinceLastRescreen_RescreensOnceThenNotUntilTheNext()
    {
        var listed = await _api.CreateHolder(name: Listed);
        var (other, withoutListed) = (await TrimmedUn(dropListed: false), await TrimmedUn());
        Assert.Null(await Lists.RescreenIfListsChanged()); // nothing imported: the lists are the files, no rescreen

        // Imported while no server ran (as `sanctions import` does): the next check rescreens and files the hit.
        var first = await Lists.Import(other, ["UN_consolidated.xml"]);
        var filing = await Lists.RescreenIfListsChanged();
        Assert.NotNull(filing);
        Assert.Contains(filing.Report.Hits, h => h.Holder == new HolderId(listed));
        Assert.Contains(await Alerts(listed), a => a.Figures.Any(f => f.Name == "trigger" && f.Value == "rescreen"));
        Assert.Equal(first.Version.Id, await _api.Store.ReadAsync(r => r.MonitorPosition(SanctionsListService.RescreenMonitor)));
        Assert.Null(await Lists.RescreenIfListsChanged());

        // The same list again changes nothing; a changed one rescreens again.
        Assert.Equal(ImportOutcome.Unchanged, (await Lists.Import(other, ["UN_consolidated.xml"])).Outcome);
        Assert.Null(await Lists.RescreenIfListsChanged());
        var second = await Lists.Import(withoutListed, ["UN_consolidated.xml"]);
        Assert.Equal(ImportOutcome.Imported, second.Outcome);
        Assert.NotNull(await Lists.RescreenIfListsChanged());
        Assert.Equal(second.Version.Id, await _api.Store.ReadAsync(r => r.MonitorPosition(SanctionsListService.RescreenMonitor)));
    }
}

public sealed class SqliteSanctionsRescreenTests() : SanctionsRescreenTests("sqlite");

public sealed class PostgresSanctionsRescreenTests() : SanctionsRescreenTests("postgres");
