using System.Runtime.CompilerServices;
using SmallChange.Core.Ports;

namespace SmallChange.Adapters.Storage;

/// <summary>Helpers both stores share: pages of limit + 1 rows, and invariants that only a bug can break.</summary>
internal static class StoreChecks
{
    /// <summary>A page from <paramref name="list"/> read with limit + 1 rows: the extra row only says there is a next page.</summary>
    public static Page<T> PageOf<T>(List<T> list, int limit, Func<T, string> cursorOf)
    {
        if (list.Count > limit)
        {
            list.RemoveAt(list.Count - 1);
            return new Page<T>(list, cursorOf(list[^1]));
        }

        return new Page<T>(list, null);
    }

    /// <summary>Throws when a store invariant is broken (a bug, never an expected outcome).</summary>
    public static void Require(bool condition, string what, [CallerMemberName] string caller = "")
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Store invariant broken in {caller}: {what}.");
        }
    }
}
