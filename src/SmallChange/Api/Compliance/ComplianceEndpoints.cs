using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Api.Sources;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Aml;
using SmallChange.Core.Compliance.Cases;
using SmallChange.Core.Compliance.Reports;
using SmallChange.Core.Ports;
using SmallChange.Http;

namespace SmallChange.Api.Compliance;

public sealed record FigureDto(string Name, string Value);

public sealed record SubjectDto(string Kind, Guid Id);

public sealed record AlertResponse(
    Guid Id,
    Guid HolderId,
    Guid CaseId,
    string RuleId,
    int RuleVersion,
    string Outcome,
    string Explanation,
    IReadOnlyList<FigureDto> Figures,
    SubjectDto Subject,
    string CreatedAt)
{
    public static AlertResponse From(Alert a) => new(
        a.Id.Value, a.Holder.Value, a.Case.Value, a.RuleId, a.RuleVersion, a.Outcome.ToWire(), a.Explanation,
        a.Figures.Select(f => new FigureDto(f.Name, f.Value)).ToList(), new SubjectDto(a.Subject.Kind.ToWire(), a.Subject.Id), Wire.Time(a.CreatedAt));
}

public sealed record CaseResponse(
    Guid Id,
    string Reference,
    Guid HolderId,
    string Status,
    string? Assignee,
    int AlertCount,
    string? Decision,
    string? DecisionReason,
    string? DecidedBy,
    string? DecidedAt,
    string CreatedAt,
    string UpdatedAt)
{
    public static CaseResponse From(Case c) => new(
        c.Id.Value, c.Id.Reference, c.Holder.Value, c.Status.ToWire(), c.Assignee, c.AlertCount, c.Decision?.ToWire(), c.DecisionReason, c.DecidedBy,
        c.DecidedAt is { } d ? Wire.Time(d) : null, Wire.Time(c.CreatedAt), Wire.Time(c.UpdatedAt));
}

public sealed record CaseEventDto(int Sequence, string Action, string Actor, string? Detail, string At)
{
    public static CaseEventDto From(CaseEvent e) => new(e.Sequence, e.Action.ToWire(), e.Actor, e.Detail, Wire.Time(e.At));
}

/// <summary>A case with its alerts (oldest first) and its whole audit trail.</summary>
public sealed record CaseDetailResponse(CaseResponse Case, IReadOnlyList<AlertResponse> Alerts, IReadOnlyList<CaseEventDto> Events);

public sealed record ReportResponse(
    Guid Id,
    string Kind,
    string Reference,
    Guid HolderId,
    string Profile,
    Guid? CaseId,
    string PeriodFrom,
    string PeriodTo,
    MoneyDto Amount,
    int TransactionCount,
    string Status,
    int Revision,
    IReadOnlyList<string> Formats,
    string CreatedAt,
    string UpdatedAt)
{
    public static ReportResponse From(StoredReport r) => new(
        r.Id.Value, r.Kind.ToWire(), r.Reference, r.Holder.Value, r.ProfileId, r.Case?.Value, r.PeriodFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        r.PeriodTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), MoneyDto.From(r.Amount), r.TransactionCount, r.Status.ToWire(), r.Revision,
        r.Formats, Wire.Time(r.CreatedAt), Wire.Time(r.UpdatedAt));
}

/// <param name="PendingApproval">A release above the four-eyes threshold: the request waiting for a second staff member (the case stays open).</param>
public sealed record DecisionResponse(CaseResponse Case, IReadOnlyList<Guid> ReleasedCashouts, IReadOnlyList<Guid> RejectedCashouts, ReportResponse? Report,
    ApprovalResponse? PendingApproval = null);

public sealed record DecisionDto(string RuleId, int RuleVersion, string Outcome, string Explanation, IReadOnlyList<FigureDto> Figures);

public sealed record EvaluationResponse(string Outcome, string EvaluatedAt, IReadOnlyList<DecisionDto> Decisions)
{
    public static EvaluationResponse From(AmlEvaluation e) => new(e.Outcome.ToWire(), Wire.Time(e.EvaluatedAt),
        e.Decisions.Select(d => new DecisionDto(d.RuleId, d.RuleVersion, d.Outcome.ToWire(), d.Explanation, d.Figures.Select(f => new FigureDto(f.Name, f.Value)).ToList())).ToList());
}

