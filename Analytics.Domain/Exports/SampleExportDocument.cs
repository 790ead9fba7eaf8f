using Analytics.Domain.Demo;
using Analytics.Domain.Query;

namespace Analytics.Domain.Exports;

/// <summary>
/// A deterministic, demo-like dashboard document (Northwind's campaigns over 30 days): KPIs, every chart kind, tables,
/// notes. Used by the export benchmark and the tests; the numbers are derived from one seeded fact table, so widgets agree.
/// </summary>
public static class SampleExportDocument
{
    private sealed record Fact(DateTime Day, string Campaign, string Type, string ProductLine, double Impressions, double Clicks, double Spend, double Sales, double Purchases);

    public static ExportDocument Create(int widgetCount = 20, DateOnly? lastDay = null, int seed = DemoWorkspace.Seed, int days = 30)
    {
        var end = lastDay ?? new DateOnly(2025, 6, 30);
        var instance = DemoWorkspace.Instances[0];
        var rng = new Random(seed);
        var types = new[] { "Sponsored Products", "Sponsored Brands", "Sponsored Display" };
        var facts = new List<Fact>();
        foreach (var (line, i) in instance.ProductLines.Select((l, i) => (l, i)))
        {
            var type = types[i % types.Length];
            var campaign = $"{instance.Brand} {line} – {type.Split(' ')[1]}";
            var baseSpend = 180 + rng.NextDouble() * 520;
            var roas = 2.2 + rng.NextDouble() * 3.1;
            for (var d = 0; d < days; d++)
            {
                var day = end.AddDays(d - days + 1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                var weekly = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1.18 : 0.95;
                var spend = Math.Round(baseSpend * weekly * (0.85 + rng.NextDouble() * 0.3) * (1 + d * 0.006), 2);
                var cpc = 0.65 + rng.NextDouble() * 0.9;
                var clicks = Math.Round(spend / cpc);
                var impressions = Math.Round(clicks / (0.0025 + rng.NextDouble() * 0.004));
                var sales = Math.Round(spend * roas * (0.8 + rng.NextDouble() * 0.4), 2);
                var purchases = Math.Round(sales / (28 + rng.NextDouble() * 20));
                facts.Add(new Fact(day, campaign, type, line, impressions, clicks, spend, sales, purchases));
            }
        }

        var start = end.AddDays(-days + 1);
        var widgets = new List<ExportWidget>();
        var builders = Widgets(facts, end).ToList();
        for (var i = 0; i < widgetCount; i++)
        {
            var w = builders[i % builders.Count];
            var round = i / builders.Count;
            var y = round * 44 + w.Position.Y;
            widgets.Add(w with { Id = $"w{i + 1}", Title = round == 0 ? w.Title : $"{w.Title} ({round + 1})", Position = w.Position with { Y = y } });
        }
        var totals = Totals(facts);
        return new ExportDocument
        {
            Title = $"{instance.Brand} advertising overview",
            Description = "Sponsored ads performance across campaigns: spend, sales, return on ad spend and efficiency, with the daily trend and the campaign table.",
            TimeRange = new ExportLabel("Time range", $"{start:d MMM yyyy} – {end:d MMM yyyy}"),
            Filters = [new ExportLabel("Source", instance.Name), new ExportLabel("Campaign type", string.Join(", ", types))],
            GeneratedAt = new DateTimeOffset(end.AddDays(1).ToDateTime(new TimeOnly(7, 30)), TimeSpan.Zero),
            Currency = instance.Currency,
            Summary = new ExecutiveSummary(
                [
                    new ExportKpi("Spend", totals.Spend, "currency", -0.046, false, Daily(facts, f => f.Spend)),
                    new ExportKpi("Sales", totals.Sales, "currency", 0.081, true, Daily(facts, f => f.Sales)),
                    new ExportKpi("ROAS", totals.Sales / totals.Spend, "ratio", 0.004, true),
                    new ExportKpi("ACOS", totals.Spend / totals.Sales, "percent", -0.012, false),
                ],
                [
                    new ExportInsightText("Sales up week over week", $"Sales rose 8.1% to {totals.Sales:N0} while spend grew less, so ROAS improved.", "Medium"),
                    new ExportInsightText("Weekend lift", "Clicks and spend run about 20% higher on Saturdays and Sundays across all campaigns.", "Low"),
                ]),
            Widgets = widgets,
        };
    }

    private static (double Spend, double Sales, double Clicks, double Impressions, double Purchases) Totals(IEnumerable<Fact> facts)
    {
        var list = facts.ToList();
        return (list.Sum(f => f.Spend), list.Sum(f => f.Sales), list.Sum(f => f.Clicks), list.Sum(f => f.Impressions), list.Sum(f => f.Purchases));
    }

    private static List<double?> Daily(List<Fact> facts, Func<Fact, double> value) =>
        facts.GroupBy(f => f.Day).OrderBy(g => g.Key).Select(g => (double?)Math.Round(g.Sum(value), 2)).ToList();

    private static IEnumerable<ExportWidget> Widgets(List<Fact> facts, DateOnly end)
    {
        var t = Totals(facts);
        var byDay = facts.GroupBy(f => f.Day).OrderBy(g => g.Key).ToList();
        var byCampaign = facts.GroupBy(f => f.Campaign).OrderBy(g => g.Key).ToList();
        var byType = facts.GroupBy(f => f.Type).OrderBy(g => g.Key).ToList();

        QueryColumn Time() => new("time", "time", "time", "Day");
        QueryColumn Dim(string name, string label) => new(name, "string", "dimension", label);
        QueryColumn Metric(string name, string label, string format) => new(name, "number", "metric", label, format);

        yield return Kpi("Spend", "spend", "currency", t.Spend, -0.046, false, byDay.Select(g => g.Sum(f => f.Spend)), new(0, 0, 3, 2));
        yield return Kpi("Sales", "sales", "currency", t.Sales, 0.081, true, byDay.Select(g => g.Sum(f => f.Sales)), new(3, 0, 3, 2));
        yield return Kpi("ROAS", "roas", "ratio", t.Sales / t.Spend, 0.004, true, byDay.Select(g => g.Sum(f => f.Sales) / g.Sum(f => f.Spend)), new(6, 0, 3, 2));
        yield return Kpi("ACOS", "acos", "percent", t.Spend / t.Sales, -0.012, false, byDay.Select(g => g.Sum(f => f.Spend) / g.Sum(f => f.Sales)), new(9, 0, 3, 2));

        yield return Chart("line", "Sales and spend by day", new(0, 2, 8, 5),
            [Time(), Metric("sales", "Sales", "currency"), Metric("spend", "Spend", "currency")],
            byDay.Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Sales), 2), Math.Round(g.Sum(f => f.Spend), 2) }));
        yield return Chart("donut", "Sales by product line", new(8, 2, 4, 5),
            [Dim("product_line", "Product line"), Metric("sales", "Sales", "currency")],
            facts.GroupBy(f => f.ProductLine).OrderBy(g => g.Key).Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Sales), 2) }), granularity: "none");
        yield return Chart("bar", "Spend by campaign", new(0, 7, 6, 5),
            [Dim("campaign", "Campaign"), Metric("spend", "Spend", "currency")],
            byCampaign.Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Spend), 2) }), granularity: "none");
        yield return Chart("bar", "ROAS by campaign", new(6, 7, 6, 5),
            [Dim("campaign", "Campaign"), Metric("roas", "ROAS", "ratio")],
            byCampaign.Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Sales) / g.Sum(f => f.Spend), 4) }),
            new ExportWidgetOptions(Horizontal: true), granularity: "none");
        yield return Chart("area", "Sales by campaign type", new(0, 12, 6, 5),
            [Time(), Dim("campaign_type", "Campaign type"), Metric("sales", "Sales", "currency")],
            byDay.SelectMany(g => g.GroupBy(f => f.Type).OrderBy(x => x.Key).Select(x => new object?[] { g.Key, x.Key, Math.Round(x.Sum(f => f.Sales), 2) })),
            new ExportWidgetOptions(Stacked: true));
        yield return Chart("bar", "Clicks by week and campaign type", new(6, 12, 6, 5),
            [new QueryColumn("time", "time", "time", "Week"), Dim("campaign_type", "Campaign type"), Metric("clicks", "Clicks", "integer")],
            byDay.GroupBy(g => g.Key.AddDays(-(((int)g.Key.DayOfWeek + 6) % 7))).SelectMany(w => w.SelectMany(d => d).GroupBy(f => f.Type).OrderBy(x => x.Key)
                .Select(x => new object?[] { w.Key, x.Key, x.Sum(f => f.Clicks) })),
            new ExportWidgetOptions(Stacked: true), granularity: "week");
        yield return Chart("pie", "Spend share by campaign type", new(0, 17, 4, 5),
            [Dim("campaign_type", "Campaign type"), Metric("spend", "Spend", "currency")],
            byType.Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Spend), 2) }), granularity: "none");
        yield return Chart("heatmap", "Clicks by campaign and day", new(4, 17, 8, 5),
            [Time(), Dim("campaign", "Campaign"), Metric("clicks", "Clicks", "integer")],
            facts.Where(f => f.Day >= end.AddDays(-13).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)).OrderBy(f => f.Day).ThenBy(f => f.Campaign)
                .Select(f => new object?[] { f.Day, f.Campaign, f.Clicks }));
        yield return Chart("gauge", "ACOS against target", new(0, 22, 3, 4),
            [Metric("acos", "ACOS", "percent")], [[Math.Round(t.Spend / t.Sales, 4)]], new ExportWidgetOptions(Min: 0, Max: 0.5, Target: 0.25), granularity: "none");
        yield return Chart("line", "Click-through rate by day", new(3, 22, 5, 4),
            [Time(), Metric("ctr", "CTR", "percent")],
            byDay.Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Clicks) / g.Sum(f => f.Impressions), 5) }));
        yield return Text("Notes", new(8, 22, 4, 4), """
            ## This month
            - **Tents** carried the quarter: best ROAS of all product lines.
            - Display campaigns were paused for two days mid-month.
            - Budgets move to *Sleeping Bags* from July.

            Questions: ask the marketing team.
            """);
        yield return Chart("table", "Campaign performance", new(0, 26, 12, 6),
            [Dim("campaign", "Campaign"), Dim("campaign_type", "Type"), Metric("impressions", "Impressions", "integer"), Metric("clicks", "Clicks", "integer"),
             Metric("spend", "Spend", "currency"), Metric("sales", "Sales", "currency"), Metric("ctr", "CTR", "percent"), Metric("roas", "ROAS", "ratio"), Metric("acos", "ACOS", "percent")],
            byCampaign.Select(g => new object?[]
            {
                g.Key, g.First().Type, g.Sum(f => f.Impressions), g.Sum(f => f.Clicks), Math.Round(g.Sum(f => f.Spend), 2), Math.Round(g.Sum(f => f.Sales), 2),
                g.Sum(f => f.Clicks) / g.Sum(f => f.Impressions), g.Sum(f => f.Sales) / g.Sum(f => f.Spend), g.Sum(f => f.Spend) / g.Sum(f => f.Sales),
            }), granularity: "none");
        yield return Chart("bar", "CPC by campaign type", new(0, 32, 4, 4),
            [Dim("campaign_type", "Campaign type"), Metric("cpc", "CPC", "currency")],
            byType.Select(g => new object?[] { g.Key, Math.Round(g.Sum(f => f.Spend) / g.Sum(f => f.Clicks), 4) }), granularity: "none");
        yield return Kpi("Purchases", "purchases", "integer", t.Purchases, 0.052, true, byDay.Select(g => g.Sum(f => f.Purchases)), new(4, 32, 4, 4));
        yield return Chart("gauge", "Monthly budget used", new(8, 32, 4, 4),
            [Metric("spend", "Spend", "currency")], [[Math.Round(t.Spend, 2)]], new ExportWidgetOptions(Min: 0, Max: Math.Ceiling(t.Spend * 1.25 / 1000) * 1000), granularity: "none");
        yield return Chart("table", "Daily detail by campaign", new(0, 36, 12, 8),
            [Time(), Dim("campaign", "Campaign"), Metric("impressions", "Impressions", "integer"), Metric("clicks", "Clicks", "integer"),
             Metric("spend", "Spend", "currency"), Metric("sales", "Sales", "currency"), Metric("purchases", "Purchases", "integer")],
            facts.OrderBy(f => f.Day).ThenBy(f => f.Campaign).Select(f => new object?[] { f.Day, f.Campaign, f.Impressions, f.Clicks, f.Spend, f.Sales, f.Purchases }));
        var checkedAt = end.ToDateTime(new TimeOnly(23, 0), DateTimeKind.Utc);
        yield return Chart(ExportWidgetKinds.Alert, "Alerts", new(0, 44, 6, 3),
            [Dim("rule", "Rule"), Dim("state", "State"), new QueryColumn("since", "time", "time", "Since"), Metric("last_value", "Last value", "number"), Dim("condition", "Condition"), new QueryColumn("checked", "time", "time", "Checked")],
            [
                ["ROAS under 2", "firing", checkedAt.AddHours(-5), 1.74, "roas < 2 over 1d", checkedAt],
                ["Daily spend over budget", "ok", checkedAt.AddDays(-3), 2950.0, "spend > 3500 over 1d", checkedAt],
            ], granularity: "none");
    }

    private static ExportWidget Kpi(string title, string metric, string format, double value, double change, bool higherIsBetter, IEnumerable<double> series, GridPosition position)
    {
        var points = series.Select(v => (double?)Math.Round(v, 4)).ToList();
        return new ExportWidget
        {
            Id = metric, Kind = ExportWidgetKinds.Kpi, Title = title, Position = position,
            Kpi = new ExportKpi(title, value, format, change, higherIsBetter, points),
            Data = Result([new QueryColumn(metric, "number", "metric", title, format)], [[value]], "none"),
        };
    }

    private static ExportWidget Chart(string kind, string title, GridPosition position, List<QueryColumn> columns, IEnumerable<object?[]> rows,
        ExportWidgetOptions? options = null, string granularity = "day") => new()
        {
            Id = title, Kind = kind, Title = title, Position = position, Options = options ?? new ExportWidgetOptions(),
            Data = Result(columns, rows.ToList(), granularity),
        };

    private static ExportWidget Text(string title, GridPosition position, string markdown) => new()
    {
        Id = title, Kind = ExportWidgetKinds.Text, Title = title, Position = position, Markdown = markdown,
    };

    public static QueryResult Result(IReadOnlyList<QueryColumn> columns, IReadOnlyList<object?[]> rows, string granularity = "day") =>
        new(columns, rows, new QueryMeta([], "raw", "miss", "UTC", granularity, rows.Count, false, []));
}
