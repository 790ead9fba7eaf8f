using System.Globalization;
using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Data.Facts;
using Analytics.Data.Seeding;
using Analytics.Domain.Access;
using Analytics.Domain.Demo;
using Analytics.Domain.Facts;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using static Analytics.Benchmarks.ChatEvaluation;
using Fact = Analytics.Benchmarks.ChatEvaluation.Fact;

namespace Analytics.Benchmarks;

/// <summary>
/// A generated evaluation of the offline planner that cannot be tuned to by accident: its own advertisers (not the demo
/// workspace), questions made of templates × phrasings × periods × campaigns (with multi-turn follow-ups), each expected
/// answer computed by straight LINQ over the generated rows with the calendar dates written out by hand, and a fixed-seed
/// split into a tuning half and a held-out half. Only the held-out accuracy is reported unless
/// <see cref="ShowHeldOutVariable"/> is set.
/// </summary>
public static class ChatQuestionSet
{
    public const string ShowHeldOutVariable = "ANALYTICS_CHAT_EVAL_SHOW_HELD_OUT";
    public const int SplitSeed = 17_2026;
    public const int SampleSeed = 20_260_315;
    public const int Size = 360;

    /// <summary>The data runs from <see cref="FirstDay"/> to the day before <see cref="ChatEvaluation.Today"/>.</summary>
    public static readonly DateOnly FirstDay = new(2024, 9, 1);
    public static readonly DateOnly LastDay = new(2026, 3, 14);

    public static IReadOnlyList<DemoInstance> Instances { get; } =
    [
        new("eval-tailspin", "Tailspin Toys (US)", "Tailspin", "USD", ["Drones", "Puzzles", "Kites", "Marbles", "Robots", "Yoyos"]),
        new("eval-wingtip", "Wingtip Garden (UK)", "Wingtip", "GBP", ["Shovels", "Planters", "Hoses", "Seeds", "Gloves", "Lanterns"]),
    ];

    private static AdPerformanceGenerator Generator(DemoInstance instance) =>
        new(AdPerformanceGenerator.ForInstance(instance, LastDay, seed: 4242, days: LastDay.DayNumber - FirstDay.DayNumber + 1));

    private static IReadOnlyList<Fact>? _facts;

