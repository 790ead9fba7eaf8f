using Analytics.Domain.Facts;

namespace Analytics.Domain.Demo;

/// <summary>
/// Deterministic daily ad performance: for each campaign × ASIN, impressions, clicks, spend, sales and purchases with
/// weekly seasonality, a yearly shape (Prime Day in July, Q4 peak), a per-campaign trend, noise, and a few injected
/// anomalies that are returned alongside so detectors can be scored. Same inputs, same numbers, on every machine:
/// each series draws from its own <see cref="Random"/> seeded from (seed, series index).
/// </summary>
public sealed class AdPerformanceGenerator(AdPerformanceSpec spec)
{
    private static readonly double[] WeekdayFactor = [1.18, 1.00, 1.02, 1.00, 0.97, 0.93, 1.12]; // Sun..Sat
    private static readonly string[] CampaignTypes = ["Sponsored Products", "Sponsored Brands", "Sponsored Display"];
    private static readonly string[] Strategies = ["Brand", "Category", "Competitor", "Auto", "Exact", "Broad"];

    public AdPerformanceSpec Spec { get; } = spec;

    public long RowCount => (long)Spec.Campaigns.Count * Spec.AsinsPerCampaign * Spec.Days;

    /// <summary>Campaigns and the anomalies that will be injected, decided up front from the seed.</summary>
    public IReadOnlyList<InjectedAnomaly> Anomalies => _anomalies ??= PlanAnomalies();

    private IReadOnlyList<InjectedAnomaly>? _anomalies;

    public static AdPerformanceSpec ForInstance(DemoInstance instance, DateOnly lastDay, int seed = DemoWorkspace.Seed, int days = DemoWorkspace.Days)
    {
        var campaigns = new List<CampaignSpec>();
        for (var i = 0; i < instance.ProductLines.Count; i++)
        {
            var line = instance.ProductLines[i];
            var strategy = Strategies[(i + instance.Brand.Length) % Strategies.Length];
            campaigns.Add(new($"{instance.Brand} - {line} - {strategy}", CampaignTypes[i % CampaignTypes.Length]));
        }
        return new(campaigns, AsinsPerCampaign: 4, lastDay, days, seed ^ instance.SourceId.GetStableHashCode(), AnomaliesPerSource: 5);
    }

    /// <summary>A spec sized to roughly <paramref name="rows"/> rows (for the CLI's bulk seeding).</summary>
    public static AdPerformanceSpec ForRowCount(long rows, DateOnly lastDay, int seed = DemoWorkspace.Seed)
    {
        rows = Math.Max(1, rows);
        // Ten ASINs per campaign up to 137 campaigns over two years (~1M rows); past that, a large advertiser's shape:
        // the same campaigns advertise more ASINs (10M rows: 137 campaigns × 100 ASINs), rather than ever more campaigns.
        const int maxCampaigns = 137;
        var asins = (int)Math.Max(10, (rows + (long)maxCampaigns * DemoWorkspace.Days - 1) / ((long)maxCampaigns * DemoWorkspace.Days));
        // As few campaigns as two years allow, then as few days as reach the count: overshoots by under one day's rows.
        var campaignCount = (int)((rows + (long)asins * DemoWorkspace.Days - 1) / ((long)asins * DemoWorkspace.Days));
        var days = (int)((rows + (long)asins * campaignCount - 1) / ((long)asins * campaignCount));
        var campaigns = Enumerable.Range(1, campaignCount)
            .Select(i => new CampaignSpec($"Bulk - Campaign {i:D5}", CampaignTypes[i % CampaignTypes.Length]))
            .ToList();
        return new(campaigns, asins, lastDay, days, seed, AnomaliesPerSource: Math.Min(10, campaignCount * 2));
    }

    /// <summary>
    /// Rows in key order — day by day, and within a day by dimension hash — so a bulk insert appends to the fact
    /// table's (dataset, time, dimension hash) index instead of scattering across it (twice as fast on SQLite).
    /// Each series still draws from its own generator in day order, so the numbers do not depend on the ordering.
    /// </summary>
    public IEnumerable<FactRow> Rows()
    {
        var anomalies = Anomalies.ToLookup(a => a.CampaignIndex);
        var firstDay = Spec.LastDay.AddDays(-(Spec.Days - 1));
        var firstTs = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        var firstDow = (int)firstDay.DayOfWeek;
        var series = new List<Series>(Spec.Campaigns.Count * Spec.AsinsPerCampaign);
        for (var c = 0; c < Spec.Campaigns.Count; c++)
        {
            var campaign = Spec.Campaigns[c];
            var campaignAnomalies = anomalies[c].ToDictionary(a => a.DayIndex);
            for (var a = 0; a < Spec.AsinsPerCampaign; a++)
            {
                var index = c * Spec.AsinsPerCampaign + a;
                series.Add(new Series(new Random(StableHash.Combine(Spec.Seed, index)), [campaign.Name, Asin(Spec.Seed, index), campaign.Type], campaignAnomalies));
            }
        }
        series.Sort((x, y) => x.DimHash.CompareTo(y.DimHash));

        for (var d = 0; d < Spec.Days; d++)
        {
            var day = firstDay.AddDays(d);
            var level = WeekdayFactor[(firstDow + d) % 7] * YearlyFactor(day);
            var ts = firstTs + d * 86400L;
            foreach (var s in series) yield return s.Next(d, ts, level);
        }
    }

    /// <summary>One campaign × ASIN: its fixed traits, drawn first from its own generator, then one draw set per day.</summary>
    private sealed class Series
    {
        private readonly Random _rng;
        private readonly string?[] _dimensions;
        private readonly Dictionary<int, InjectedAnomaly> _anomalies;
        private readonly double _baseImpressions, _ctr, _cpc, _cvr, _aov, _growthPerDay;

