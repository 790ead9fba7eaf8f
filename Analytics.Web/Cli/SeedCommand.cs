using Analytics.Data.Seeding;

namespace Analytics.Web.Cli;

/// <summary><c>seed --rows N</c>: migrates, seeds the demo workspace if missing, then writes N rows of bulk ad performance.</summary>
internal static class SeedCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var rows = CommandLine.LongOption(args, "--rows") ?? throw new ArgumentException("seed needs --rows N, e.g. seed --rows 1000000.");
        var initializer = services.GetRequiredService<DatabaseInitializer>();
        await initializer.InitializeAsync(ct);
        var result = await services.GetRequiredService<BulkSeeder>().SeedAsync(rows, ct);
        CommandLine.PrintJson(result);
        return 0;
    }
}
