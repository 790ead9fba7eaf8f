using Analytics.Data;
using Analytics.Domain;
using Analytics.Jobs;
using Analytics.Web;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>A benchmark the CLI can run: <c>bench &lt;name&gt;</c>; it returns an object printed as JSON.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct);
}

/// <summary>
/// <c>bench &lt;name&gt; [options]</c>: the registry of benchmarks (each feature adds its own class here) and the command that
/// runs one over the app's configured services (the repository root's <c>appsettings.json</c>, environment variables).
/// </summary>
internal static class BenchCommand
{
    private static readonly IBenchmark[] All = [new SeedBenchmark(), new QueryBenchmark(), new MetricsBenchmark(), new MergeBenchmark(), new BackfillBenchmark(), new ExportBenchmark(), new ChatBenchmark(), new DashboardBenchmark(), new ChatEgressSample(), new ForecastBenchmark(), new StartupBenchmark()];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 2 || !args[0].Equals("bench", StringComparison.OrdinalIgnoreCase)) return Usage();
        var benchmark = All.FirstOrDefault(b => b.Name.Equals(args[1], StringComparison.OrdinalIgnoreCase));
        if (benchmark is null)
        {
            await Console.Error.WriteLineAsync($"No benchmark named '{args[1]}'.");
            return Usage();
        }
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddRootAppSettings(builder.Environment);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddAnalyticsDomain();
        builder.AddAnalyticsData();
        builder.AddAnalyticsJobs();
        using var host = builder.Build();
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            CommandLine.PrintJson(await benchmark.RunAsync(host.Services, args[2..], cts.Token));
            return 0;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine($"""
            Usage: dotnet run -c Release --project Analytics.Benchmarks -- bench <name> [options]   run a benchmark; prints JSON
            Benchmarks: {string.Join(", ", All.Select(b => $"{b.Name} ({b.Description})"))}
            """);
        return 2;
    }
}
