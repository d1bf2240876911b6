using SmallChange.Core.Access;
using SmallChange.Core.Common;
using SmallChange.Core.Ports;

namespace SmallChange.Core.Tests.Access;

public sealed class ApiKeysTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    private static string Secret(string plaintext) => ApiKeys.Parse(plaintext)!.Value.Secret;

    [Fact]
    public void Verify_IssuedSecret_TrueAndAnyOtherFalse()
    {
        var issued = ApiKeys.Issue(ApiKeyScope.Source, SourceId.New(), "s", Now);
        Assert.True(ApiKeys.Verify(issued.Record, Secret(issued.Plaintext), Now));
        var secret = Secret(issued.Plaintext);
        Assert.False(ApiKeys.Verify(issued.Record, secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), Now));
        Assert.False(ApiKeys.Verify(issued.Record, "", Now));
    }

    [Fact]
    public void Verify_RevokedKey_FalseEvenWithTheRightSecret()
    {
        var issued = ApiKeys.Issue(ApiKeyScope.Operator, null, "op", Now);
        Assert.False(ApiKeys.Verify(issued.Record with { RevokedAt = Now }, Secret(issued.Plaintext), Now));
    }

    [Fact]
    public void Verify_RotatedKey_OldSecretUntilGraceEndsNewSecretAlways()
    {
        var issued = ApiKeys.Issue(ApiKeyScope.Operator, null, "op", Now);
        var (fresh, hash) = ApiKeys.NewSecretFor(issued.Record.KeyId);
        var rotated = issued.Record with { SecretHash = hash, PreviousSecretHash = issued.Record.SecretHash, PreviousValidUntil = Now.AddHours(1) };

        Assert.Equal(issued.Record.KeyId, ApiKeys.Parse(fresh)!.Value.KeyId);
        Assert.True(ApiKeys.Verify(rotated, Secret(fresh), Now));
        Assert.True(ApiKeys.Verify(rotated, Secret(issued.Plaintext), Now.AddMinutes(59)));
        Assert.False(ApiKeys.Verify(rotated, Secret(issued.Plaintext), Now.AddHours(1)));
        Assert.True(ApiKeys.Verify(rotated, Secret(fresh), Now.AddDays(30)));
    }

    [Fact]
    public void Issue_ReadOnly_RecordsAccessAndToStringShowsNoSecret()
    {
        var issued = ApiKeys.Issue(ApiKeyScope.Operator, null, "auditor", Now, ApiKeyAccess.ReadOnly);
        Assert.Equal(ApiKeyAccess.ReadOnly, issued.Record.Access);
        Assert.DoesNotContain(Secret(issued.Plaintext), issued.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(issued.Record.SecretHash), issued.Record.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
