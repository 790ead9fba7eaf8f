using System.Net.Http.Json;
using Analytics.Data.Seeding;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Tests.Web;

/// <summary>
/// The whole app over a fresh SQLite file in a temporary directory, seeded with the demo workspace, with a known admin
/// password and bootstrap API key. <see cref="StartKestrel"/> serves it on a real loopback port for the browser.
/// </summary>
public class AnalyticsWebFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@tests.local";
    public const string AdminPassword = "correct-horse-42";
    public const string BootstrapKey = "bootstrap-key-for-tests-0123456789";

    private readonly DirectoryInfo _directory;
    private readonly bool _ownsDirectory;
    private bool _kestrel;

    public AnalyticsWebFactory() : this(Directory.CreateTempSubdirectory("analytics-web-"), ownsDirectory: true) { }

    /// <summary>The app over <paramref name="directory"/>: an earlier instance's data directory is a restart of it.</summary>
    protected AnalyticsWebFactory(DirectoryInfo directory, bool ownsDirectory)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public string DataDirectory => _directory.FullName;

    /// <summary><c>Analytics:Subscriptions:AllowedRecipientDomains</c>; empty = the app's default, the users' own domains.</summary>
    protected virtual string[] AllowedRecipientDomains => ["example.com"];

    /// <summary>
    /// <c>Analytics:Database:ScanDemoHistory</c>: off here, so tests that run the insight jobs start from an empty feed
    /// (and forty app hosts do not each scan two years of history); <see cref="Analytics.Tests.Insights.FirstRunWebFactory"/> turns it on.
    /// </summary>
    protected virtual bool ScanDemoHistory => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Analytics", $"Data Source={Path.Combine(_directory.FullName, "analytics.db")}");
        builder.UseSetting("Analytics:Database:Provider", "Sqlite");
        builder.UseSetting("Analytics:DataDirectory", _directory.FullName);
        builder.UseSetting("Analytics:Database:ScanDemoHistory", ScanDemoHistory ? "true" : "false");
        builder.UseSetting("Analytics:Auth:AdminEmail", AdminEmail);
        builder.UseSetting("Analytics:Auth:AdminPassword", AdminPassword);
        builder.UseSetting("Analytics:Auth:BootstrapApiKey", BootstrapKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Sessions are re-checked every second, so a disabled user's open page reacts within a test's patience.
        builder.UseSetting("Analytics:Auth:SessionRevalidationSeconds", "1");
        // Tests sign in and call the API far more often than people do; the limits have their own tests (RateLimitTests).
        foreach (var rule in new[] { "SignInPerIp", "SignInPerAccount", "Api", "Public", "SubscriptionRunNow" })
            builder.UseSetting($"Analytics:RateLimits:{rule}:PermitLimit", "0");
        // Test recipients are at example.com; the default (the users' own domains) has its own tests (GuardedWebFactory).
        for (var i = 0; i < AllowedRecipientDomains.Length; i++)
            builder.UseSetting($"Analytics:Subscriptions:AllowedRecipientDomains:{i}", AllowedRecipientDomains[i]);
        builder.UseSetting("Logging:Console:FormatterName", "simple");
    }

    /// <summary>
    /// The database initializes beside the web host's start (requests wait for it); tests that also use the app's services
    /// directly start once it is ready.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        host.Services.GetRequiredService<DatabaseInitializer>().WaitUntilReadyAsync(CancellationToken.None).GetAwaiter().GetResult();
        // The scheduler starts right after (SchedulerHost): tests that look at jobs find it running.
        if (host.Services.GetService<ISchedulerFactory>() is { } schedulers)
        {
            var scheduler = schedulers.GetScheduler().GetAwaiter().GetResult();
            SpinWait.SpinUntil(() => scheduler.Status is not SchedulerStatus.Created, TimeSpan.FromSeconds(30));
        }
        return host;
    }

    /// <summary>Starts the app on Kestrel at a free loopback port and returns its base address.</summary>
    public Uri StartKestrel()
    {
        if (!_kestrel)
        {
            UseKestrel(0);
            _kestrel = true;
        }
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return new Uri(addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
    }

    public HttpClient CreateApiClient(string key)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a user with <paramref name="role"/> and instance grants through the API; returns its id and an API key.</summary>
    public async Task<(string UserId, string Key)> CreateUserWithKeyAsync(string role, string[] instances)
    {
        using var admin = CreateApiClient(BootstrapKey);
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { email = $"{role}-{Guid.NewGuid():N}@example.com", role, instanceIds = instances });
        created.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var userId = System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var keyResponse = await admin.PostAsJsonAsync($"/api/v1/users/{userId}/api-keys", new { name = "test" });
        keyResponse.StatusCode.Should().Be(System.Net.HttpStatusCode.Created);
        return (userId, System.Text.Json.Nodes.JsonNode.Parse(await keyResponse.Content.ReadAsStringAsync())!["key"]!.GetValue<string>());
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsDirectory) return;
        try { _directory.Delete(recursive: true); } catch (IOException) { } // best effort: a file may still be held briefly
    }
}
