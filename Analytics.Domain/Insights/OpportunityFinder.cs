namespace Analytics.Domain.Insights;

/// <summary>
/// Budget opportunities: campaigns that return well above the instance's ROAS but get a small share of its spend —
/// “Campaign X returns 6.2 per $ vs 3.9 average on 4% of spend”. ROAS is Σsales / Σspend over the period (never a mean
/// of daily ratios); the confidence is the share of the campaign's spending days on which it beat the instance that day,
/// so one lucky day does not make an opportunity.
/// </summary>
public sealed class OpportunityFinder(OpportunityOptions? options = null)
{
    public OpportunityOptions Options { get; } = options ?? new OpportunityOptions();

    /// <param name="rows">Each campaign's daily <c>spend</c> and <c>sales</c> over the period looked at.</param>
    public IReadOnlyList<Opportunity> Find(IEnumerable<SegmentDay> rows)
    {
        var days = rows.Where(r => r.Measures.ContainsKey("spend") && r.Measures.ContainsKey("sales")).ToList();
        var campaigns = days.GroupBy(r => r.Segment).ToList();
        var totalSpend = days.Sum(r => r.Measures["spend"]);
        var totalSales = days.Sum(r => r.Measures["sales"]);
        if (campaigns.Count < Options.MinCampaigns || totalSpend <= 0) return [];
        var average = totalSales / totalSpend;
        var dailyAverage = days.GroupBy(r => r.Day).ToDictionary(g => g.Key, g =>
        {
            var spend = g.Sum(r => r.Measures["spend"]);
            return spend > 0 ? g.Sum(r => r.Measures["sales"]) / spend : double.NaN;
        });

        var found = new List<Opportunity>();
        foreach (var campaign in campaigns)
        {
            var spend = campaign.Sum(r => r.Measures["spend"]);
            var sales = campaign.Sum(r => r.Measures["sales"]);
            if (spend <= 0) continue;
            var roas = sales / spend;
            var share = spend / totalSpend;
            if (roas < Options.MinRoasRatio * average || share > Options.MaxSpendShare || share < Options.MinSpendShare) continue;
            var spending = campaign.Where(r => r.Measures["spend"] > 0 && !double.IsNaN(dailyAverage[r.Day])).ToList();
            if (spending.Count < Options.MinDays) continue;
            var beat = spending.Count(r => r.Measures["sales"] / r.Measures["spend"] > dailyAverage[r.Day]);
            var consistency = (double)beat / spending.Count;
            if (consistency < Options.MinConsistency) continue;
            found.Add(new Opportunity(campaign.Key, spend, sales, roas, average, share, consistency));
        }
        return found.OrderByDescending(o => o.RoasRatio).ThenBy(o => o.Campaign, StringComparer.Ordinal).ToList();
    }
}

public sealed record OpportunityOptions
{
    /// <summary>A campaign's ROAS must be at least this multiple of the instance's.</summary>
    public double MinRoasRatio { get; init; } = 1.5;
    /// <summary>…on at most this share of the instance's spend (0.10 = 10%).</summary>
    public double MaxSpendShare { get; init; } = 0.10;
    /// <summary>…and at least this share, so a campaign that barely spends (and has a noisy ROAS) is not advice.</summary>
    public double MinSpendShare { get; init; } = 0.005;
    /// <summary>Fewest campaigns an instance needs for "the average" to mean something.</summary>
    public int MinCampaigns { get; init; } = 3;
    /// <summary>Fewest spending days the campaign needs in the period.</summary>
    public int MinDays { get; init; } = 7;
    /// <summary>Least share of its spending days on which the campaign beat the instance's ROAS of that day.</summary>
    public double MinConsistency { get; init; } = 0.6;
}

/// <param name="SpendShare">The campaign's share of the instance's spend (0.04 = 4%).</param>
/// <param name="Consistency">Share of its spending days on which it beat the instance's ROAS that day.</param>
public sealed record Opportunity(string Campaign, double Spend, double Sales, double Roas, double AverageRoas, double SpendShare, double Consistency)
{
    public double RoasRatio => AverageRoas == 0 ? 0 : Roas / AverageRoas;
}