    /// <summary>Every generated row, as facts (what <see cref="SeedAsync"/> writes).</summary>
    public static IReadOnlyList<Fact> Facts => _facts ??= Instances.SelectMany(instance => Generator(instance).Rows().Select(r =>
        new Fact(instance.SourceId, DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(r.Ts).UtcDateTime),
            r.Dimensions[0]!, r.Dimensions[1]!, r.Dimensions[2]!, r.Measures[0] ?? 0, r.Measures[1] ?? 0, r.Measures[2] ?? 0, r.Measures[3] ?? 0, r.Measures[4] ?? 0))).ToList();

    /// <summary>Writes the two advertisers (sources, datasets, facts) and the built-in metrics into an empty database.</summary>
    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.GetRequiredService<DemoWorkspaceSeeder>().SeedBuiltInMetricsAsync(ct);
        var factory = services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>();
        var store = services.GetRequiredService<FactStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var instance in Instances)
        {
            Dataset dataset;
            await using (var db = await factory.CreateDbContextAsync(ct))
            {
                db.Sources.Add(new DataSource
                {
                    Id = instance.SourceId, Name = instance.Name, Kind = SourceKind.Demo, OwnerId = DemoWorkspaceSeeder.SystemOwner,
                    Description = "Generated for the chat evaluation.", SettingsJson = $$"""{"currency":"{{instance.Currency}}"}""", CreatedAt = now, UpdatedAt = now,
                });
                dataset = new Dataset
                {
                    Key = DemoWorkspace.DatasetKey, Name = $"Ad performance · {instance.Name}", SourceId = instance.SourceId,
                    Grain = "day", Dimensions = DemoWorkspace.Dimensions(), Measures = DemoWorkspace.Measures(), CreatedAt = now, UpdatedAt = now,
                };
                db.Datasets.Add(dataset);
                await db.SaveChangesAsync(ct);
            }
            await store.WriteAsync(dataset, Generator(instance).Rows(), FactWriteMode.Insert, ct);
        }
    }

    // ---------------------------------------------------------------- expectations (LINQ over the rows)

    private static IEnumerable<Fact> In(DateOnly s, DateOnly e, Func<Fact, bool>? w) => Facts.Where(f => f.Day >= s && f.Day < e && (w is null || w(f)));

    private static Totals Total(string m, DateOnly s, DateOnly e, Func<Fact, bool>? w = null) => new([(m, Metric(m, In(s, e, w)))]);

    private static Groups By(string m, Func<Fact, string> key, DateOnly s, DateOnly e, Func<Fact, bool>? w = null) =>
        new(m, In(s, e, w).GroupBy(key).ToDictionary(g => g.Key, g => Metric(m, g)));

    private static Ranking Top(string m, int n, bool desc, DateOnly s, DateOnly e)
    {
        var all = In(s, e, null).GroupBy(f => f.Campaign).Select(g => (g.Key, Value: Metric(m, g))).Where(x => x.Value is not null).Select(x => (x.Key, Value: x.Value!.Value));
        return new Ranking(m, (desc ? all.OrderByDescending(x => x.Value) : all.OrderBy(x => x.Value)).Take(n).ToList());
    }

    private static Totals Average(string m, string per, DateOnly s, DateOnly e)
    {
        var rows = In(s, e, null).ToList();
        var days = rows.Select(f => f.Day).Distinct().Count();
        var total = Metric(m, rows);
        return new([($"{m}_per_{per}", total / (per == "week" ? days / 7.0 : days))]);
    }

    private static Groups Share(string m, Func<Fact, string> key, DateOnly s, DateOnly e)
    {
        var rows = In(s, e, null).ToList();
        var total = rows.Sum(f => Metric(m, [f]) ?? 0);
        return new($"{m}_share", rows.GroupBy(key).ToDictionary(g => g.Key, g => Metric(m, g) / total));
    }

    private static Series Weekly(string m, DateOnly s, DateOnly e) =>
        new(m, In(s, e, null).GroupBy(f => f.Day.AddDays(-(((int)f.Day.DayOfWeek + 6) % 7)))
            .ToDictionary(g => g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g => Metric(m, g)));

    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    private sealed record Period(string Words, DateOnly Start, DateOnly End);

    private sealed record MetricWords(string Metric, string Words);

    /// <summary>The periods as analysts write them, each with its [start, end) worked out by hand for Sunday 2026-03-15.</summary>
    private static readonly Period[] Periods =
    [
        new("in the week of June 2, 2025", D(2025, 6, 2), D(2025, 6, 9)),
        new("in the week of September 8, 2025", D(2025, 9, 8), D(2025, 9, 15)),
        new("during the week of Wednesday June 4 2025", D(2025, 6, 2), D(2025, 6, 9)),
        new("in week 10 of 2025", D(2025, 3, 3), D(2025, 3, 10)),
        new("in 2025-W20", D(2025, 5, 12), D(2025, 5, 19)),
        new("between March 3 and March 9, 2025", D(2025, 3, 3), D(2025, 3, 10)),
        new("from Jan 15 to Jan 31, 2026", D(2026, 1, 15), D(2026, 2, 1)),
        new("Jan 15–31, 2026", D(2026, 1, 15), D(2026, 2, 1)),
        new("from 2025-11-03 to 2025-11-16", D(2025, 11, 3), D(2025, 11, 17)),
        new("between 1 May 2025 and 10 May 2025", D(2025, 5, 1), D(2025, 5, 11)),
        new("in Q3 2025", D(2025, 7, 1), D(2025, 10, 1)),
        new("in Q4 2024", D(2024, 10, 1), D(2025, 1, 1)),
        new("in the second half of 2025", D(2025, 7, 1), D(2026, 1, 1)),
        new("in the first half of 2025", D(2025, 1, 1), D(2025, 7, 1)),
        new("in H1 2025", D(2025, 1, 1), D(2025, 7, 1)),
        new("in October 2025", D(2025, 10, 1), D(2025, 11, 1)),
        new("in August", D(2025, 8, 1), D(2025, 9, 1)),
        new("in December", D(2025, 12, 1), D(2026, 1, 1)),
        new("in February", D(2026, 2, 1), D(2026, 3, 1)),
        new("last year", D(2025, 1, 1), D(2026, 1, 1)),
        new("last weekend", D(2026, 3, 7), D(2026, 3, 9)),
        new("year to date", D(2026, 1, 1), D(2026, 3, 15)),
        new("month to date", D(2026, 3, 1), D(2026, 3, 15)),
        new("yesterday", D(2026, 3, 14), D(2026, 3, 15)),
        new("in the last 3 full weeks", D(2026, 2, 16), D(2026, 3, 9)),
        new("on June 2, 2025", D(2025, 6, 2), D(2025, 6, 3)),
        new("on 2 June 2025", D(2025, 6, 2), D(2025, 6, 3)),
        new("on 2025-06-02", D(2025, 6, 2), D(2025, 6, 3)),
        new("on Jun 2", D(2025, 6, 2), D(2025, 6, 3)),
        new("last month", D(2026, 2, 1), D(2026, 3, 1)),
        new("last week", D(2026, 3, 2), D(2026, 3, 9)),
    ];

    private static readonly MetricWords[] Summable =
        [new("spend", "spend"), new("sales", "sales"), new("clicks", "clicks"), new("impressions", "impressions"), new("purchases", "orders"), new("sales", "revenue")];

    private static readonly MetricWords[] AllMetrics =
        [.. Summable, new("roas", "ROAS"), new("acos", "ACOS"), new("ctr", "CTR"), new("cpc", "cost per click")];

    private static Func<Fact, bool> Line(string line) => f => f.Campaign.Contains($" - {line} - ", StringComparison.Ordinal);

    private static string Cap(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Every generated question (before sampling).</summary>
    public static IReadOnlyList<Case> All()
    {
        var rng = new Random(SampleSeed);
        T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];
        var lines = Instances.SelectMany(i => i.ProductLines).ToList();
        var cases = new List<Case>();
        void Add(string category, Expectation e, params string[] turns) => cases.Add(new Case(category, turns, e));
        Func<Fact, string> campaign = f => f.Campaign, type = f => f.Type;

        foreach (var p in Periods)
        {
            var weeksLong = p.End.DayNumber - p.Start.DayNumber >= 14;
            string[] totals = ["What was our {m} {p}?", "{M} {p}", "Show me {m} {p}", "Total {m} {p}", "How much {m} did we have {p}?"];
            foreach (var t in totals)
            {
                var m = Pick(AllMetrics);
                Add("total", Total(m.Metric, p.Start, p.End), t.Replace("{m}", m.Words).Replace("{M}", Cap(m.Words)).Replace("{p}", p.Words));
            }
            {
                var m = Pick(AllMetrics);
                var line = Pick(lines);
                Add("campaign", Total(m.Metric, p.Start, p.End, Line(line)), $"{Cap(m.Words)} for the {line} campaign {p.Words}");
                line = Pick(lines);
                Add("campaign", Total("clicks", p.Start, p.End, Line(line)), $"How many clicks did {line} get {p.Words}?");
                var instance = Pick(Instances);
                m = Pick(AllMetrics);
                Add("instance", Total(m.Metric, p.Start, p.End, f => f.Source == instance.SourceId), $"{Cap(m.Words)} for {instance.Brand} {p.Words}");
            }
            {
                var m = Pick(AllMetrics);
                Add("breakdown", By(m.Metric, campaign, p.Start, p.End), $"{Cap(m.Words)} by campaign {p.Words}");
                m = Pick(AllMetrics);
                Add("breakdown", By(m.Metric, type, p.Start, p.End), $"{Cap(m.Words)} per campaign type {p.Words}");
            }
            {
                var m = Pick(AllMetrics);
                Add("top", Top(m.Metric, 3, true, p.Start, p.End), $"Top 3 campaigns by {m.Words} {p.Words}");
                m = Pick(AllMetrics);
                Add("bottom", Top(m.Metric, 2, false, p.Start, p.End), $"Bottom 2 campaigns by {m.Words} {p.Words}");
                m = Pick(AllMetrics);
                Add("top", Top(m.Metric, 1, true, p.Start, p.End), $"Which campaign had the highest {m.Words} {p.Words}?");
            }
            {
                var m = Pick(Summable);
                Add("average", Average(m.Metric, "day", p.Start, p.End), $"Average daily {m.Words} {p.Words}");
                m = Pick(Summable);
                Add("average", Average(m.Metric, "day", p.Start, p.End), $"What was our average {m.Words} per day {p.Words}?");
                if (weeksLong)
                {
                    m = Pick(Summable);
                    Add("average", Average(m.Metric, "week", p.Start, p.End), $"Average weekly {m.Words} {p.Words}");
                }
                m = Pick(Summable);
                Add("share", Share(m.Metric, campaign, p.Start, p.End), $"Share of {m.Words} by campaign {p.Words}");
                m = Pick(Summable);
                Add("share", Share(m.Metric, type, p.Start, p.End), $"What percentage of {m.Words} came from each campaign type {p.Words}?");
            }
            {
                // Follow-ups: each changes one thing and keeps the rest.
                var m = Pick(AllMetrics);
                var line = Pick(lines);
                Add("follow-metric", Total("sales", p.Start, p.End, Line(line)), $"{Cap(m.Words)} for the {line} campaign {p.Words}", "And the sales?");
                var other = Pick(lines.Where(l => l != line).ToList());
                m = Pick(AllMetrics);
                Add("follow-campaign", Total(m.Metric, p.Start, p.End, Line(other)), $"{Cap(m.Words)} for the {line} campaign {p.Words}", $"How about {other}?");
                m = Pick(AllMetrics);
                Add("follow-filter", By(m.Metric, campaign, p.Start, p.End, f => f.Campaign.EndsWith(" - Brand", StringComparison.Ordinal)), $"{Cap(m.Words)} by campaign {p.Words}", "only Brand campaigns");
                if (weeksLong)
                {
                    m = Pick(Summable);
                    Add("follow-granularity", Weekly(m.Metric, p.Start, p.End), $"Daily {m.Words} {p.Words}", "by week instead");
                }
            }
        }
        // "And in <month>?" after a month: the year of the conversation's period.
        (string First, string Then, DateOnly Start)[] months =
        [
            ("in September 2025", "And in October?", D(2025, 10, 1)), ("in January 2025", "And in March?", D(2025, 3, 1)),
            ("in October 2024", "And in December?", D(2024, 12, 1)), ("in July 2025", "And in May?", D(2025, 5, 1)),
            ("in February 2026", "How about January?", D(2026, 1, 1)), ("in November 2025", "and in August?", D(2025, 8, 1)),
        ];
        foreach (var (first, then, start) in months)
        {
            foreach (var m in AllMetrics)
                Add("follow-period", Total(m.Metric, start, start.AddMonths(1)), $"{Cap(m.Words)} {first}", then);
        }
        // Periods without data: the answer says which period was read and what the data covers.
        const string covers = "Sep 1, 2024 – Mar 14, 2026";
        foreach (var m in AllMetrics)
        {
            Add("no-data", new Says("2023", covers), $"{Cap(m.Words)} in 2023");
            Add("no-data", new Says("May 27, 2024", covers), $"{Cap(m.Words)} in the week of June 2, 2024");
            Add("no-data", new Says("Q3 2026", covers), $"{Cap(m.Words)} in Q3 2026");
        }
        // Ambiguous dates: one short question back with both readings.
        foreach (var m in AllMetrics)
        {
            Add("clarify", new Says("Mar 4, 2025", "Apr 3, 2025"), $"{Cap(m.Words)} on 03/04/2025");
            Add("clarify", new Says("Jun 7, 2025", "Jul 6, 2025"), $"{Cap(m.Words)} on 6/7/2025");
        }
        return cases;
    }

    /// <summary>A fixed-seed sample of <see cref="Size"/> questions, split by a second fixed seed into two halves.</summary>
    public static (IReadOnlyList<Case> Tuning, IReadOnlyList<Case> HeldOut) Split()
    {
        var all = All().ToList();
        var sample = all.OrderBy(_ => 0).ToList();
        var rng = new Random(SplitSeed);
        for (var i = sample.Count - 1; i > 0; i--)
        {
            var j = rng.Next(i + 1);
            (sample[i], sample[j]) = (sample[j], sample[i]);
        }
        sample = sample.Take(Size).ToList();
        return (sample.Where((_, i) => i % 2 == 0).ToList(), sample.Where((_, i) => i % 2 == 1).ToList());
    }

    /// <summary>The issue's own examples (issue 17), over the generated data.</summary>
    public static IReadOnlyList<Case> IssueExamples()
    {
        var drones = Line("Drones");
        return
        [
            new("issue", ["How many clicks did Drones get in the week of June 2, 2025?"], Total("clicks", D(2025, 6, 2), D(2025, 6, 9), drones)),
            new("issue", ["What was our spend in September 2025?", "And in October?"], Total("spend", D(2025, 10, 1), D(2025, 11, 1))),
            new("issue", ["Sales between March 3 and March 9, 2025"], Total("sales", D(2025, 3, 3), D(2025, 3, 10))),
            new("issue", ["What was our ROAS in the second half of 2025?"], Total("roas", D(2025, 7, 1), D(2026, 1, 1))),
            new("issue", ["Spend in week 10 of 2025"], Total("spend", D(2025, 3, 3), D(2025, 3, 10))),
            new("issue", ["Clicks from Jan 15 to Jan 31, 2026"], Total("clicks", D(2026, 1, 15), D(2026, 2, 1))),
            new("issue", ["How much did we spend in the week of September 8, 2025?"], Total("spend", D(2025, 9, 8), D(2025, 9, 15))),
        ];
    }

    /// <summary>Accuracy and latency of a run; failing questions only when <paramref name="showFailures"/>.</summary>
    public static object Summarize(IReadOnlyList<Outcome> outcomes, bool showFailures)
    {
        var ms = outcomes.Select(o => o.Ms).Order().ToList();
        double P(double q) => ms.Count == 0 ? 0 : Math.Round(ms[Math.Clamp((int)Math.Ceiling(q * ms.Count) - 1, 0, ms.Count - 1)], 1);
        var correct = outcomes.Count(o => o.Correct);
        return new
        {
            questions = outcomes.Count,
            correct,
            accuracy = Math.Round((double)correct / Math.Max(1, outcomes.Count), 4),
            latencyMs = new { p50 = P(0.5), p95 = P(0.95), max = P(1) },
            wrong = showFailures ? outcomes.Where(o => !o.Correct).Select(o => new { question = string.Join(" → ", o.Case.Turns), why = o.Why }) : null,
        };
    }

    public static bool ShowHeldOut => Environment.GetEnvironmentVariable(ShowHeldOutVariable) is "1" or "true";

    /// <summary>Runs both halves as <paramref name="actor"/>.</summary>
    public static async Task<object> RunAsync(ChatService chat, Actor actor, CancellationToken ct)
    {
        var (tuning, heldOut) = Split();
        var t = await ChatEvaluation.RunAsync(chat, actor, ct, tuning);
        var h = await ChatEvaluation.RunAsync(chat, actor, ct, heldOut);
        var all = t.Concat(h).Select(o => o.Ms).Order().ToList();
        return new
        {
            tuning = Summarize(t, showFailures: true),
            heldOut = Summarize(h, showFailures: ShowHeldOut),
            latencyMs = new { p50 = Math.Round(all[all.Count / 2], 1), p95 = Math.Round(all[Math.Clamp((int)Math.Ceiling(0.95 * all.Count) - 1, 0, all.Count - 1)], 1) },
        };
    }
}
