using Microsoft.AspNetCore.Http.HttpResults;
using SmallChange.Core.Ports;
using SmallChange.Core.Staff;
using SmallChange.Api.Sources;
using SmallChange.Http;

namespace SmallChange.Api.Compliance;

/// <summary>A four-eyes request as the API shows it: what, who asked and why, and who decided it, when.</summary>
public sealed record ApprovalResponse(
    Guid Id,
    string Kind,
    string Subject,
    string Summary,
    string Status,
    string RequestedBy,
    string Reason,
    string RequestedAt,
    string? DecidedBy,
    string? DecisionNote,
    string? DecidedAt)
{
    public static ApprovalResponse From(Approval a) => new(
        a.Id.Value, a.Kind.ToWire(), a.Subject, a.Summary, a.Status.ToWire(), a.RequestedByDisplay, a.Reason, Wire.Time(a.RequestedAt),
        a.DecidedByDisplay, a.DecisionNote, a.DecidedAt is { } t ? Wire.Time(t) : null);
}

/// <summary>
/// Four-eyes requests over the operator API, read-only: a release above the threshold asked for over the API (or in the
/// console) is approved only by a signed-in staff member in the console, never by an API key (docs/security.md).
/// </summary>
public static class ApprovalEndpoints
{
    public static RouteGroupBuilder MapApprovals(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/compliance/approvals").WithTags("Compliance").RequireAuthorization(Policies.Operator);
        g.MapGet("", List);
        g.MapGet("/{id:guid}", Get);
        return v1;
    }

    /// <summary>Requests newest first; filters: status (pending, approved, rejected, cancelled), kind (cashout_release, fee_schedule).</summary>
    private static async Task<Results<Ok<ListResponse<ApprovalResponse>>, ProblemHttpResult>> List(string? status, string? kind, string? cursor, int? limit, IStore store, HttpContext http)
    {
        ApprovalStatus? s = null;
        if (status is not null && (s = ApprovalWire.StatusFromWire(status)) is null)
        {
            return Problems.Result("approval.status_invalid", "status is pending, approved, rejected or cancelled.", "status", http);
        }

        ApprovalKind? k = null;
        if (kind is not null && (k = ApprovalWire.KindFromWire(kind)) is null)
        {
            return Problems.Result("approval.kind_invalid", "kind is cashout_release or fee_schedule.", "kind", http);
        }

        var page = await store.ReadAsync(r => r.ListApprovals(new ApprovalFilter(s, k), cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<ApprovalResponse>(page.Items.Select(ApprovalResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<ApprovalResponse>, ProblemHttpResult>> Get(Guid id, IStore store, HttpContext http)
    {
        var a = await store.ReadAsync(r => r.GetApproval(new ApprovalId(id)), http.RequestAborted);
        return a is null ? Problems.Result("approval.not_found", "No such request.", http: http) : TypedResults.Ok(ApprovalResponse.From(a));
    }
}
