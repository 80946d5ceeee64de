namespace Shuqiao.Core.Organizations;

/// <summary>The five administrative levels (五级) an organization belongs to, from the top down.</summary>
public enum OrganizationLevel
{
    Province = 1, // 省级
    City = 2,     // 市级
    County = 3,   // 县级
    Town = 4,     // 乡镇级
    Village = 5,  // 村级
}
