using System.Diagnostics.Metrics;

namespace Analytics.Data.Operational;

/// <summary>
/// The app's own instruments on the <c>Analytics</c> meter, for OpenTelemetry export (Analytics.Web/Telemetry). The
/// in-app operational store keeps its own series through <see cref="MetricsBuffer"/>; these are the ones an ops team
/// wants next to the frameworks' (jobs come from Quartz's meter, HTTP from ASP.NET Core's). When nothing listens
/// (OTLP export off), recording is a flag check and the observable gauges are never read.
/// </summary>
public sealed class AppMeter
{
    public const string Name = "Analytics";

    private readonly Counter<long> _queryCacheLookups;
    private readonly Counter<long> _featureUse;

    public AppMeter(IMeterFactory factory, MetricsBuffer buffer)
    {
        var meter = factory.Create(Name);
        _queryCacheLookups = meter.CreateCounter<long>("analytics.query.cache.lookups", "{lookup}",
            "Query result cache lookups, by result (hit or miss).");
        _featureUse = meter.CreateCounter<long>("analytics.feature.use", "{visit}",
            "Pages opened, by area (the path's first segment, or admin/<page>).");
        meter.CreateObservableUpDownCounter("analytics.metrics.buffer.pending", () => buffer.Pending, "{observation}",
            "Self-instrumentation observations waiting to be written to the operational store.");
        meter.CreateObservableCounter("analytics.metrics.buffer.dropped", () => buffer.Dropped, "{observation}",
            "Self-instrumentation observations dropped because the buffer was full.");
    }

    public void QueryCacheLookup(bool hit)
    {
        if (_queryCacheLookups.Enabled) _queryCacheLookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }

    public void FeatureUsed(string area)
    {
        if (_featureUse.Enabled) _featureUse.Add(1, new KeyValuePair<string, object?>("area", area));
    }
}
