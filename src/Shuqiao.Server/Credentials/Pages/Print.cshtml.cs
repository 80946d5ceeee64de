using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using Shuqiao.Core.Credentials;
using Shuqiao.Core.Identity;
using Shuqiao.Server.Identity;

namespace Shuqiao.Server.Credentials.Pages;

/// <summary>
/// /licences/{id}/print: the printable licence (A4, the type's layout) with a QR code linking to the node's public
/// verification page for this licence. Staff of the issuing organization (or a PlatformAdmin) and the holder
/// (portal) may open it; "save as PDF" is the browser's print dialog.
/// </summary>
[Authorize(AuthenticationSchemes = AuthSchemes.Console)]
public sealed class PrintModel(LicenceService licences, HolderService holders, NodeAddress node) : PageModel
{
    public Licence Licence { get; private set; } = null!;

    public LicenceType? Type { get; private set; }

    public string VerifyUrl { get; private set; } = "";

    public string QrCodeDataUri { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        Licence? licence = null;
        if (User.IsInRole(Roles.PlatformAdmin) || User.IsInRole(Roles.DataSteward))
        {
            licence = await licences.FindAsync(id, LicenceScope.Of(User), cancellationToken);
        }

        if (licence is null && User.IsInRole(Roles.Citizen) && User.UserOrClientId() is { } userId)
        {
            licence = await holders.OwnLicenceAsync(userId, id, cancellationToken);
        }

        if (licence is null)
        {
            return NotFound();
        }

        Licence = licence;
        Type = await licences.FindTypeAsync(licence.TypeId, LicenceScope.All, cancellationToken);
        VerifyUrl = $"{node.BaseUrl(HttpContext)}/verify?credential={licence.Id:D}";
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(VerifyUrl, QRCodeGenerator.ECCLevel.M);
        QrCodeDataUri = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(8));
        return Page();
    }
}
