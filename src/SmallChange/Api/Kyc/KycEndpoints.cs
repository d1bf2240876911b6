using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Api.Sources;
using SmallChange.Core.Common;
using SmallChange.Core.Compliance.Kyc;
using SmallChange.Core.Ports;
using SmallChange.Hosting;
using SmallChange.Http;

namespace SmallChange.Api.Kyc;

/// <summary>A postal address as submitted. Personal data: <see cref="ToString"/> redacts.</summary>
public sealed record AddressBody(string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country)
{
    public override string ToString() => $"AddressBody {{ [redacted], Country = {Country} }}";
}

/// <summary>Identity data a holder submits (through the operator) for a target tier. Personal data: never logged.</summary>
public sealed record KycSubmitBody(
    int? TargetTier,
    string? LegalName,
    string? DateOfBirth,
    string? Nationality,
    AddressBody? Address,
    string? DocumentType,
    string? DocumentNumber,
    string? DocumentCountry,
    string? SourceOfFunds)
{
    public override string ToString() => "KycSubmitBody { [redacted] }";
}

public sealed record KycDecisionBody(string? Decision, string? Reason);

/// <summary>A postal address as shown. Personal data: <see cref="ToString"/> redacts.</summary>
public sealed record AddressDto(string Line1, string? Line2, string City, string? Region, string? PostalCode, string Country)
{
    public override string ToString() => $"AddressDto {{ [redacted], Country = {Country} }}";
}

/// <summary>The identity as shown: in full on a single submission for the officer deciding it, with the document number masked in lists.</summary>
public sealed record IdentityDto(
    string LegalName,
    string DateOfBirth,
    string Nationality,
    AddressDto Address,
    string DocumentType,
    string DocumentNumber,
    string DocumentCountry,
    string? SourceOfFunds)
{
    public static IdentityDto From(IdentityData d, bool masked) => new(
        d.LegalName.Value, d.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Nationality,
        new AddressDto(d.Address.Line1, d.Address.Line2, d.Address.City, d.Address.Region, d.Address.PostalCode, d.Address.Country),
        d.DocumentType.ToWireName(), masked ? d.MaskedDocumentNumber : d.DocumentNumber, d.DocumentCountry, d.SourceOfFunds);

    public override string ToString() => $"IdentityDto {{ [redacted], DocumentType = {DocumentType} }}";
}

public sealed record KycEventDto(int Sequence, Guid? SubmissionId, string Action, string Actor, string? Reason, int? TierFrom, int? TierTo, string At)
{
    public static KycEventDto From(KycEvent e) =>
        new(e.Sequence, e.Submission?.Value, e.Action.ToWire(), e.Actor, e.Reason, e.TierFrom, e.TierTo, Wire.Time(e.At));
}

public sealed record KycSubmissionResponse(
    Guid Id,
    Guid HolderId,
    int TargetTier,
    string Status,
    string Verifier,
    string SubmittedBy,
    string SubmittedAt,
    string? DecidedBy,
    string? DecidedAt,
    string? DecisionReason,
    IdentityDto Identity,
    IReadOnlyList<KycEventDto>? Events = null,
    bool? Replayed = null)
{
    public static KycSubmissionResponse From(KycSubmission s, bool maskDocument, IReadOnlyList<KycEvent>? events = null, bool? replayed = null) => new(
        s.Id.Value, s.Holder.Value, s.TargetTier, s.Status.ToWire(), s.Verifier, s.SubmittedBy, Wire.Time(s.SubmittedAt), s.DecidedBy,
        s.DecidedAt is { } d ? Wire.Time(d) : null, s.DecisionReason, IdentityDto.From(s.Identity, maskDocument), events?.Select(KycEventDto.From).ToList(), replayed);
}

/// <summary>A holder's KYC: the current tier, every submission (newest last) and the whole history.</summary>
public sealed record HolderKycResponse(Guid HolderId, int KycTier, IReadOnlyList<KycSubmissionResponse> Submissions, IReadOnlyList<KycEventDto> History);

public static class KycEndpoints
{
    /// <summary>
    /// KYC review: the configured identity verifier (<c>SmallChange:Kyc:Verifier</c>: <c>manual</c>, the officers' queue,
    /// by default; <c>sandbox</c>, the <see cref="SandboxIdentityVerifier"/> that decides at once by fixed rules, by default
    /// under <c>serve --demo</c> only) and the service. An adapter for an external provider registers another
    /// <see cref="IIdentityVerifier"/>.
    /// </summary>
    public static IServiceCollection AddKyc(this IServiceCollection services)
    {
        services.AddSingleton<IIdentityVerifier, ManualReviewQueue>();
        services.AddSingleton<IIdentityVerifier, SandboxIdentityVerifier>();
        services.AddSingleton(sp =>
        {
            var fallback = sp.GetService<ServeOptions>()?.Demo == true ? SandboxIdentityVerifier.VerifierName : ManualReviewQueue.VerifierName;
            var name = sp.GetRequiredService<IConfiguration>()["SmallChange:Kyc:Verifier"] is { Length: > 0 } n ? n : fallback;
            var verifiers = sp.GetServices<IIdentityVerifier>().ToList();
            var verifier = verifiers.LastOrDefault(v => v.Name == name)
                ?? throw new ConfigurationException($"SmallChange:Kyc:Verifier names '{name}', but the identity verifiers are: {string.Join(", ", verifiers.Select(v => v.Name))}.");
            return new KycService(sp.GetRequiredService<IStore>(), verifier, sp.GetRequiredService<TimeProvider>());
        });
        return services;
    }

