using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Operations;

public sealed class LoggingTests(LoggingTests.CapturingServer server) : IClassFixture<LoggingTests.CapturingServer>
{
    [Fact]
    public async Task Request_logs_carry_the_route_template_and_request_id_but_no_query_string_or_raw_path()
    {
        var id = Guid.NewGuid();
        var client = server.CreateClient();
        await client.GetAsync("/console/login?returnUrl=%2Fconsole&token=s3cr3t-in-query");
        await client.GetAsync($"/api/v1/users/{id}");

        var lines = server.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("GET /console/login answered 200", StringComparison.Ordinal)
            && l.Contains("RequestId", StringComparison.Ordinal) && l.Contains("TraceId", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("GET /api/v1/users/{id:guid} answered", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("s3cr3t-in-query", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains(server.ConnectionString, StringComparison.Ordinal));
    }

    /// <summary>The real server with one more log provider that keeps every message, its state and its scopes as text.</summary>
    public sealed class CapturingServer : ServerFactory
    {
        private readonly Capture _capture = new();

        public IEnumerable<string> Lines => _capture.Lines;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(_capture));
        }

        private sealed class Capture : ILoggerProvider, ISupportExternalScope
        {
            private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

            public ConcurrentQueue<string> Lines { get; } = new();

            public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

            public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

            public void Dispose()
            {
            }

            private sealed class Logger(Capture capture, string category) : ILogger
            {
                public IDisposable? BeginScope<TState>(TState state)
                    where TState : notnull => capture._scopes.Push(state);

                public bool IsEnabled(LogLevel logLevel) => true;

                public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                {
                    var text = new System.Text.StringBuilder($"{category} {formatter(state, exception)} {exception}");
                    if (state is IEnumerable<KeyValuePair<string, object?>> values)
                    {
                        foreach (var (key, value) in values)
                        {
                            text.Append(System.Globalization.CultureInfo.InvariantCulture, $" {key}={value}");
                        }
                    }

                    capture._scopes.ForEachScope((scope, line) =>
                    {
                        line.Append(" scope:").Append(scope);
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var (key, value) in pairs)
                            {
                                line.Append(System.Globalization.CultureInfo.InvariantCulture, $" {key}={value}");
                            }
                        }
                    }, text);
                    capture.Lines.Enqueue(text.ToString());
                }
            }
        }
    }
}
