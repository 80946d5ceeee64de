using Npgsql;

namespace Shuqiao.Storage.Database;

public static class ShuqiaoDataSource
{
    /// <summary>
    /// Builds the node's pooled data source. Pool size, timeouts and keep-alive come from the connection string,
    /// with defaults that suit one server instance; broken connections after a PostgreSQL restart are dropped by
    /// the pool and replaced on the next open.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString, string applicationName = "shuqiao")
    {
        DapperSetup.Configure();
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(csb.ApplicationName))
        {
            csb.ApplicationName = applicationName;
        }

        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) &&
            !connectionString.Contains("MaxPoolSize", StringComparison.OrdinalIgnoreCase))
        {
            csb.MaxPoolSize = 50;
        }

        if (csb.KeepAlive == 0)
        {
            csb.KeepAlive = 30;
        }

        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            csb.Timeout = 5;
        }

        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        return builder.Build();
    }
}
