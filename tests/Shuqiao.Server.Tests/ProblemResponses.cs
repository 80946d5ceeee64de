using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shuqiao.Server.Tests;

/// <summary>Assertions on RFC 9457 problem responses (<c>application/problem+json</c> with <c>errors: { field: [reason] }</c>).</summary>
internal static class ProblemResponses
{
    /// <summary>Asserts a problem document with <paramref name="status"/> and returns it.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a problem with <paramref name="status"/> naming <paramref name="field"/> in <c>errors</c>; returns its reasons.</summary>
    public static async Task<string[]> AssertFieldErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var problem = await response.AssertProblemAsync(status);
        Assert.True(problem.TryGetProperty("errors", out var errors), $"no 'errors' in {problem}");
        Assert.True(errors.TryGetProperty(field, out var reasons), $"'errors' does not name '{field}': {errors}");
        var texts = reasons.EnumerateArray().Select(r => r.GetString() ?? "").ToArray();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        return texts;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
