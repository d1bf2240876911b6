using System.Net;

namespace SmallChange.Portal;

/// <summary>
/// Error pages for the portal: a request outside the API (<c>/v1</c>, <c>/openapi</c>, <c>/health</c>) that ends in
/// an error status without a body gets a short HTML page in the portal's style instead of the API's problem details.
/// </summary>
public static class PortalStatusPages
{
    /// <summary>True for paths the portal serves (everything but the API, its document and the health check).</summary>
    public static bool IsPortalPath(PathString path) =>
        !path.StartsWithSegments("/v1") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/health");

    public static async Task Write(HttpContext http, int status, CancellationToken ct = default)
    {
        var (title, text) = status switch
        {
            400 => ("The form could not be accepted", "It may have expired or not come from this site. Go back, reload the page and try again."),
            403 or 404 => ("Page not found", "There is no page at this address."),
            405 => ("Not allowed", "This page cannot be used that way."),
            429 => ("Too many attempts", "Please wait a minute before trying again."),
            _ => ("Something went wrong", "Please try again later."),
        };
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<title>{WebUtility.HtmlEncode(title)} – SmallChange</title><link rel=\"stylesheet\" href=\"/assets/site.css\"></head>" +
            $"<body><main id=\"main\" class=\"page\"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(text)}</p>" +
            "<p><a href=\"/\">Go to the start page</a></p></main></body></html>", ct);
    }
}
