using System.Reflection;
using System.Runtime.CompilerServices;
using SmallChange.Core.Holders;
using SmallChange.Core.Identity;

namespace SmallChange.Tests.Security;

/// <summary>
/// Every type that holds personal data redacts it in <c>ToString</c> (docs/privacy.md), so that a value logged or
/// interpolated by accident shows no name, account number, address, birth date or e-mail address. The types are found by
/// reflection over the Core, Adapters and host assemblies — by the PII value types they hold and by member names — so a
/// new request record with an <c>AccountNumber</c> is checked without anyone listing it here.
/// </summary>
public sealed class PiiRedactionTests
{
    /// <summary>Member names that are personal data wherever they appear.</summary>
    private static readonly string[] PiiMemberNames =
    [
        "AccountHolderName", "AccountNumber", "Iban", "Email", "NormalizedEmail", "DocumentNumber", "DateOfBirth", "BirthDate",
        "LegalName", "Line1", "Line2", "PostalCode", "Pan", "CardNumber", "Phone", "PhoneNumber", "NormalizedValue", "Address",
        "SourceOfFunds", "Handle",
    ];

    /// <summary>Value types that are personal data themselves (they redact; a type holding one must not print its content).</summary>
    private static readonly Type[] PiiTypes = [typeof(PersonName), typeof(EmailAddress)];

    /// <summary>Types with PII-looking members that hold no personal data, and why.</summary>
    private static readonly string[] NotPersonal =
    [
        "SmallChange.Core.Compliance.Reports.ReportFiler", // the operator's own legal name and office, as filed
        "SmallChange.Adapters.Reports.FinCen.FinCenTransmitter", // the operator as transmitter of a FinCEN batch
    ];

    private static readonly Assembly[] Assemblies =
    [
        typeof(Holder).Assembly, typeof(SmallChange.Adapters.Storage.PersonalData).Assembly, typeof(SmallChange.Hosting.StoreFactory).Assembly,
    ];

    private static bool IsPiiMember(Type declaring, string name, Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (PiiTypes.Contains(t) || PiiMemberNames.Contains(name, StringComparer.Ordinal))
        {
            return true;
        }

        // A holder's or a person's Name, and a destination's account Value.
        return (name == "Name" && t == typeof(string) && (declaring.Name.Contains("Holder", StringComparison.Ordinal) || declaring.Name.Contains("Person", StringComparison.Ordinal) || declaring.Name.Contains("SignUp", StringComparison.Ordinal)))
               || (name == "Value" && t == typeof(string) && declaring.Name.Contains("Destination", StringComparison.Ordinal));
    }

    private static IEnumerable<(FieldInfo Field, string Member)> Fields(Type type) =>
        type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Select(f => (f, MemberOf(f)));

    /// <summary>The property a backing field stands for (<c>&lt;Name&gt;k__BackingField</c>), or the field's own name.</summary>
    private static string MemberOf(FieldInfo f) =>
        f.Name.StartsWith('<') && f.Name.IndexOf('>', StringComparison.Ordinal) is var end and > 1 ? f.Name[1..end] : f.Name.TrimStart('_');

    public static IEnumerable<Type> PiiBearingTypes() =>
        Assemblies.SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract && !t.IsInterface && !t.IsEnum && !t.ContainsGenericParameters && !typeof(Delegate).IsAssignableFrom(t)
                        && !typeof(Exception).IsAssignableFrom(t) && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null
                        && !t.Name.Contains('<', StringComparison.Ordinal) && !PiiTypes.Contains(t) && !NotPersonal.Contains(t.FullName)
                        && t.Namespace?.StartsWith("SmallChange", StringComparison.Ordinal) == true
                        && !t.Namespace.Contains(".Pages", StringComparison.Ordinal) // Razor page models: never printed, hold form input for one request
                        && Fields(t).Any(f => IsPiiMember(t, f.Member, f.Field.FieldType)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    [Fact]
    public void ToString_EveryPiiBearingType_ShowsNoPlantedValue()
    {
        var types = PiiBearingTypes().ToList();
        // The discovery itself must find the types everybody knows hold personal data.
        foreach (var known in (string[])["Holder", "Destination", "ValidatedDestination", "DestinationInput", "IdentityData", "PostalAddress", "PortalUser", "IdentityInput"])
        {
            Assert.Contains(types, t => t.Name == known);
        }

        var failures = new List<string>();
        var judged = 0;
        foreach (var type in types)
        {
            var planted = new List<string>();
            var instance = Planted(type, planted, depth: 0);
            string text;
            try
            {
                text = instance.ToString() ?? "";
            }
            catch (Exception e) when (e is NullReferenceException or ArgumentException or InvalidOperationException or IndexOutOfRangeException)
            {
                // ToString read a member this test left empty: what it printed cannot be judged, and it did not print PII.
                continue;
            }

            judged++;
            foreach (var p in planted.Where(p => text.Contains(p, StringComparison.Ordinal)))
            {
                failures.Add($"{type.FullName}.ToString() shows {p}: {text}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(judged >= 15, $"only {judged} of {types.Count} PII-bearing types could be printed: {string.Join(", ", types.Select(t => t.Name))}");
    }

    /// <summary>An instance without running a constructor, every PII field set to a value of its own (collected in <paramref name="planted"/>).</summary>
    private static object Planted(Type type, List<string> planted, int depth)
    {
        var instance = RuntimeHelpers.GetUninitializedObject(type);
        foreach (var (field, member) in Fields(type))
        {
            var pii = IsPiiMember(type, member, field.FieldType);
            var ft = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
            var marker = $"planted{member}{planted.Count}x";
            object? value = null;
            if (ft == typeof(string))
            {
                value = marker;
            }
            else if (ft == typeof(PersonName))
            {
                value = new PersonName(marker);
            }
            else if (ft == typeof(EmailAddress))
            {
                value = new EmailAddress(marker + "@example.org");
            }
            else if (ft == typeof(DateOnly))
            {
                value = new DateOnly(1901, 2, 3);
                marker = "1901";
            }
            else if (depth < 2 && ft.IsClass && ft.Namespace?.StartsWith("SmallChange", StringComparison.Ordinal) == true && !ft.IsAbstract && Fields(ft).Any(f => IsPiiMember(ft, f.Member, f.Field.FieldType)))
            {
                // A nested PII-bearing object (an identity's address): its own planted values count too.
                value = Planted(ft, planted, depth + 1);
                marker = "";
            }

            if (value is not null)
            {
                field.SetValue(instance, value);
                if (pii && marker.Length > 0)
                {
                    planted.Add(marker);
                }
            }
        }

        return instance;
    }
}
