using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;

namespace Analytics.Tests.Domain;

/// <summary>
/// The second stage of a query against a plain re-computation: per (day, campaign) sums, then each metric's formula
/// evaluated one cell at a time by <see cref="Formula.Evaluate"/>. Sizes cross the row blocks the assembler evaluates
/// metrics in (2,048 rows), with missing cells (empty buckets), zero spend and repeated partials.
/// </summary>
public sealed class QueryAssemblerTests
{
    private static readonly Dataset Ads = new()
    {
        Id = 1, Key = "ads", Name = "Ads", SourceId = "s", Grain = "day",
        Dimensions = [new("campaign", "Campaign", 1)],
        Measures = [new("impressions", "Impressions", 1), new("clicks", "Clicks", 2), new("spend", "Spend", 3), new("sales", "Sales", 4)],
    };

    /// <summary>A custom metric with a constant, a negation and both operand orders: <c>-(spend - sales) / sales * 100</c>.</summary>
    private static readonly MetricDefinition Margin = new()
    {
        Name = "margin", Label = "Margin", Formula = "-(spend - sales) / sales * 100", IsDerived = true,
    };

    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2025-01-01T00:00:00Z");

    private static (QueryPlan Plan, QueryAssembler Assembler, Dictionary<(long, string), double?[]> Sums) Assemble(SemanticQuery query, int days, int campaigns, int seed)
    {
        var plan = QueryPlanner.Plan(NormalizedQuery.From(query, null), [Ads], new MetricResolver(BuiltInMetrics.All.Append(Margin)));
        var assembler = new QueryAssembler(plan);
        var random = new Random(seed);
        var sums = new Dictionary<(long, string), double?[]>();
        var width = plan.BaseMeasures.Count;
        for (var d = 0; d < days; d++)
        {
            var ts = Start.AddDays(d).ToUnixTimeSeconds();
            for (var c = 0; c < campaigns; c++)
            {
                if (random.Next(10) == 0) continue; // an empty cell
                var campaign = $"Campaign {c:000}";
                // Some cells arrive in two parts (two segments of a read), which the assembler sums.
                for (var part = 0; part < (random.Next(4) == 0 ? 2 : 1); part++)
                {
                    var partials = new Partial[width];
                    for (var m = 0; m < width; m++)
                    {
                        double? value = random.Next(12) switch
                        {
                            0 => 0,    // zero spend, sales, ...: division by zero
                            1 => null, // no value
                            _ => Math.Round(random.NextDouble() * 1000, 2),
                        };
                        partials[m] = new Partial(value, value is null ? 0 : 1);
                    }
                    assembler.Add(new AggregateRow(ts, [campaign], partials));
                    var key = (ts, campaign);
                    if (!sums.TryGetValue(key, out var acc)) sums[key] = acc = new double?[width];
                    for (var m = 0; m < width; m++) acc[m] = acc[m] is null ? partials[m].Value : partials[m].Value is { } v ? acc[m] + v : acc[m];
                }
            }
        }
        return (plan, assembler, sums);
    }

    private static double? Expected(QueryPlan plan, ResolvedMetric metric, double?[]? sums)
    {
        var value = metric.Formula.Evaluate(name =>
        {
            var i = plan.BaseMeasures.ToList().FindIndex(m => m.Equals(name, StringComparison.OrdinalIgnoreCase));
            return i < 0 || sums is null ? null : sums[i];
        });
        return value is { } v && double.IsFinite(v) ? v : null;
    }

    private static SemanticQuery Query(int days) => new()
    {
        Metrics = ["roas", "ctr", "margin", "spend"], GroupBy = ["campaign"], Granularity = "day",
        TimeRange = new QueryTimeRange(Start, Start.AddDays(days)), Limit = 100_000,
    };

