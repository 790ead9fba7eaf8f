using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

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

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("analytics-web-");
    private bool _kestrel;

    public string DataDirectory => _directory.FullName;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Analytics", $"Data Source={Path.Combine(_directory.FullName, "analytics.db")}");
        builder.UseSetting("Analytics:Database:Provider", "Sqlite");
        builder.UseSetting("Analytics:DataDirectory", _directory.FullName);
        builder.UseSetting("Analytics:Auth:AdminEmail", AdminEmail);
        builder.UseSetting("Analytics:Auth:AdminPassword", AdminPassword);
        builder.UseSetting("Analytics:Auth:BootstrapApiKey", BootstrapKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:Console:FormatterName", "simple");
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

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { _directory.Delete(recursive: true); } catch (IOException) { } // best effort: a file may still be held briefly
    }
}