/// <param name="Officer">Optional: the officer acting, recorded in the audit trail with the API key.</param>
public sealed record AssignRequest(string? Assignee, string? Officer);

public sealed record NoteRequest(string? Text, string? Officer);

public sealed record DecideRequest(string? Decision, string? Reason, string? Officer);

public sealed record FundingRequest(string? Funding);

public sealed record FundingResponse(Guid SourceId, string Funding);

/// <summary>
/// The compliance API (operator key): alerts, cases and their audit trail, the archive of AML decisions per cash-out,
/// regulatory reports and their documents, and what funds each source's credits. Every action on a case records its
/// actor: the API key, and the officer named in the request when one is.
/// </summary>
public static class ComplianceEndpoints
{
    public static RouteGroupBuilder MapCompliance(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/compliance").WithTags("Compliance").RequireAuthorization(Policies.Operator);
        g.MapGet("/alerts", ListAlerts);
        g.MapGet("/alerts/{id:guid}", GetAlert);
        g.MapGet("/cases", ListCases);
        g.MapGet("/cases/{id:guid}", GetCase);
        g.MapPost("/cases/{id:guid}/assign", Assign);
        g.MapPost("/cases/{id:guid}/notes", Note);
        g.MapPost("/cases/{id:guid}/decision", Decide);
        g.MapGet("/cashouts/{id:guid}/decisions", CashoutDecisions);
        g.MapGet("/reports", ListReports);
        g.MapGet("/reports/{id:guid}", GetReport);
        g.MapGet("/reports/{id:guid}/files/{format}", GetReportFile);
        g.MapPost("/reports/{id:guid}/filed", MarkFiled);
        g.MapPut("/sources/{id:guid}/funding", SetFunding);
        return v1;
    }