        public Series(Random rng, string?[] dimensions, Dictionary<int, InjectedAnomaly> anomalies)
        {
            _rng = rng;
            _dimensions = dimensions;
            _anomalies = anomalies;
            DimHash = DimensionKey.Hash(dimensions);
            _baseImpressions = 1500 + rng.NextDouble() * 28000;
            _ctr = 0.002 + rng.NextDouble() * 0.012;
            _cpc = 0.35 + rng.NextDouble() * 2.1;
            _cvr = 0.05 + rng.NextDouble() * 0.10;
            _aov = 14 + rng.NextDouble() * 70;
            _growthPerDay = Math.Log(1 + (-0.25 + rng.NextDouble() * 0.65)) / 365.0; // -25%..+40% a year
        }

        public long DimHash { get; }

        public FactRow Next(int dayIndex, long ts, double seasonal)
        {
            var impressions = _baseImpressions * seasonal * Math.Exp(_growthPerDay * dayIndex) * Noise(_rng, 0.08);
            var clicks = impressions * _ctr * Noise(_rng, 0.10);
            var spend = clicks * _cpc * Noise(_rng, 0.05);
            var purchases = clicks * _cvr * Noise(_rng, 0.15);
            var sales = purchases * _aov * Noise(_rng, 0.08);
            if (_anomalies.TryGetValue(dayIndex, out var anomaly))
            {
                switch (anomaly.Metric)
                {
                    case "spend": spend *= anomaly.Factor; break;
                    case "sales": sales *= anomaly.Factor; purchases *= anomaly.Factor; break;
                    case "impressions": impressions *= anomaly.Factor; clicks *= anomaly.Factor; spend *= anomaly.Factor; purchases *= anomaly.Factor; sales *= anomaly.Factor; break;
                    case "clicks": clicks *= anomaly.Factor; spend *= anomaly.Factor; break;
                }
            }
            return new FactRow(ts, _dimensions,
                [Math.Round(impressions), Math.Round(clicks), Math.Round(spend, 2), Math.Round(sales, 2), Math.Round(purchases)]);
        }
    }

    private IReadOnlyList<InjectedAnomaly> PlanAnomalies()
    {
        var rng = new Random(Spec.Seed ^ 0x5EED);
        var kinds = new (string Metric, double Factor, string What)[]
        {
            ("spend", 3.5, "Spend spike: a bid or budget misconfiguration"),
            ("sales", 0.15, "Sales drop: the listing was suppressed"),
            ("impressions", 0.1, "Delivery outage: impressions collapsed"),
            ("clicks", 4.0, "Click spike: suspected invalid traffic"),
        };
        var list = new List<InjectedAnomaly>();
        var earliest = Math.Min(56, Spec.Days - 1); // leave eight weeks of history before the first anomaly
        var usedDays = new HashSet<int>();
        for (var i = 0; i < Spec.AnomaliesPerSource && Spec.Days > earliest + 1; i++)
        {
            var kind = kinds[i % kinds.Length];
            int day;
            var guard = 0;
            do { day = earliest + rng.Next(Spec.Days - earliest); }
            while (usedDays.Any(u => Math.Abs(u - day) < 14) && ++guard < 100);
            if (usedDays.Any(u => Math.Abs(u - day) < 14)) break; // no room left: a clash would put two on one day
            usedDays.Add(day);
            var campaign = rng.Next(Spec.Campaigns.Count);
            list.Add(new InjectedAnomaly(campaign, Spec.Campaigns[campaign].Name, day, Spec.LastDay.AddDays(day - (Spec.Days - 1)), kind.Metric, kind.Factor, kind.What));
        }
        return list;
    }

    internal static double YearlyFactor(DateOnly day)
    {
        var factor = 1.0 + 0.12 * Math.Sin(2 * Math.PI * (day.DayOfYear - 80) / 365.0);
        if (day.Month == 11 && day.Day >= 20 || day.Month == 12 && day.Day <= 20) factor *= 1.45; // Q4 peak
        if (day.Month == 7 && day.Day is >= 8 and <= 12) factor *= 1.8; // Prime Day
        return factor;
    }

    /// <summary>Multiplicative noise around 1 with roughly the given relative standard deviation (Box–Muller).</summary>
    internal static double Noise(Random rng, double sigma)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Max(0.05, 1 + sigma * z);
    }

    private static string Asin(int seed, int series)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        var rng = new Random(StableHash.Combine(StableHash.Combine(seed, series), 7));
        Span<char> chars = stackalloc char[10];
        chars[0] = 'B';
        chars[1] = '0';
        for (var i = 2; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
        return new string(chars);
    }
}

public sealed record CampaignSpec(string Name, string Type);

public sealed record AdPerformanceSpec(
    IReadOnlyList<CampaignSpec> Campaigns, int AsinsPerCampaign, DateOnly LastDay, int Days, int Seed, int AnomaliesPerSource);

public sealed record InjectedAnomaly(int CampaignIndex, string Campaign, int DayIndex, DateOnly Day, string Metric, double Factor, string Description);

internal static class StableHash
{
    /// <summary>string.GetHashCode and HashCode.Combine are randomized per process; these are not.</summary>
    public static int Combine(int a, int b) => unchecked(a * 1_000_003 + b);

    public static int GetStableHashCode(this string value)
    {
        unchecked
        {
            var hash = 23;
            foreach (var ch in value) hash = hash * 31 + ch;
            return hash;
        }
    }
}
