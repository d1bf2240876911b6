using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Profiles;
using SmallChange.Core.Destinations;
using SmallChange.Core.Money;
using SmallChange.Core.Security;

namespace SmallChange.Core.Tests.Compliance;

public sealed class DestinationCoolingOffTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 8, 30, 15, TimeSpan.Zero);

    private static JurisdictionProfiles Profiles(int krHours, int fallbackHours) => JurisdictionProfiles.Parse($$"""
        { "profiles": [
          { "id": "KR", "countries": ["KR"], "currency": "KRW", "cooling_off_hours": {{krHours}}, "reporting": { "ctr_threshold": "10000000" }, "tiers": [] },
          { "id": "X", "countries": ["*"], "currency": "USD", "cooling_off_hours": {{fallbackHours}}, "reporting": { "ctr_threshold": "10000" }, "tiers": [] } ] }
        """).Value;

    private static Destination Dest() => new(DestinationId.New(), HolderId.New(), DestinationKind.BankAccount, "kr_bank", "KR", Currencies.KRW, "•••• 1234", "fp",
        "004:1234", null, null, null, null, Now);

    [Fact]
    public void Start_ProfilePeriod_UsableAfterThatProfilesHours()
    {
        var p = Profiles(48, 24);
        Assert.Equal(Now.AddHours(48), DestinationCoolingOff.Start(Dest(), p.For("KR"), null, Now).UsableAt);
        Assert.Equal(Now.AddHours(24), DestinationCoolingOff.Start(Dest(), p.For("US"), null, Now).UsableAt);
        Assert.Equal(Now.AddMinutes(2), DestinationCoolingOff.Start(Dest(), p.For("KR"), TimeSpan.FromMinutes(2), Now).UsableAt);
    }

    [Fact]
    public void Parse_ShippedConfig_KrUsEuCoolOffADayOthersTwo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "SmallChange.slnx")))
        {
            dir = dir.Parent;
        }

        var shipped = JurisdictionProfiles.Parse(File.ReadAllText(Path.Combine(dir.FullName, "config", "jurisdictions.json"))).Value;
        Assert.Equal(TimeSpan.FromHours(24), shipped.For("KR").CoolingOff);
        Assert.Equal(TimeSpan.FromHours(24), shipped.For("US").CoolingOff);
        Assert.Equal(TimeSpan.FromHours(24), shipped.For("DE").CoolingOff);
        Assert.Equal(TimeSpan.FromHours(48), shipped.For("PH").CoolingOff); // the conservative fallback
    }

    [Fact]
    public void Refusal_CoolingActiveCancelledMissing_ErrorsNameTheTime()
    {
        var s = new DestinationState(DestinationId.New(), HolderId.New(), Now, null, null);

        var cooling = DestinationCoolingOff.Refusal(s, Now.AddTicks(-1));
        Assert.Equal(DestinationCoolingOff.CoolingCode, cooling!.Code);
        Assert.Contains("2026-11-02 08:31 UTC", cooling.Message); // rounded up: never a minute too early
        Assert.Null(DestinationCoolingOff.Refusal(s, Now));
        Assert.Equal(DestinationCoolingOff.CancelledCode, DestinationCoolingOff.Refusal(s with { CancelledAt = Now }, Now.AddDays(1))!.Code);
        Assert.Equal(DestinationCoolingOff.CoolingCode, DestinationCoolingOff.Refusal(null, Now)!.Code);
    }

    [Fact]
    public void Format_WholeMinute_Unchanged()
    {
        Assert.Equal("2026-11-02 08:30 UTC", DestinationCoolingOff.Format(new DateTimeOffset(2026, 11, 2, 8, 30, 0, TimeSpan.Zero)));
        Assert.Equal("2026-11-02 09:30 UTC", DestinationCoolingOff.Format(new DateTimeOffset(2026, 11, 2, 18, 29, 59, TimeSpan.FromHours(9))));
    }
}
