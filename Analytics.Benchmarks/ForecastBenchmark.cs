using Analytics.Domain.Forecasting;
using Analytics.Web.Cli;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench forecast [--last-day 2026-03-14] [--origins 8]</c>: rolling-origin backtests of the forecast on the demo
/// data (<see cref="DemoBacktest"/>): mean MAPE of the model against the seasonal-naive baseline, and how often the 80%
/// intervals held what happened — on the main origins and on a held-out set two weeks earlier. No database: the demo rows are generated as the seeder generates them.
/// </summary>
internal sealed class ForecastBenchmark : IBenchmark
{
    /// <summary>The demo data's last day by default: fixed, so the numbers are the same on every run.</summary>
    public static readonly DateOnly DefaultLastDay = new(2026, 3, 14);

    public string Name => "forecast";
    public string Description => "forecast backtests on the demo data: mean MAPE vs seasonal-naive over several origins, 80% interval coverage";

    public Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var lastDay = DefaultLastDay;
        if (CommandLine.StringOption(args, "--last-day") is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", out lastDay))
            throw new ArgumentException("--last-day needs a date as YYYY-MM-DD, e.g. --last-day 2026-03-14.");
        var origins = (int)(CommandLine.LongOption(args, "--origins") ?? DemoBacktest.OriginCount);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = DemoBacktest.Run(lastDay, origins);
        // The same backtest on origins two weeks earlier: whether the figures hang on where the origins happen to fall.
        var heldOut = DemoBacktest.Run(lastDay, origins, offset: DemoBacktest.HeldOutOffset);
        return Task.FromResult<object>(new { report, heldOut, ms = started.ElapsedMilliseconds });
    }
}
