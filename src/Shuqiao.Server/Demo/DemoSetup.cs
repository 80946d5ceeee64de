using Shuqiao.Server.Platform;

namespace Shuqiao.Server.Demo;

public static class DemoSetup
{
    /// <summary>Registers the demo data set; it loads only when <c>Shuqiao:Mode</c> is <c>Demo</c>.</summary>
    public static IServiceCollection AddDemoData(this IServiceCollection services) => services
        .AddSingleton<DemoParts>()
        .AddSingleton<IStartupTask, DemoDataSeeder>();
}
