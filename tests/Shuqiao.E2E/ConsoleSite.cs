using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Shuqiao.Core.Identity;
using Shuqiao.Core.Organizations;
using Shuqiao.Testing;
using Shuqiao.E2E.Pages;

namespace Shuqiao.E2E;

/// <summary>
/// One real server on a Kestrel port of 127.0.0.1 (Chromium cannot reach the in-memory test server), its own
/// database in the shared throwaway cluster, one headless Debian Chromium, and a PlatformAdmin who signs in
/// once per run: tests open pages already signed in from the saved storage state.
/// </summary>
public sealed class ConsoleSite : IAsyncLifetime
{
    public const string AdminPassword = "E2e-Correct-Horse-9";

    // Debian's chromium runs as root in CI: no sandbox there; the rest keeps a headless run quiet and offline.
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private IPlaywright? _playwright;
    private string _storageState = "";

    public KestrelServerFactory Server { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public Guid DataBureauId { get; private set; }

    public User Admin { get; private set; } = null!;

    /// <summary>tests/Shuqiao.E2E/screenshots (git-ignored), where <see cref="ConsolePage.ScreenshotAsync"/> writes.</summary>
    public string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        BaseAddress = Server.Address;
        DataBureauId = await TestData.InsertOrganizationAsync(Server.ConnectionString, "某市数据局", OrganizationLevel.City, dataAuthority: true);
        Admin = await Server.CreateUserAsync(DataBureauId, "e2e-admin-" + Guid.NewGuid().ToString("N")[..6], AdminPassword, Roles.PlatformAdmin);

        SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("SHUQIAO_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });

        // Sign in once, through the real login page, and keep the session cookie for every test.
        await using (var tab = await AnonymousTabAsync())
        {
            var login = await new LoginPage(tab.Page, this).OpenAsync();
            var dashboard = await login.SignInAsync(Admin.Login, AdminPassword);
            await dashboard.ExpectLoadedAsync();
            _storageState = Path.Combine(TestTemp.NewDirectory("e2e"), "storage-state.json");
            await tab.Page.Context.StorageStateAsync(new BrowserContextStorageStateOptions { Path = _storageState });
        }
    }

    /// <summary>A fresh browser tab signed in as <see cref="Admin"/>, in its own context: cookies one test sets stay there.</summary>
    public async Task<BrowserTab> SignedInTabAsync() => await BrowserTab.OpenAsync(await NewContextAsync(_storageState));

    /// <summary>A fresh browser tab nobody is signed in on.</summary>
    public async Task<BrowserTab> AnonymousTabAsync() => await BrowserTab.OpenAsync(await NewContextAsync(storageState: null));

    /// <summary>Another console user (e.g. for a test that fails sign-ins, which would lock the shared admin out).</summary>
    public Task<User> CreateUserAsync(string password, params string[] roles) =>
        Server.CreateUserAsync(DataBureauId, "e2e-" + Guid.NewGuid().ToString("N")[..10], password, roles);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        File.Delete(_storageState);
        await Server.DisposeAsync();
    }

    private async Task<IBrowserContext> NewContextAsync(string? storageState)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            StorageStatePath = storageState,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    private static string FindScreenshotDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Shuqiao.E2E.csproj")))
            {
                return Path.Combine(dir.FullName, "screenshots");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "screenshots");
    }
}

/// <summary>The server of <see cref="ServerFactory"/> on Kestrel, on a free port of 127.0.0.1 only.</summary>
public sealed class KestrelServerFactory : ServerFactory
{
    public KestrelServerFactory() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    /// <summary>Where Kestrel listens, once started (e.g. http://127.0.0.1:40123/).</summary>
    public Uri Address
    {
        get
        {
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        }
    }
}

/// <summary>A browser context with one page; disposing closes both.</summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private BrowserTab(IPage page) => Page = page;

    public IPage Page { get; }

    public static async Task<BrowserTab> OpenAsync(IBrowserContext context) => new(await context.NewPageAsync());

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}

[CollectionDefinition(Name)]
public sealed class ConsoleTests : ICollectionFixture<ConsoleSite>
{
    public const string Name = "console";
}