    public static RouteGroupBuilder MapKyc(this RouteGroupBuilder v1)
    {
        var holders = v1.MapGroup("/holders").WithTags("KYC").RequireAuthorization(Policies.Operator);
        holders.MapPost("/{id:guid}/kyc", Submit);
        holders.MapGet("/{id:guid}/kyc", HolderKyc);
        var officers = v1.MapGroup("/compliance/kyc").WithTags("KYC").RequireAuthorization(Policies.Operator);
        officers.MapGet("/queue", Queue);
        officers.MapGet("/{id:guid}", Get);
        officers.MapPost("/{id:guid}/decision", Decide);
        return v1;
    }

    /// <summary>Who is acting, as recorded in the KYC history: the API key.</summary>
    public static string Actor(ClaimsPrincipal user) => "api-key:" + (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown");

    /// <summary>
    /// Submits identity data on behalf of a holder for a target tier (1 verified identity, 2 enhanced due diligence, which
    /// also needs source_of_funds). Requires an <c>Idempotency-Key</c>: a replay answers 200 with the original. 201 with
    /// the submission: pending in the review queue, or already decided when an external verifier decided.
    /// </summary>
    private static async Task<Results<Created<KycSubmissionResponse>, Ok<KycSubmissionResponse>, ProblemHttpResult>> Submit(
        Guid id, KycSubmitBody body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, KycService kyc, HttpContext http)
    {
        if (string.IsNullOrEmpty(idempotencyKey))
        {
            return Problems.Result("idempotency.key_missing", "Send an Idempotency-Key header (for example a UUID) so a retry cannot submit twice.", "Idempotency-Key", http);
        }

        if (body.TargetTier is not { } tier)
        {
            return Problems.Result("kyc.tier_invalid", "target_tier is 1 (verified identity) or 2 (enhanced due diligence).", "target_tier", http);
        }

        var a = body.Address;
        var input = new IdentityInput(body.LegalName, body.DateOfBirth, body.Nationality,
            a is null ? null : new AddressInput(a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country),
            body.DocumentType, body.DocumentNumber, body.DocumentCountry, body.SourceOfFunds);
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { v = 1, holder = id, body }));
        var result = await kyc.Submit(new HolderId(id), tier, input, Actor(http.User), idempotencyKey, hash, http.RequestAborted);
        if (!result.TryGet(out var r, out var error))
        {
            return Problems.Result(error, http);
        }

        var dto = KycSubmissionResponse.From(r.Submission, maskDocument: true, replayed: r.Replayed);
        return r.Replayed ? TypedResults.Ok(dto) : TypedResults.Created($"/v1/compliance/kyc/{r.Submission.Id}", dto);
    }

    private static async Task<Results<Ok<HolderKycResponse>, ProblemHttpResult>> HolderKyc(Guid id, IStore store, HttpContext http)
    {
        var holder = new HolderId(id);
        var found = await store.ReadAsync<HolderKycResponse?>(async r =>
        {
            if (await r.GetHolder(holder) is not { } h)
            {
                return null;
            }

            var submissions = new List<KycSubmission>();
            string? cursor = null;
            do
            {
                var page = await r.ListKycSubmissions(null, holder, cursor, Paging.Max);
                submissions.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);

            var history = await r.ListKycEvents(holder, null);
            return new HolderKycResponse(id, h.KycTier, submissions.Select(s => KycSubmissionResponse.From(s, maskDocument: true)).ToList(), history.Select(KycEventDto.From).ToList());
        }, http.RequestAborted);
        return found is null ? Problems.Result("holder.not_found", "No such holder.", http: http) : TypedResults.Ok(found);
    }

    /// <summary>The review queue: submissions waiting for an officer, oldest first, document numbers masked.</summary>
    private static async Task<Ok<ListResponse<KycSubmissionResponse>>> Queue(string? cursor, int? limit, KycService kyc, HttpContext http)
    {
        var page = await kyc.Queue(cursor, Paging.Limit(limit), http.RequestAborted);
        return TypedResults.Ok(new ListResponse<KycSubmissionResponse>(page.Items.Select(s => KycSubmissionResponse.From(s, maskDocument: true)).ToList(), page.NextCursor));
    }

    /// <summary>One submission in full, for the officer deciding it, with every step recorded so far.</summary>
    private static async Task<Results<Ok<KycSubmissionResponse>, ProblemHttpResult>> Get(Guid id, KycService kyc, HttpContext http)
    {
        var found = await kyc.Get(new KycSubmissionId(id), http.RequestAborted);
        return found is { } f
            ? TypedResults.Ok(KycSubmissionResponse.From(f.Submission, maskDocument: false, f.Events))
            : Problems.Result("kyc.not_found", "No such KYC submission.", http: http);
    }

    /// <summary>
    /// An officer's decision: <c>approve</c> (raises the holder's tier to the target) or <c>reject</c>, with a reason.
    /// The same decision and reason again answers 200 with the stored one; anything else on a decided submission is 409.
    /// </summary>
    private static async Task<Results<Ok<KycSubmissionResponse>, ProblemHttpResult>> Decide(Guid id, KycDecisionBody body, KycService kyc, HttpContext http)
    {
        if (KycWire.DecisionFromWire(body.Decision?.Trim()) is not { } decision)
        {
            return Problems.Result("kyc.decision_invalid", "decision is approve or reject.", "decision", http);
        }

        var result = await kyc.Decide(new KycSubmissionId(id), decision, body.Reason, Actor(http.User), http.RequestAborted);
        if (!result.TryGet(out var r, out var error))
        {
            return Problems.Result(error, http);
        }

        var events = await kyc.Get(r.Submission.Id, http.RequestAborted);
        return TypedResults.Ok(KycSubmissionResponse.From(r.Submission, maskDocument: false, events?.Events, r.Replayed));
    }
}
