using Microsoft.Extensions.Options;
using Shuqiao.Server.Platform;
using Shuqiao.Storage.Ledger;

namespace Shuqiao.Server.Ledger;

/// <summary>The ledger (可验证账本): keys, group-commit writer, checkpoints, witnesses, integrity checks, endpoints (docs/ledger.md).</summary>
public static class LedgerSetup
{
    public static IServiceCollection AddLedger(this IServiceCollection services)
    {
        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LedgerOptionsValidation>();
        services.AddSingleton<IValidateOptions<LedgerOptions>>(sp => sp.GetRequiredService<LedgerOptionsValidation>());

        services.AddSingleton<LedgerKeyring>();
        services.AddSingleton<LedgerKeyStore>();
        services.AddSingleton<IStartupTask, LedgerKeyLoader>();

        services.AddSingleton<LedgerAppender>();
        services.AddSingleton<LedgerReader>();
        services.AddSingleton<LedgerCheckpointPublisher>();
        services.AddSingleton<LedgerIntegrityChecker>();
        services.AddSingleton<LedgerIntegrityStore>();
        services.AddSingleton<LedgerWitnessStore>();
        services.AddSingleton<LedgerMetrics>();
        services.AddSingleton<LedgerIntegrityService>();
        services.AddSingleton<WitnessBoard>();
        services.AddSingleton<WitnessedLogs>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<LedgerOptions>>().Value;
            return new LedgerWriter(
                sp.GetRequiredService<Npgsql.NpgsqlDataSource>(),
                sp.GetRequiredService<LedgerAppender>(),
                new LedgerWriterOptions(o.WriterCapacity, o.WriterMaxBatch, TimeSpan.FromMilliseconds(o.WriterLingerMilliseconds)),
                sp.GetServices<ILedgerBatchParticipant>());
        });
        services.AddScoped<LedgerService>();

        services.AddHostedService<LedgerWriterHost>();
        services.AddHostedService<CheckpointPublisherJob>();
        services.AddHostedService<LedgerWitnessClient>();
        services.AddHostedService<LedgerIntegrityMonitor>();
        services.AddHttpClient(LedgerWitnessClient.HttpClientName);
        return services;
    }

    public static WebApplication MapLedger(this WebApplication app)
    {
        app.MapLedgerTiles();
        app.MapLedgerApi();
        if (app.Services.GetRequiredService<IOptions<ShuqiaoOptions>>().Value.BenchmarkMode)
        {
            app.MapLedgerBench();
        }

        return app;
    }
}
