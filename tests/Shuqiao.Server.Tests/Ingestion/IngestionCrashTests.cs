using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Shuqiao.Testing;
using static Shuqiao.Server.Tests.Ingestion.IngestionRequests;

namespace Shuqiao.Server.Tests.Ingestion;

/// <summary>
/// The server process is killed (SIGKILL) in the middle of a large batch: afterwards the batch is fully present or
/// fully absent, and a retry with the same Idempotency-Key completes it. The in-memory host sets up the data; a real
/// server process on the same database takes the upload.
/// </summary>
public sealed class IngestionCrashTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private const int Rows = 200_000;

    [Fact]
    public async Task A_batch_cut_off_by_SIGKILL_leaves_nothing_and_a_retry_with_the_same_key_completes_it()
    {
        var (_, steward, slug, resourceId) = await ResourceAsync(server);
        var credential = steward.DefaultRequestHeaders.Authorization!;

        using (var process = await ServerProcess.StartAsync(server.ConnectionString))
        {
            using var http = process.Client(credential);
            var copying = false;
            using var request = Upload(slug, new KillingContent(Rows, killAfterRows: Rows / 2, () =>
            {
                copying = Copying(server.ConnectionString);
                process.Kill();
            }));
            await Assert.ThrowsAnyAsync<Exception>(() => http.SendAsync(request));
            Assert.True(copying, "the server was not copying rows when it was killed");
        }

        var stored = await CountAsync(server, "select count(*) from records where resource_id = $1", resourceId);
        var batches = await CountAsync(server, "select count(*) from ingest_batches where resource_id = $1", resourceId);
        Assert.True((stored, batches) is (0, 0) or (Rows, 1), $"{stored} records and {batches} batches after the crash");
        var left = StagingTables(server.ConnectionString);

        using (var process = await ServerProcess.StartAsync(server.ConnectionString))
        {
            using var http = process.Client(credential);
            using var retry = Upload(slug, new KillingContent(Rows, killAfterRows: int.MaxValue, () => { }));
            var response = await http.SendAsync(retry);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        Assert.Equal(Rows, await CountAsync(server, "select count(*) from records where resource_id = $1", resourceId));
        Assert.Equal(1, await CountAsync(server, "select count(*) from ingest_batches where resource_id = $1", resourceId));
        // The unlogged staging tables of the first load (rows as sent) that the crash left behind are swept.
        Assert.True(StagingTables(server.ConnectionString) == 0, $"{left} staging tables after the crash, some still there after the restart");
    }

    private static long StagingTables(string connectionString)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand("select count(*) from pg_class where relname like 'ingest\\_stage\\_%'", connection);
        return (long)command.ExecuteScalar()!;
    }

    // The batch is in the middle of its binary COPY into the staging table.
    private static bool Copying(string connectionString)
    {
        using var connection = new Npgsql.NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand("select count(*) from pg_stat_activity where query like 'copy ingest_stage%' and state = 'active'", connection);
        // A freshly started server may still be compiling its way to the COPY when the client has sent half the rows.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((long)command.ExecuteScalar()! > 0)
            {
                return true;
            }

            Thread.Sleep(100);
        }

        return false;
    }

    private static HttpRequestMessage Upload(string slug, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/resources/{slug}/batches") { Content = content };
        request.Headers.Add("Idempotency-Key", "crash-test-load");
        return request;
    }

    /// <summary>A generated CSV streamed in chunks; after <c>killAfterRows</c> rows it runs the kill and keeps writing.</summary>
    private sealed class KillingContent : HttpContent
    {
        private readonly int _rows;
        private readonly int _killAfterRows;
        private readonly Action _kill;

        public KillingContent(int rows, int killAfterRows, Action kill)
        {
            _rows = rows;
            _killAfterRows = killAfterRows;
            _kill = kill;
            Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv; charset=utf-8");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new StringBuilder("编号,姓名,年龄,等级\n");
            for (var i = 1; i <= _rows; i++)
            {
                chunk.Append('C').Append(i).Append(",张三").Append(i % 100).Append(',').Append(20 + (i % 60)).Append(",A\n");
                if (i % 5000 == 0)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()));
                    await stream.FlushAsync();
                    chunk.Clear();
                }

                if (i == _killAfterRows)
                {
                    _kill();
                }
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>The built server (src/Shuqiao.Server) as its own process on a free port, on the given database.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync(string connectionString)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "Shuqiao.Server.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Shuqiao__Database__ConnectionString"] = connectionString;
        start.Environment["Shuqiao__Mode"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var probe = new HttpClient { BaseAddress = address };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await probe.GetAsync("/health/live")).IsSuccessStatusCode)
                {
                    return new ServerProcess(process, address);
                }
            }
            catch (HttpRequestException)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}.");
            }

            await Task.Delay(100);
        }

        process.Kill();
        throw new TimeoutException("The server did not become live in 30 s.");
    }

    public HttpClient Client(AuthenticationHeaderValue credential)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = credential;
        return client;
    }

    /// <summary>SIGKILL: no shutdown, no flush, no rollback from the process.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
