using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Console.Pages;

/// <summary>The API reference: swagger-ui over <c>/openapi/v1.json</c>, inside the console layout.</summary>
[Authorize(Policy = Policies.ConsoleUser)]
public sealed class ApiModel : PageModel
{
    public void OnGet()
    {
    }
}
