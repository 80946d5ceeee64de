using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Shuqiao.Server.Platform;

/// <summary>
/// Keeps the Data Protection key ring in PostgreSQL, so sessions survive restarts and every instance of a node
/// accepts the others' cookies. The keys are as sensitive as the database itself.
/// </summary>
public sealed class DataProtectionKeyRing(NpgsqlDataSource dataSource) : IConfigureOptions<KeyManagementOptions>, IXmlRepository
{
    private const string SelectAll = "select xml from data_protection_keys";

    private const string Insert = "insert into data_protection_keys (friendly_name, xml) values (@Name, @Xml) on conflict (friendly_name) do nothing";

    public void Configure(KeyManagementOptions options) => options.XmlRepository = this;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = dataSource.OpenConnection();
        return connection.Query<string>(SelectAll).Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = dataSource.OpenConnection();
        connection.Execute(Insert, new { Name = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
