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

    // Known bug (reported): Problems.TitleFor has no 405 or 415 entry, so client errors are titled "Server error".
    [Theory(Skip = "Bug: 405 and 415 problems are titled \"Server error\" (Problems.TitleFor falls through to its default)")]
    [InlineData("DELETE", "/v1/sources", "application/json")]
    [InlineData("POST", "/v1/credits", "text/plain")]
    public async Task Problem_405Or415_IsNotTitledServerError(string method, string path, string mediaType)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json.Raw("{}", mediaType) };
        using var r = await api.Operator.SendAsync(request);
        var problem = await Json.Expect(r, r.StatusCode);
        Assert.True((int)r.StatusCode is 405 or 415);
        Assert.NotEqual("Server error", problem.GetProperty("title").GetString());
    }
}
