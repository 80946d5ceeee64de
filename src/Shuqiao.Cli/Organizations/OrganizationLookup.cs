namespace Shuqiao.Cli.Organizations;

/// <summary>Finds an organization's id from its 统一社会信用代码 (GET /api/v1/organizations/by-code/{code}).</summary>
internal static class OrganizationLookup
{
    public static async Task<(Guid? Id, int ExitCode)> ByCodeAsync(CliContext cli, ShuqiaoHttp http, string code, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync($"api/v1/organizations/by-code/{Uri.EscapeDataString(code.Trim().ToUpperInvariant())}", cancellationToken);
        if (response is null)
        {
            return (null, ExitCodes.Unavailable);
        }

        if (response.Status == System.Net.HttpStatusCode.NotFound)
        {
            return (null, cli.Fail(ExitCodes.Failed, $"no organization has the code {code} on {ShuqiaoHttp.Key(http.Server)}"));
        }

        if (!response.IsSuccess)
        {
            return (null, http.Refused(response));
        }

        return Guid.TryParse(response.Json?.String("id"), out var id)
            ? (id, ExitCodes.Ok)
            : (null, cli.Fail(ExitCodes.Failed, "the server's answer for the organization has no id"));
    }
}