    [Fact]
    public void Rows_in_default_order_equal_the_formulas_evaluated_cell_by_cell_across_blocks_and_empty_buckets()
    {
        const int days = 30, campaigns = 97; // 2,910 cells: two blocks, the second one partial
        var (plan, assembler, sums) = Assemble(Query(days), days, campaigns, seed: 5);
        var (columns, rows, total) = assembler.Build(name => (name, null));

        columns.Select(c => c.Name).Should().Equal("time", "campaign", "roas", "ctr", "margin", "spend");
        total.Should().Be(days * campaigns, "every day of every campaign seen is listed, empty ones too");
        rows.Should().HaveCount(total);
        var r = 0;
        for (var d = 0; d < days; d++)
        {
            var ts = Start.AddDays(d).ToUnixTimeSeconds();
            for (var c = 0; c < campaigns; c++, r++)
            {
                var campaign = $"Campaign {c:000}";
                var row = rows[r];
                row[0].Should().Be(Start.AddDays(d).UtcDateTime);
                row[1].Should().Be(campaign);
                sums.TryGetValue((ts, campaign), out var cell);
                for (var m = 0; m < plan.Metrics.Count; m++)
                {
                    var expected = Expected(plan, plan.Metrics[m], cell);
                    if (expected is null) row[2 + m].Should().BeNull($"{plan.Metrics[m].Name} of {campaign} on day {d}");
                    else ((double)row[2 + m]!).Should().BeApproximately(expected.Value, 1e-9, $"{plan.Metrics[m].Name} of {campaign} on day {d}");
                }
            }
        }
        rows.Any(x => x[2] is null).Should().BeTrue("zero spend and empty cells give null ROAS, which this data must exercise");
    }

    [Fact]
    public void A_sort_by_a_metric_puts_nulls_last_in_both_directions_then_orders_by_time_and_campaign_and_limits()
    {
        const int days = 25, campaigns = 90;
        foreach (var desc in new[] { true, false })
        {
            var query = Query(days) with { Sort = [new QuerySort("roas", desc)], Limit = 1_000 };
            var (plan, assembler, sums) = Assemble(query, days, campaigns, seed: 11);
            var (_, rows, total) = assembler.Build(name => (name, null));

            var roas = plan.Metrics.First(m => m.Name == "roas");
            var expected = Enumerable.Range(0, days).SelectMany(d => Enumerable.Range(0, campaigns).Select(c =>
                {
                    var ts = Start.AddDays(d).ToUnixTimeSeconds();
                    var campaign = $"Campaign {c:000}";
                    return (Time: ts, Campaign: campaign, Roas: Expected(plan, roas, sums.GetValueOrDefault((ts, campaign))));
                }))
                .OrderBy(x => x.Roas is null)
                .ThenBy(x => desc ? -(x.Roas ?? 0) : x.Roas ?? 0)
                .ThenBy(x => x.Time).ThenBy(x => x.Campaign, StringComparer.Ordinal)
                .Take(1_000).ToList();

            total.Should().Be(days * campaigns);
            rows.Should().HaveCount(1_000);
            rows.Select(x => ((DateTime)x[0]!, (string)x[1]!, (double?)x[2]))
                .Should().Equal(expected.Select(x => (DateTimeOffset.FromUnixTimeSeconds(x.Time).UtcDateTime, x.Campaign, x.Roas)), $"sorted {(desc ? "descending" : "ascending")}");
        }
    }

    [Fact]
    public void Rows_are_values_changing_one_read_changes_nothing_and_the_assembler_is_used_once()
    {
        var (_, assembler, _) = Assemble(Query(3), 3, 4, seed: 2);
        var (_, rows, _) = assembler.Build(name => (name, null));

        var first = rows[0];
        var original = first.ToArray();
        first[1] = "changed";
        first[2] = -1.0;
        rows[0].Should().Equal(original);
        rows.Should().HaveCount(12).And.AllSatisfy(r => r.Should().HaveCount(6));
        var outOfRange = () => rows[12];
        outOfRange.Should().Throw<ArgumentOutOfRangeException>();

        var again = () => assembler.Build(name => (name, null));
        again.Should().Throw<ObjectDisposedException>("its partials went back to the pool");
    }
}
