using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Shuqiao.Core.Credentials;
using Shuqiao.Server.Credentials;
using Shuqiao.Storage.Credentials;

namespace Shuqiao.Server.Portal.Pages;

/// <summary>
/// /verify: anyone (a clerk at a counter, a bank) checks a licence — pasted, uploaded, or scanned from the QR code
/// of a printed licence (which links here with ?credential=&lt;licence id&gt;) — and gets a verdict with the reasons.
/// </summary>
[AllowAnonymous]
public sealed class VerifyModel(VerificationService verification, LicenceStore licences) : PageModel
{
    [BindProperty]
    public string? Credential { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public VerificationVerdict? Verdict { get; private set; }

    public bool UnknownLicence { get; private set; }

    public async Task OnGetAsync(string? credential, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(credential))
        {
            return;
        }

        // The QR code of a printed licence carries its id: verify the credential this node holds for it.
        if (Guid.TryParse(credential.Trim(), out var id))
        {
            var json = await licences.FindCredentialAsync(id, cancellationToken);
            if (json is null)
            {
                UnknownLicence = true;
                return;
            }

            Verdict = await verification.VerifyAsync(json, VerificationChannel.Page, HttpContext, cancellationToken);
            return;
        }

        Credential = credential;
        Verdict = await verification.VerifyAsync(credential, VerificationChannel.Page, HttpContext, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var text = Credential;
        if (Upload is { Length: > 0 } file)
        {
            if (file.Length > verification.MaxCredentialBytes)
            {
                Verdict = CredentialVerifier.TooLarge(verification.MaxCredentialBytes);
                return Page();
            }

            using var reader = new StreamReader(file.OpenReadStream());
            text = await reader.ReadToEndAsync(cancellationToken);
        }

        Verdict = await verification.VerifyAsync(text, VerificationChannel.Page, HttpContext, cancellationToken);
        return Page();
    }
}
