using Analytics.Domain.Facts;

namespace Analytics.Domain.Demo;

/// <summary>
/// The demo instances' attribution and audience data, in the shapes AMC's path-to-conversion and reach reports produce,
/// so the Attribution and Audience dashboard templates work on a fresh install: weekly paths to conversion (with
/// distinct users, a distinct count), view-through against click-through conversions, and reach and frequency per
/// campaign and per audience segment (reach is a distinct count: never summed). Deterministic: each dataset of each
/// instance draws from its own <see cref="Random"/> seeded from (seed, instance, dataset).
/// </summary>
public static class DemoJourneys
{
    public const string PathsKey = "path_to_conversion";
    public const string TouchKey = "attribution_touch";
    public const string ReachKey = "audience_reach";
    public const string SegmentsKey = "audience_segments";

    public const string ClickThrough = "Click-through";
    public const string ViewThrough = "View-through";

    private const string SP = "Sponsored Products", SB = "Sponsored Brands", SD = "Sponsored Display";

    /// <summary>Paths (ad types seen before the purchase, in order) and their relative weight.</summary>
    private static readonly (string Path, double Weight, double PurchasesPerUser)[] Paths =
    [
        (SP, 1.00, 1.12), ($"{SD} > {SP}", 0.46, 1.21), ($"{SB} > {SP}", 0.38, 1.18), (SB, 0.31, 1.08),
        ($"{SD} > {SB} > {SP}", 0.22, 1.34), (SD, 0.19, 1.05), ($"{SP} > {SB}", 0.14, 1.15), ($"{SB} > {SD}", 0.09, 1.07),
        ($"{SD} > {SB}", 0.08, 1.10), ($"{SP} > {SD} > {SP}", 0.06, 1.29),
    ];

    private static readonly string[] Segments =
        ["In-market shoppers", "Lifestyle: outdoor and home", "Remarketing: viewed the product", "Lookalike: past purchasers", "Contextual: category pages"];

    public static IReadOnlyList<DemoDataset> Datasets { get; } =
    [
        new(PathsKey, "Paths to conversion", [new("path", "Path to conversion", 1)],
            [new("users", "Users", 1, Aggregation.Sum, Additive: false), new("purchases", "Purchases", 2), new("sales", "Sales", 3)], PathRows),
        new(TouchKey, "View-through and click-through conversions", [new("touch", "Attribution", 1)],
            [new("purchases", "Purchases", 1), new("sales", "Sales", 2)], TouchRows),
        new(ReachKey, "Reach and frequency by campaign", [new("campaign", "Campaign", 1)], ReachMeasures(), ReachRows),
        new(SegmentsKey, "Reach and frequency by audience segment", [new("segment", "Audience segment", 1)], ReachMeasures(), SegmentRows),
    ];

    private static List<MeasureField> ReachMeasures() =>
    [
        new("impressions", "Impressions", 1), new("reach", "Reach", 2, Aggregation.Max, Additive: false),
        new("avg_frequency", "Average frequency", 3, Aggregation.Avg, Additive: false),
    ];

