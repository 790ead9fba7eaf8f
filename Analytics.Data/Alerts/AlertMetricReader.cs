using Analytics.Data.Operational;
using Analytics.Data.Query;
using Analytics.Domain.Access;
using Analytics.Domain.Alerts;
using Analytics.Domain.Operational;
using Analytics.Domain.Query;

namespace Analytics.Data.Alerts;

/// <summary>
/// Reads what a rule watches, over its window ending now (and the window before, for change rules): semantic metrics
/// through the fact query engine with the owner's instance grants, operational metrics from the time-series store.
/// The one place alert kinds differ.
/// </summary>
public sealed class AlertMetricReader(FactQueryService facts, MetricQueryService operational) : IAlertMetricReader
{
    public async Task<AlertObservation> ReadAsync(AlertRule rule, Actor owner, DateTimeOffset now, CancellationToken ct)
    {
        var window = rule.WindowSpan;
        var current = await ReadWindowAsync(rule, owner, now - window, now, ct);
        var previous = rule.Op == AlertOp.ChangePct ? await ReadWindowAsync(rule, owner, now - 2 * window, now - window, ct) : null;
        return new AlertObservation(current, previous);
    }

    private async Task<double?> ReadWindowAsync(AlertRule rule, Actor owner, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        switch (rule.Kind)
        {
            case AlertMetricKind.Operational:
                Enum.TryParse<MetricAggregation>(rule.Aggregation, ignoreCase: true, out var aggregation);
                var tags = rule.Filters.Where(f => f.Value.Count > 0).ToDictionary(f => f.Key, f => f.Value[0]);
                return await operational.WindowAggregateAsync(rule.Metric, tags, aggregation, start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), ct);
            default:
                var result = await facts.ExecuteAsync(owner, new SemanticQuery
                {
                    Metrics = [rule.Metric],
                    Granularity = "none",
                    TimeRange = new QueryTimeRange(start, end),
                    Filters = rule.Filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value.Cast<string?>().ToList()),
                    SourceIds = rule.SourceIds.Count > 0 ? rule.SourceIds : null,
                    FillEmpty = false,
                }, ct);
                var column = result.Columns.ToList().FindIndex(c => c.Role == "metric");
                if (result.Rows.Count == 0 || column < 0 || result.Rows[0][column] is null) return null;
                return Convert.ToDouble(result.Rows[0][column], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
