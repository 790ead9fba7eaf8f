using Analytics.Data;
using Analytics.Data.Seeding;
using Analytics.Domain;

namespace Analytics.Web.Cli;

/// <summary>The domain and data services over a given database, for benchmarks: no web server, no demo seeding.</summary>
internal static class BenchHost
{
    public static async Task<IHost> CreateAsync(DatabaseProvider provider, string connectionString, CancellationToken ct, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Analytics"] = connectionString,
            ["Analytics:Database:SeedDemo"] = "false",
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.AddAnalyticsDomain();
        builder.AddAnalyticsData();
        builder.Services.AddIdentityCore<Analytics.Data.Identity.AppUser>().AddEntityFrameworkStores<AnalyticsDbContext>();
        var host = builder.Build();
        await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
        return host;
    }
}
