using System.Net;
using SmallChange.Tests.Support;

namespace SmallChange.Tests.Api;

/// <summary>Errors outside the endpoints (unknown route, wrong method, wrong media type) still answer problem details.</summary>
public sealed class ProblemDetailsTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task UnknownRoute_OperatorKey_Returns404Problem()
    {
        using var r = await api.Operator.GetAsync("/v1/nothing-here");
        await Json.ExpectProblem(r, HttpStatusCode.NotFound, "resource.not_found");
    }

    [Fact]
    public async Task KnownRoute_WrongMethod_Returns405Problem()
    {
        using var r = await api.Operator.DeleteAsync("/v1/sources");
        await Json.ExpectProblem(r, HttpStatusCode.MethodNotAllowed, "request.method_not_allowed");
    }

    [Fact]
    public async Task Problem_Any_CarriesTypeInstanceAndTraceId()
    {
        using var r = await api.Operator.GetAsync($"/v1/holders/{Guid.NewGuid()}");
        var problem = await Json.ExpectProblem(r, HttpStatusCode.NotFound, "holder.not_found");
        Assert.Equal("https://smallchange.dev/problems/holder.not_found", problem.GetProperty("type").GetString());
        Assert.StartsWith("/v1/holders/", problem.GetProperty("instance").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.OptionalString("trace_id")));
        Assert.Equal("Not found", problem.GetProperty("title").GetString());
    }

    // A regression test: Problems.TitleFor once had no 405 or 415 entry, so these client errors were titled "Server error".
    [Theory]
    [InlineData("DELETE", "/v1/sources", "application/json", HttpStatusCode.MethodNotAllowed, "request.method_not_allowed", "Method not allowed")]
    [InlineData("POST", "/v1/credits", "text/plain", HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type", "Unsupported media type")]
    public async Task Problem_405Or415_IsTitledAsClientError(string method, string path, string mediaType, HttpStatusCode status, string code, string title)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json.Raw("{}", mediaType) };
        using var r = await api.Operator.SendAsync(request);
        var problem = await Json.ExpectProblem(r, status, code);
        Assert.Equal(title, problem.GetProperty("title").GetString());
    }
}
