using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Testing;

namespace Shuqiao.Server.Tests.Operations;

public sealed partial class MetricsTests(ServerFactory server) : IClassFixture<ServerFactory>
{
    private static readonly Meter TestMeter = new("Shuqiao.Tests.Metrics");
    private static readonly Counter<long> OddLabels = TestMeter.CreateCounter<long>("shuqiao.tests.odd-labels", "{item}", "A counter whose label needs escaping.");

    [Fact]
    public async Task Metrics_are_Prometheus_text_where_every_sample_has_a_type_and_histograms_are_cumulative()
    {
        var client = server.CreateClient();
        await client.GetAsync("/console/login");
        await client.GetAsync("/health/ready");

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var exposition = Exposition.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotEmpty(exposition.Samples);
        foreach (var sample in exposition.Samples)
        {
            Assert.True(exposition.FamilyOf(sample.Name) is not null, $"sample {sample.Name} has no TYPE line");
        }

        var histograms = exposition.Types.Where(t => t.Value == "histogram").Select(t => t.Key).ToList();
        Assert.Contains("http_server_request_duration_seconds", histograms);
        Assert.Contains("db_client_operation_duration_seconds", histograms);
        foreach (var family in histograms)
        {
            foreach (var series in exposition.Samples.Where(s => s.Name == family + "_bucket").GroupBy(s => s.LabelsWithout("le")))
            {
                var buckets = series.ToList();
                Assert.Equal("+Inf", buckets[^1].Labels["le"]);
                for (var i = 1; i < buckets.Count; i++)
                {
                    Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family}{{{series.Key}}} buckets are not cumulative");
                    Assert.True(double.Parse(buckets[i].Labels["le"].Replace("+Inf", "Infinity", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture)
                        > double.Parse(buckets[i - 1].Labels["le"], System.Globalization.CultureInfo.InvariantCulture));
                }

                var count = exposition.Samples.Single(s => s.Name == family + "_count" && s.LabelsWithout("le") == series.Key);
                Assert.Equal(count.Value, buckets[^1].Value);
            }
        }

        // Process and pool figures are there too.
        Assert.Contains("dotnet_process_memory_working_set_bytes", exposition.Types.Keys);
        Assert.Equal("gauge", exposition.Types["dotnet_thread_pool_queue_length"]);
        Assert.Equal("gauge", exposition.Types["db_client_connection_count"]);
        Assert.Contains(exposition.Samples, s => s.Name == "db_client_connection_count" && s.Labels.GetValueOrDefault("state") == "idle");
    }