    /// <summary>Alerts newest first; filters: holder_id, case_id, rule_id, outcome (hold, reject), since and until (ISO 8601).</summary>
    private static async Task<Results<Ok<ListResponse<AlertResponse>>, ProblemHttpResult>> ListAlerts(
        [FromQuery(Name = "holder_id")] Guid? holderId, [FromQuery(Name = "case_id")] Guid? caseId, [FromQuery(Name = "rule_id")] string? ruleId, string? outcome,
        DateTimeOffset? since, DateTimeOffset? until, string? cursor, int? limit, IStore store, HttpContext http)
    {
        AmlOutcome? o = null;
        if (outcome is not null && (o = AmlOutcomes.FromWire(outcome)) is null)
        {
            return Problems.Result("alert.outcome_invalid", "outcome is allow, hold or reject.", "outcome", http);
        }

        var filter = new AlertFilter(holderId is { } h ? new HolderId(h) : null, caseId is { } c ? new CaseId(c) : null, ruleId, o, since, until);
        var page = await store.ReadAsync(r => r.ListAlerts(filter, cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<AlertResponse>(page.Items.Select(AlertResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlert(Guid id, IStore store, HttpContext http)
    {
        var a = await store.ReadAsync(r => r.GetAlert(new AlertId(id)), http.RequestAborted);
        return a is null ? Problems.Result("alert.not_found", "No such alert.", http: http) : TypedResults.Ok(AlertResponse.From(a));
    }

    /// <summary>Cases newest first; filters: holder_id, status (open, closed), assignee.</summary>
    private static async Task<Results<Ok<ListResponse<CaseResponse>>, ProblemHttpResult>> ListCases(
        [FromQuery(Name = "holder_id")] Guid? holderId, string? status, string? assignee, string? cursor, int? limit, IStore store, HttpContext http)
    {
        CaseStatus? s = null;
        if (status is not null && (s = CaseWire.StatusFromWire(status)) is null)
        {
            return Problems.Result("case.status_invalid", "status is open or closed.", "status", http);
        }

        var page = await store.ReadAsync(r => r.ListCases(new CaseFilter(holderId is { } h ? new HolderId(h) : null, s, assignee), cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<CaseResponse>(page.Items.Select(CaseResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<CaseDetailResponse>, ProblemHttpResult>> GetCase(Guid id, IStore store, HttpContext http)
    {
        var detail = await store.ReadAsync(async r =>
        {
            var c = await r.GetCase(new CaseId(id));
            return c is null ? null : new CaseDetailResponse(CaseResponse.From(c), (await CaseService.AllAlerts(r, c.Id)).Select(AlertResponse.From).ToList(),
                (await r.ListCaseEvents(c.Id)).Select(CaseEventDto.From).ToList());
        }, http.RequestAborted);
        return detail is null ? Problems.Result("case.not_found", "No such case.", http: http) : TypedResults.Ok(detail);
    }

    private static async Task<Results<Ok<CaseResponse>, ProblemHttpResult>> Assign(Guid id, AssignRequest body, CaseService cases, HttpContext http)
    {
        var r = await cases.Assign(new CaseId(id), body.Assignee, Actor(http.User, body.Officer), http.RequestAborted);
        return r.TryGet(out var c, out var err) ? TypedResults.Ok(CaseResponse.From(c)) : Problems.Result(err, http);
    }

    private static async Task<Results<Created<CaseEventDto>, ProblemHttpResult>> Note(Guid id, NoteRequest body, CaseService cases, HttpContext http)
    {
        var r = await cases.Note(new CaseId(id), body.Text, Actor(http.User, body.Officer), http.RequestAborted);
        return r.TryGet(out var e, out var err) ? TypedResults.Created($"/v1/compliance/cases/{id}", CaseEventDto.From(e)) : Problems.Result(err, http);
    }

    /// <summary>
    /// Decides an open case: <c>release</c> sends its held cash-outs to their providers; <c>reject</c> refuses them and returns
    /// the held funds; <c>file_report</c> files a suspicious activity report (the reason is its narrative) and refuses them.
    /// A closed case answers 409. Four-eyes: a release of a case holding a cash-out above the threshold answers 202 with the
    /// pending request; the release happens when a staff member other than the requester approves it in the console.
    /// </summary>
    private static async Task<Results<Ok<DecisionResponse>, Accepted<DecisionResponse>, ProblemHttpResult>> Decide(Guid id, DecideRequest body, CaseService cases, HttpContext http)
    {
        if (CaseWire.DecisionFromWire(body.Decision) is not { } decision)
        {
            return Problems.Result("case.decision_invalid", "decision is release, reject or file_report.", "decision", http);
        }

        var r = await cases.Decide(new CaseId(id), decision, body.Reason, Actor(http.User, body.Officer), http.RequestAborted);
        if (!r.TryGet(out var d, out var err))
        {
            return Problems.Result(err, http);
        }

        var response = new DecisionResponse(CaseResponse.From(d.Case), d.Released.Select(x => x.Value).ToList(), d.Rejected.Select(x => x.Value).ToList(),
            d.Report is null ? null : ReportResponse.From(d.Report), d.PendingApproval is null ? null : ApprovalResponse.From(d.PendingApproval));
        return d.PendingApproval is { } pending
            ? TypedResults.Accepted($"/v1/compliance/approvals/{pending.Id}", response)
            : TypedResults.Ok(response);
    }

    /// <summary>Every AML evaluation of a cash-out: each rule's id, version, outcome, explanation and the figures it saw.</summary>
    private static async Task<Results<Ok<IReadOnlyList<EvaluationResponse>>, ProblemHttpResult>> CashoutDecisions(Guid id, IStore store, HttpContext http)
    {
        var found = await store.ReadAsync(async r => await r.GetCashout(new CashoutId(id)) is null
            ? null
            : await r.ListAmlEvaluations(AlertSubject.Of(new CashoutId(id))), http.RequestAborted);
        return found is null
            ? Problems.Result("cashout.not_found", "No such cash-out.", http: http)
            : TypedResults.Ok<IReadOnlyList<EvaluationResponse>>(found.Select(EvaluationResponse.From).ToList());
    }

    /// <summary>Reports newest first; filters: kind (ctr, sar), holder_id, status (ready, filed).</summary>
    private static async Task<Results<Ok<ListResponse<ReportResponse>>, ProblemHttpResult>> ListReports(
        string? kind, [FromQuery(Name = "holder_id")] Guid? holderId, string? status, string? cursor, int? limit, IStore store, HttpContext http)
    {
        ReportKind? k = null;
        if (kind is not null && (k = ReportWire.KindFromWire(kind)) is null)
        {
            return Problems.Result("report.kind_invalid", "kind is ctr or sar.", "kind", http);
        }

        ReportStatus? s = null;
        if (status is not null && (s = ReportWire.StatusFromWire(status)) is null)
        {
            return Problems.Result("report.status_invalid", "status is ready or filed.", "status", http);
        }

        var page = await store.ReadAsync(r => r.ListReports(new ReportFilter(k, holderId is { } h ? new HolderId(h) : null, s), cursor, Paging.Limit(limit)), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<ReportResponse>(page.Items.Select(ReportResponse.From).ToList(), page.NextCursor));
    }

    private static async Task<Results<Ok<ReportResponse>, ProblemHttpResult>> GetReport(Guid id, IStore store, HttpContext http)
    {
        var report = await store.ReadAsync(r => r.GetReport(new ReportId(id)), http.RequestAborted);
        return report is null ? Problems.Result("report.not_found", "No such report.", http: http) : TypedResults.Ok(ReportResponse.From(report));
    }

    /// <summary>A report's document as generated: <c>csv</c>, or <c>fincen-bsa-xml</c> for US-dollar reports. Personal data.</summary>
    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetReportFile(Guid id, string format, IStore store, HttpContext http)
    {
        var file = await store.ReadAsync(r => r.GetReportFile(new ReportId(id), format), http.RequestAborted);
        if (file is null)
        {
            return Problems.Result("report.not_found", "No such report, or none in this format (csv, fincen-bsa-xml).", "format", http);
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(file.Content, file.MediaType, file.FileName);
    }

    /// <summary>Records that a ready report was sent to the regulator: it is frozen from then on.</summary>
    private static async Task<Results<Ok<ReportResponse>, ProblemHttpResult>> MarkFiled(Guid id, IStore store, TimeProvider clock, HttpContext http)
    {
        var result = await store.WriteAsync<Result<StoredReport>>(async tx =>
        {
            if (await tx.GetReport(new ReportId(id)) is null)
            {
                return new Error("report.not_found", "No such report.");
            }

            return await tx.MarkReportFiled(new ReportId(id), clock.GetUtcNow())
                ? (await tx.GetReport(new ReportId(id)))!
                : new Error("report.conflict", "The report was filed already.");
        }, http.RequestAborted);
        return result.TryGet(out var report, out var err) ? TypedResults.Ok(ReportResponse.From(report)) : Problems.Result(err, http);
    }

    /// <summary>Declares what pays for the value a source credits (balance, carrier_billing, card or unknown): credit cycling reads it.</summary>
    private static async Task<Results<Ok<FundingResponse>, ProblemHttpResult>> SetFunding(Guid id, FundingRequest body, IStore store, TimeProvider clock, HttpContext http)
    {
        if (CreditFundings.FromWire(body.Funding) is not { } funding)
        {
            return Problems.Result("source.funding_invalid", "funding is balance, carrier_billing, card or unknown.", "funding", http);
        }

        var found = await store.WriteAsync(async tx =>
        {
            if (await tx.GetSource(new SourceId(id)) is null)
            {
                return false;
            }

            await tx.SetSourceFunding(new SourceId(id), funding, clock.GetUtcNow());
            return true;
        }, http.RequestAborted);
        return found ? TypedResults.Ok(new FundingResponse(id, funding.ToWire())) : Problems.Result("source.not_found", "No such source.", http: http);
    }

    /// <summary>The audit trail's actor: the API key's id, and the officer the request names.</summary>
    internal static string Actor(ClaimsPrincipal user, string? officer)
    {
        var key = "key:" + (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown");
        officer = officer?.Trim();
        return string.IsNullOrEmpty(officer) ? key : $"{officer} ({key})";
    }
}
