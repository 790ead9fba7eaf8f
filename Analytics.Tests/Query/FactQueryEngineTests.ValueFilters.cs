using Analytics.Data.Facts;
using Analytics.Domain;
using Analytics.Domain.Query;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Query;

/// <summary>Value filters (<c>having</c>) on each provider: conditions on the aggregated metric values of output rows.</summary>
public abstract partial class FactQueryEngineTests
{
    [ProviderFact]
    public async Task Value_filters_apply_to_each_output_rows_aggregated_metrics_before_sort_and_limit()
    {
        await using var w = await WorldAsync();
        var ds = await w.DatasetAsync("src-a");
        var rows = TwoWeeks();
        await w.Store.WriteAsync(ds, rows.Select(r => r.Fact), FactWriteMode.Insert, CancellationToken.None);
        var twoWeeks = Q("2025-01-06T00:00:00Z", "2025-01-20T00:00:00Z", "none", "spend", "roas") with { GroupBy = ["asin"] };

        // By hand, per ASIN over the two weeks: A1 sales 302 / spend 161 = 1.88; A2 140 / 35 = 4; B1 364 / 21 = 17.3.
        var roas = rows.GroupBy(r => r.Asin).ToDictionary(g => g.Key, g => g.Sum(r => r.Sales) / g.Sum(r => r.Spend));
        roas["A2"].Should().Be(4);
        var below = await w.QueryAsync(twoWeeks with { Having = [new ValueFilter("ROAS", "<", 4)] });
        below.Rows.Select(r => r[0]).Should().Equal("A1");
        Num(below, below.Rows[0], "roas").Should().BeApproximately(roas["A1"], 1e-12, "the ROAS of the sums, compared after aggregation");
        below.Meta.TotalRows.Should().Be(1);

        var atLeast = await w.QueryAsync(twoWeeks with { Having = [new ValueFilter("roas", ">=", 4), new ValueFilter("spend", "!=", 35)] });
        atLeast.Rows.Select(r => r[0]).Should().Equal("B1");

        // The filter picks the rows first; sort and limit then apply to what passed.
        var top = await w.QueryAsync(twoWeeks with { Having = [new ValueFilter("roas", ">", 3)], Sort = [new QuerySort("spend", Desc: true)], Limit = 1 });
        top.Rows.Select(r => r[0]).Should().Equal(new object?[] { "A2" }, "of A2 and B1, A2 spent more (35 against 21)");
        top.Meta.TotalRows.Should().Be(2);

        // Days: Beta spent nothing in week one, so its daily ROAS is null there, and a null passes no comparison.
        var beta = await w.QueryAsync(Q("2025-01-06T00:00:00Z", "2025-01-20T00:00:00Z", "day", "roas") with
        {
            Filters = new Dictionary<string, IReadOnlyList<string?>> { ["campaign"] = ["Beta"] }, Having = [new ValueFilter("roas", ">", 0)],
        });
        beta.Rows.Should().HaveCount(7, "only week two has spend, and every day of it has sales");
        beta.Rows.Select(r => (DateTime)r[0]!).Should().OnlyContain(t => t >= new DateTime(2025, 1, 13, 0, 0, 0, DateTimeKind.Utc));
    }

    [ProviderFact]
    public async Task A_value_filter_on_a_metric_the_query_does_not_ask_for_is_refused_by_field()
    {
        await using var w = await WorldAsync();
        await w.DatasetAsync("src-a");
        var query = Q("2025-01-06T00:00:00Z", "2025-01-20T00:00:00Z", "none", "spend") with
        {
            Having = [new ValueFilter("roas", "<", 2), new ValueFilter("spend", "≈", 1), new ValueFilter("spend", ">", double.NaN)],
        };
        var act = () => w.QueryAsync(query);
        var refused = (await act.Should().ThrowAsync<ValidationException>()).Which;
        refused.Errors.Keys.Should().BeEquivalentTo(["having[0].metric", "having[1].op", "having[2].value"]);
    }
}