    [Fact]
    public async Task A_request_is_counted_under_its_route_template_never_its_raw_path()
    {
        var client = server.CreateClient();
        var id = Guid.NewGuid();
        await client.GetAsync($"/api/v1/users/{id}");
        await client.GetAsync("/console/login?returnUrl=%2Fconsole%2Fsecret-place");

        var text = await client.GetStringAsync("/metrics");
        var exposition = Exposition.Parse(text);

        Assert.Contains(exposition.Samples, s => s.Name == "http_server_request_duration_seconds_count"
            && s.Labels.GetValueOrDefault("route") == "/api/v1/users/{id:guid}" && s.Labels.GetValueOrDefault("method") == "GET" && s.Labels.ContainsKey("status"));
        Assert.Contains(exposition.Samples, s => s.Name == "http_server_request_duration_seconds_count"
            && s.Labels.GetValueOrDefault("route") == "/console/login" && s.Labels.GetValueOrDefault("status") == "200");
        Assert.DoesNotContain(id.ToString(), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret-place", text, StringComparison.Ordinal);
        // Probes and scrapes are not traffic.
        Assert.DoesNotContain(exposition.Samples, s => s.Labels.GetValueOrDefault("route") is "/metrics" or "/health/ready");
    }

    [Fact]
    public async Task Any_Shuqiao_meter_is_exported_with_sanitized_names_and_escaped_label_values()
    {
        OddLabels.Add(3, new KeyValuePair<string, object?>("odd.key", "a \"quoted\" back\\slash\nnew line"));

        var text = await server.CreateClient().GetStringAsync("/metrics");

        Assert.Contains("# TYPE shuqiao_tests_odd_labels_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP shuqiao_tests_odd_labels_total A counter whose label needs escaping.\n", text, StringComparison.Ordinal);
        Assert.Contains("shuqiao_tests_odd_labels_total{odd_key=\"a \\\"quoted\\\" back\\\\slash\\nnew line\"} 3\n", text, StringComparison.Ordinal);
    }

    /// <summary>A parsed text exposition: TYPE per family and the sample lines.</summary>
    internal sealed partial class Exposition
    {
        public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

        public List<Sample> Samples { get; } = [];

        public static Exposition Parse(string text)
        {
            var exposition = new Exposition();
            foreach (var line in text.Split('\n'))
            {
                if (line.Length == 0 || line.StartsWith("# HELP ", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    Assert.True(exposition.Types.TryAdd(parts[2], parts[3]), $"TYPE of {parts[2]} appears twice");
                    continue;
                }

                var match = SampleLine().Match(line);
                Assert.True(match.Success, $"not a sample line: {line}");
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (Match label in LabelPair().Matches(match.Groups["labels"].Value))
                {
                    labels[label.Groups[1].Value] = Regex.Unescape(label.Groups[2].Value);
                }

                var value = match.Groups["value"].Value switch
                {
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    var v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture),
                };
                exposition.Samples.Add(new Sample(match.Groups["name"].Value, labels, value));
            }

            return exposition;
        }

        public string? FamilyOf(string sample)
        {
            if (Types.ContainsKey(sample))
            {
                return sample;
            }

            foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            {
                if (sample.EndsWith(suffix, StringComparison.Ordinal) && Types.GetValueOrDefault(sample[..^suffix.Length]) == "histogram")
                {
                    return sample[..^suffix.Length];
                }
            }

            return null;
        }

        [GeneratedRegex("^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?<labels>.*)\\})? (?<value>\\S+)$")]
        private static partial Regex SampleLine();

        [GeneratedRegex("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"")]
        private static partial Regex LabelPair();
    }

    internal sealed record Sample(string Name, Dictionary<string, string> Labels, double Value)
    {
        public string LabelsWithout(string name) =>
            string.Join(",", Labels.Where(l => l.Key != name).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
    }
}

/// <summary>With MetricsAllowedNetworks set, only those networks may scrape.</summary>
public sealed class MetricsAllowListTests(MetricsAllowListTests.RestrictedServer server) : IClassFixture<MetricsAllowListTests.RestrictedServer>
{
    [Fact]
    public async Task Only_an_allowed_network_may_scrape_the_metrics()
    {
        var inside = server.CreateClient();
        inside.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "10.1.2.3");
        var outside = server.CreateClient();
        outside.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "192.168.7.7");
        var mapped = server.CreateClient();
        mapped.DefaultRequestHeaders.Add(RemoteAddressFromHeader.Header, "::ffff:10.1.9.9");

        Assert.Equal(HttpStatusCode.OK, (await inside.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mapped.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outside.GetAsync("/metrics")).StatusCode);
        // The restriction is for metrics only; probes stay open to the orchestrator.
        Assert.Equal(HttpStatusCode.OK, (await outside.GetAsync("/health/live")).StatusCode);
    }

    public sealed class RestrictedServer : ServerFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Shuqiao:Operations:MetricsAllowedNetworks:0"] = "10.1.0.0/16",
            ["Shuqiao:Operations:MetricsAllowedNetworks:1"] = "::1/128",
        };

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddTransient<IStartupFilter, RemoteAddressFromHeader>());
        }
    }

    /// <summary>The in-memory test server has no remote address; this one takes it from a test header.</summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Remote-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[Header].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
