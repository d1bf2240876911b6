using System.Text;
using SmallChange.Adapters.Lists;

namespace SmallChange.Adapters.Tests.Lists;

internal static class ListsTestData
{
    /// <summary>testdata/sanctions in the repository (found by walking up from the test binaries).</summary>
    public static string Folder =>
        SanctionsListFolder.FindDefault(AppContext.BaseDirectory) ?? throw new InvalidOperationException("testdata/sanctions not found");

    public static ListSourceFile File(string name, string text) => new(name, Encoding.UTF8.GetBytes(text));
}
