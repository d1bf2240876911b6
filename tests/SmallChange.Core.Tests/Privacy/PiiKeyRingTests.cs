using SmallChange.Core.Privacy;

namespace SmallChange.Core.Tests.Privacy;

public sealed class PiiKeyRingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Protect_ThenUnprotect_RoundTripsAndHidesThePlaintext()
    {
        var ring = PiiKeyRing.Generate(Now);
        var sealedName = ring.Protect("김민준 Kim Min-jun", "holders.name");
        Assert.StartsWith(PiiKeyRing.Prefix + ring.PrimaryId + ".", sealedName);
        Assert.DoesNotContain("Kim", sealedName);
        Assert.Equal("김민준 Kim Min-jun", ring.Unprotect(sealedName, "holders.name"));
    }

    [Fact]
    public void Protect_SameValueTwice_DiffersEachTime()
    {
        var ring = PiiKeyRing.Generate(Now);
        Assert.NotEqual(ring.Protect("x", "f"), ring.Protect("x", "f"));
    }

    [Fact]
    public void Unprotect_OtherField_Refused()
    {
        var ring = PiiKeyRing.Generate(Now);
        var sealedValue = ring.Protect("DE89370400440532013000", "destinations.value");
        Assert.Throws<PiiUnreadableException>(() => ring.Unprotect(sealedValue, "holders.name"));
    }

    [Fact]
    public void Unprotect_AnyChangedCharacter_Refused()
    {
        var ring = PiiKeyRing.Generate(Now);
        var sealedValue = ring.Protect("1990-04-01", "kyc.birth_date");
        var start = sealedValue.LastIndexOf('.') + 1;
        for (var i = start; i < sealedValue.Length; i++)
        {
            var c = sealedValue[i] == 'A' ? 'B' : 'A';
            var changed = sealedValue[..i] + c + sealedValue[(i + 1)..];
            Assert.Throws<PiiUnreadableException>(() => ring.Unprotect(changed, "kyc.birth_date"));
        }
    }

    [Fact]
    public void Unprotect_RelabelledKeyId_Refused()
    {
        var ring = PiiKeyRing.Generate(Now).Rotate(Now.AddDays(1));
        var old = ring.Keys[0].Id;
        var sealedValue = ring.Protect("secret", "f");
        var relabelled = sealedValue.Replace(ring.PrimaryId, old, StringComparison.Ordinal);
        Assert.Throws<PiiUnreadableException>(() => ring.Unprotect(relabelled, "f"));
    }

    [Fact]
    public void Rotate_OldValuesStillReadAndNeedRotation()
    {
        var first = PiiKeyRing.Generate(Now);
        var old = first.Protect("Jane Doe", "holders.name");
        var second = first.Rotate(Now.AddDays(30));
        Assert.NotEqual(first.PrimaryId, second.PrimaryId);
        Assert.Equal("Jane Doe", second.Unprotect(old, "holders.name"));
        Assert.True(second.NeedsRotation(old));
        var resealed = second.Protect(second.Unprotect(old, "holders.name"), "holders.name");
        Assert.False(second.NeedsRotation(resealed));
        Assert.True(second.NeedsRotation("plain text from before encryption"));
    }

    [Fact]
    public void Retire_KeyStillInUse_ValuesBecomeUnreadable()
    {
        var first = PiiKeyRing.Generate(Now);
        var old = first.Protect("x", "f");
        var retired = first.Rotate(Now.AddDays(1)).Retire(first.PrimaryId);
        var e = Assert.Throws<PiiUnreadableException>(() => retired.Unprotect(old, "f"));
        Assert.Contains(first.PrimaryId, e.Message);
    }

    [Fact]
    public void Retire_Primary_Throws()
    {
        var ring = PiiKeyRing.Generate(Now);
        Assert.Throws<InvalidOperationException>(() => ring.Retire(ring.PrimaryId));
    }

    [Fact]
    public void ToJson_FromJson_SameKeysAndIndex()
    {
        var ring = PiiKeyRing.Generate(Now).Rotate(Now.AddDays(1));
        var sealedValue = ring.Protect("value", "f");
        var loaded = PiiKeyRing.FromJson(ring.ToJson());
        Assert.Equal(ring.PrimaryId, loaded.PrimaryId);
        Assert.Equal("value", loaded.Unprotect(sealedValue, "f"));
        Assert.Equal(ring.Index("a@b.example", "email"), loaded.Index("a@b.example", "email"));
        Assert.Equal(2, loaded.Keys.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"primary\":\"k1\",\"index_key\":\"AAAA\",\"keys\":[]}")]
    public void FromJson_Malformed_FormatException(string json) =>
        Assert.Throws<FormatException>(() => PiiKeyRing.FromJson(json));

    [Fact]
    public void Index_DependsOnValueFieldAndRing()
    {
        var ring = PiiKeyRing.Generate(Now);
        Assert.Equal(ring.Index("v", "f"), ring.Rotate(Now.AddDays(1)).Index("v", "f"));
        Assert.NotEqual(ring.Index("v", "f"), ring.Index("v", "g"));
        Assert.NotEqual(ring.Index("v", "f"), ring.Index("w", "f"));
        Assert.NotEqual(ring.Index("v", "f"), PiiKeyRing.Generate(Now).Index("v", "f"));
    }

    [Fact]
    public void ToString_NeverShowsKeyMaterial()
    {
        var ring = PiiKeyRing.Generate(Now);
        var json = ring.ToJson();
        var material = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("keys")[0].GetProperty("key").GetString()!;
        Assert.DoesNotContain(material, ring.ToString());
        Assert.DoesNotContain(material, ring.Keys[0].ToString());
    }
}
