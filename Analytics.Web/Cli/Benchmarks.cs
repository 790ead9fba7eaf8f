namespace Analytics.Web.Cli;

/// <summary>A benchmark the CLI can run: <c>bench &lt;name&gt;</c>; it returns an object printed as JSON.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct);
}

/// <summary>The registry of benchmarks: each later feature adds its own class here.</summary>
internal static class Benchmarks
{
    private static readonly IBenchmark[] All = [new SeedBenchmark(), new QueryBenchmark(), new MetricsBenchmark(), new MergeBenchmark(), new BackfillBenchmark(), new ExportBenchmark(), new ChatBenchmark(), new DashboardBenchmark(), new ChatEgressSample(), new ForecastBenchmark(), new StartupBenchmark()];

    public static IEnumerable<string> Names => All.Select(b => $"{b.Name} ({b.Description})");

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        if (args.Length == 0) return CommandLine.Usage();
        var benchmark = All.FirstOrDefault(b => b.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase))
                        ?? throw new ArgumentException($"No benchmark named '{args[0]}'.");
        CommandLine.PrintJson(await benchmark.RunAsync(services, args[1..], ct));
        return 0;
    }
}
