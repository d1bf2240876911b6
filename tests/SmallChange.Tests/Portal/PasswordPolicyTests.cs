using SmallChange.Core.Common;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;
using SmallChange.Portal;

namespace SmallChange.Tests.Portal;

/// <summary>The portal's own password validators, without the web host.</summary>
public sealed class PasswordPolicyTests
{
    [Fact]
    public void CommonList_Embedded_HasTenThousandEntries()
    {
        Assert.Equal(10_000, CommonPasswordValidator.Count);
    }

    [Theory]
    [InlineData("123456", true)]
    [InlineData("QWERTYUIOP", true)]
    [InlineData("!!dragon2024", true)]
    [InlineData("trustno1 ", true)]
    [InlineData("dragonfly wings 42", false)]
    [InlineData("violet tram 42 quietly", false)]
    [InlineData("1234567890123456789", false)]
    public void IsCommon_ListEntriesWithDigitsOrPunctuationAround_Detected(string password, bool common)
    {
        Assert.Equal(common, CommonPasswordValidator.IsCommon(password));
    }

    [Theory]
    [InlineData("minjun.kim@example.com", "MinJun.Kim is my name", false)]
    [InlineData("ava+portal@example.com", "hello eva portal friend", true)]
    [InlineData("ava+portal@example.com", "AVA+PORTAL stays", false)]
    [InlineData("ava+portal@example.com", "and ava again here", false)]
    [InlineData("jo@example.com", "jo jo jo jo jo jo", true)]
    public async Task EmailValidator_LocalPartInPassword_RefusedOtherwiseAccepted(string email, string password, bool accepted)
    {
        var holder = new Holder(HolderId.New(), "x", new PersonName("X"), "US", HolderStatus.Active, 0, DateTimeOffset.UtcNow);
        var account = PortalAccount.ForNewHolder(new EmailAddress(email), holder, DateTimeOffset.UtcNow);
        var result = await new EmailPasswordValidator().ValidateAsync(null!, account, password);
        Assert.Equal(accepted, result.Succeeded);
    }
}
