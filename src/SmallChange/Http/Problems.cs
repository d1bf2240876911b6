using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmallChange.Core.Common;

namespace SmallChange.Http;

/// <summary>
/// The one place where errors become HTTP: RFC 9457 problem details with a stable <c>code</c> extension.
/// The status is chosen from the code's family.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "https://smallchange.dev/problems/";

    public static int StatusFor(string code) => code switch
    {
        _ when code.EndsWith(".not_found", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
        _ when code.EndsWith(".conflict", StringComparison.Ordinal) => StatusCodes.Status409Conflict,
        "auth.unauthenticated" => StatusCodes.Status401Unauthorized,
        "webhook.signature_missing" or "webhook.signature_invalid" or "webhook.timestamp_invalid" or "webhook.timestamp_out_of_window" => StatusCodes.Status401Unauthorized,
        "webhook.replayed" => StatusCodes.Status409Conflict,
        "auth.forbidden" => StatusCodes.Status404NotFound, // an unauthorized read answers not found
        "funds.insufficient" => StatusCodes.Status422UnprocessableEntity,
        "kyc.pending_exists" or "kyc.already_decided" or "kyc.tier_already_held" => StatusCodes.Status409Conflict,
        "destination.cooling_off" or "destination.cancelled" => StatusCodes.Status409Conflict,
        "auto_cashout.destination_unknown" or "auto_cashout.destination_cancelled" or "auto_cashout.method_mismatch" => StatusCodes.Status422UnprocessableEntity,
        "invite.account_exists" or "invite.email_taken" or "invite.holder_not_active" => StatusCodes.Status409Conflict,
        _ when code.StartsWith("quote.", StringComparison.Ordinal) => StatusCodes.Status422UnprocessableEntity,
        _ when code.StartsWith("limit.", StringComparison.Ordinal) => StatusCodes.Status422UnprocessableEntity,
        "request.too_large" => StatusCodes.Status413PayloadTooLarge,
        "rate.limited" => StatusCodes.Status429TooManyRequests,
        "server.unavailable" or "server.write_unconfirmed" => StatusCodes.Status503ServiceUnavailable,
        "server.error" => StatusCodes.Status500InternalServerError,
        _ => StatusCodes.Status400BadRequest,
    };

    public static ProblemDetails Create(Error error, int? status = null, HttpContext? http = null)
    {
        var s = status ?? StatusFor(error.Code);
        var p = new ProblemDetails
        {
            Type = TypePrefix + error.Code,
            Title = TitleFor(s),
            Status = s,
            Detail = error.Message,
            Instance = http?.Request.Path.Value,
        };
        p.Extensions["code"] = error.Code;
        if (error.Field is not null)
        {
            p.Extensions["field"] = error.Field;
        }

        if (http is not null)
        {
            p.Extensions["trace_id"] = http.TraceIdentifier;
        }

        return p;
    }

    public static ProblemHttpResult Result(Error error, HttpContext? http = null) => TypedResults.Problem(Create(error, null, http));

    public static ProblemHttpResult Result(string code, string message, string? field = null, HttpContext? http = null) =>
        Result(new Error(code, message, field), http);

    private static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthenticated",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Request too large",
        415 => "Unsupported media type",
        422 => "Unprocessable",
        429 => "Too many requests",
        503 => "Service unavailable",
        >= 500 => "Server error",
        _ => "Client error",
    };
}
