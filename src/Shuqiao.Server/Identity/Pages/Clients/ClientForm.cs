using Shuqiao.Core.Identity;

namespace Shuqiao.Server.Identity.Pages.Clients;

/// <summary>The fields of the create and edit forms; the allow-list is a textarea, one entry per line.</summary>
public sealed class ClientForm
{
    public Guid? OrganizationId { get; set; }

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string? IpAllowList { get; set; }

    public int RateLimitPerMinute { get; set; }

    public int Version { get; set; }

    public static ClientForm Of(ApiClient client) => new()
    {
        OrganizationId = client.OrganizationId,
        Name = client.Name,
        Description = client.Description,
        IpAllowList = string.Join('\n', client.IpAllowList.ToStrings()),
        RateLimitPerMinute = client.RateLimitPerMinute,
        Version = client.Version,
    };
}
