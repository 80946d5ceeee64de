using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Shuqiao.Server.Console.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
