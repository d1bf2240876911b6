namespace SmallChange.Adapters.Storage;

/// <summary>
/// How an endpoint's event types are stored: <c>*</c> for every type, otherwise each type with a comma on both sides
/// (<c>,cashout.paid,cashout.failed,</c>), so one substring test of <c>,TYPE,</c> finds a subscription in SQL.
/// </summary>
internal static class WebhookEventList
{
    public static string ToColumn(IReadOnlyList<string> events) => events is ["*"] ? "*" : "," + string.Join(",", events) + ",";

    public static IReadOnlyList<string> FromColumn(string column) => column == "*" ? ["*"] : column.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