    /// <summary>The Mondays of the whole ISO weeks within the demo's history ending <paramref name="lastDay"/>.</summary>
    public static IEnumerable<DateOnly> Weeks(DateOnly lastDay, int days = DemoWorkspace.Days)
    {
        var first = lastDay.AddDays(-(days - 1));
        var monday = first.AddDays(((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7);
        for (; monday.AddDays(6) <= lastDay; monday = monday.AddDays(7)) yield return monday;
    }

    private static long Ts(DateOnly day) => new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();

    private static double Season(DateOnly monday) =>
        Enumerable.Range(0, 7).Average(d => AdPerformanceGenerator.YearlyFactor(monday.AddDays(d)));

    private static Random Rng(DemoInstance instance, string key) =>
        new(StableHash.Combine(DemoWorkspace.Seed ^ instance.SourceId.GetStableHashCode(), key.GetStableHashCode()));

    /// <summary>Weekly converting users, purchases and sales per path; the instance's size scales every path alike.</summary>
    private static IEnumerable<FactRow> PathRows(DemoInstance instance, DateOnly lastDay)
    {
        var rng = Rng(instance, PathsKey);
        var scale = 700 + rng.NextDouble() * 500;
        var aov = Paths.Select(_ => 28 + rng.NextDouble() * 40).ToArray();
        foreach (var monday in Weeks(lastDay))
        {
            var season = Season(monday);
            for (var p = 0; p < Paths.Length; p++)
            {
                var users = Math.Round(scale * Paths[p].Weight * season * AdPerformanceGenerator.Noise(rng, 0.06));
                var purchases = Math.Round(users * Paths[p].PurchasesPerUser * AdPerformanceGenerator.Noise(rng, 0.03));
                yield return new FactRow(Ts(monday), [Paths[p].Path], [users, purchases, Math.Round(purchases * aov[p] * AdPerformanceGenerator.Noise(rng, 0.04), 2)]);
            }
        }
    }

    /// <summary>Weekly purchases and sales credited to a click on an ad against those after only seeing one.</summary>
    private static IEnumerable<FactRow> TouchRows(DemoInstance instance, DateOnly lastDay)
    {
        var rng = Rng(instance, TouchKey);
        var scale = 900 + rng.NextDouble() * 600;
        var viewShare = 0.28 + rng.NextDouble() * 0.14;
        foreach (var monday in Weeks(lastDay))
        {
            var total = scale * Season(monday) * AdPerformanceGenerator.Noise(rng, 0.05);
            var view = Math.Round(total * viewShare * AdPerformanceGenerator.Noise(rng, 0.04));
            var click = Math.Round(total - view);
            yield return new FactRow(Ts(monday), [ClickThrough], [click, Math.Round(click * 47.5 * AdPerformanceGenerator.Noise(rng, 0.03), 2)]);
            yield return new FactRow(Ts(monday), [ViewThrough], [view, Math.Round(view * 39.0 * AdPerformanceGenerator.Noise(rng, 0.03), 2)]);
        }
    }

    private static IEnumerable<FactRow> ReachRows(DemoInstance instance, DateOnly lastDay) =>
        ReachRows(Rng(instance, ReachKey), AdPerformanceGenerator.ForInstance(instance, lastDay).Campaigns.Select(c => c.Name).ToList(), lastDay, 20_000, 160_000);

    private static IEnumerable<FactRow> SegmentRows(DemoInstance instance, DateOnly lastDay) =>
        ReachRows(Rng(instance, SegmentsKey), Segments, lastDay, 60_000, 400_000);

    /// <summary>Weekly impressions, distinct users reached and impressions per user for each of <paramref name="groups"/>.</summary>
    private static IEnumerable<FactRow> ReachRows(Random rng, IReadOnlyList<string> groups, DateOnly lastDay, double minImpressions, double maxImpressions)
    {
        var traits = groups.Select(_ => (Impressions: minImpressions + rng.NextDouble() * (maxImpressions - minImpressions), Frequency: 1.6 + rng.NextDouble() * 2.6)).ToArray();
        foreach (var monday in Weeks(lastDay))
        {
            var season = Season(monday);
            for (var g = 0; g < groups.Count; g++)
            {
                var impressions = Math.Round(traits[g].Impressions * season * AdPerformanceGenerator.Noise(rng, 0.07));
                var frequency = traits[g].Frequency * (0.85 + 0.3 * (season - 1)) * AdPerformanceGenerator.Noise(rng, 0.05);
                var reach = Math.Max(1, Math.Round(impressions / frequency));
                yield return new FactRow(Ts(monday), [groups[g]], [impressions, reach, Math.Round(impressions / reach, 2)]);
            }
        }
    }
}

/// <summary>One extra demo dataset: its key, name, fields and the rows of one instance up to a last day (weekly grain).</summary>
public sealed record DemoDataset(
    string Key, string Name, IReadOnlyList<DimensionField> Dimensions, IReadOnlyList<MeasureField> Measures,
    Func<DemoInstance, DateOnly, IEnumerable<FactRow>> Rows)
{
    public const string Grain = "week";
}
