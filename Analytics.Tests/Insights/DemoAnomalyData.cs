using Analytics.Domain.Demo;
using Analytics.Domain.Insights;

namespace Analytics.Tests.Insights;

/// <summary>The demo workspace generated in memory, summed per campaign per day per metric, with its injected anomalies.</summary>
internal static class DemoAnomalyData
{
    public static readonly DateOnly LastDay = new(2026, 3, 14);

    public sealed record Instance(DemoInstance Demo, IReadOnlyDictionary<string, IReadOnlyList<DailySeries>> Series, IReadOnlyList<InjectedAnomaly> Anomalies);

    public static IReadOnlyList<Instance> Load(int seed = DemoWorkspace.Seed) => DemoWorkspace.Instances.Select(i => Build(i, seed)).ToList();

    private static Instance Build(DemoInstance demo, int seed)
    {
        var generator = new AdPerformanceGenerator(AdPerformanceGenerator.ForInstance(demo, LastDay, seed));
        var measures = DemoWorkspace.Measures();
        var days = generator.Spec.Days;
        var firstDay = LastDay.AddDays(-(days - 1));
        var sums = new Dictionary<(string Metric, string Campaign), double[]>();
        foreach (var row in generator.Rows())
        {
            var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(row.Ts).UtcDateTime).DayNumber - firstDay.DayNumber;
            foreach (var m in measures)
            {
                var key = (m.Name, row.Dimensions[0]!);
                if (!sums.TryGetValue(key, out var values)) sums[key] = values = new double[days];
                values[day] += row.Measures[m.Slot - 1] ?? 0;
            }
        }
        var series = sums.GroupBy(s => s.Key.Metric).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<DailySeries>)g.Select(s => new DailySeries(s.Key.Campaign, firstDay, s.Value)).ToList());
        return new Instance(demo, series, generator.Anomalies);
    }
}
