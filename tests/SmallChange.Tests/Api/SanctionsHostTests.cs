using Microsoft.Extensions.DependencyInjection;
using SmallChange.Core.Compliance.Sanctions;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>The server's screener: the list files until a list is imported, then the imported version of that list.</summary>
public sealed class SanctionsHostTests
{
    [Fact]
    public async Task Screener_InServer_FilesUntilImportedThenTheStoredVersion()
    {
        await using var api = await ApiFixture.StartAsync();
        var service = api.App.Services.GetRequiredService<SanctionsListService>();

        var before = await service.Screener();
        Assert.Equal(["ofac_cons", "ofac_sdn", "un"], before.Lists.Select(l => l.Id).Order(StringComparer.Ordinal));
        Assert.True(before.Screen(new ScreeningQuery("Abdul Rahman Ahmad Hottak")).IsHit);

        var un = before.Lists.Single(l => l.Id == "un");
        var trimmed = new SanctionsList("un", un.Version, un.Entries.Where(e => e.PrimaryName != "ABDUL RAHMAN AHMAD HOTTAK").ToList());
        var imported = await service.Import(trimmed, ["UN_consolidated.xml"]);
        var after = await service.Screener(refresh: true);

        Assert.Equal(ImportOutcome.Imported, imported.Outcome);
        Assert.Equal(imported.Version.ContentHash, after.Lists.Single(l => l.Id == "un").Version.ContentHash);
        Assert.Equal(un.Entries.Count - 1, after.Lists.Single(l => l.Id == "un").Entries.Count);
        Assert.DoesNotContain(after.Screen(new ScreeningQuery("Abdul Rahman Ahmad Hottak")).Matches, m => m.Entry.ListId == "un" && m.Entry.PrimaryName == "ABDUL RAHMAN AHMAD HOTTAK");
    }
}
