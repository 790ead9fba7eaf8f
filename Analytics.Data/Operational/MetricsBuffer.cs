using System.Collections.Concurrent;
using System.Data.Common;
using Analytics.Data.Seeding;
using Analytics.Domain.Operational;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Operational;

/// <summary>
/// The self-instrumentation buffer: observations recorded by the app (HTTP, DB, jobs, …) wait here and are written
/// every few seconds in one batch by <see cref="MetricsFlusher"/>. Bounded: when full, the oldest observation is
/// dropped and counted (<c>metrics.buffer.dropped</c>). Recording is lock-free and never touches the database.
/// </summary>
public sealed class MetricsBuffer(IOptions<MetricsOptions> options, TimeProvider clock)
{
    private readonly ConcurrentQueue<SeriesPoint> _queue = new();
    private readonly AsyncLocal<bool> _suppressed = new();
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, byte>> _usersByMinute = new();
    private int _count;
    private long _dropped;

    public bool Enabled => options.Value.SelfInstrumentation.Enabled;

    /// <summary>Observations waiting to be written (the queue depth).</summary>
    public int Pending => Volatile.Read(ref _count);

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True inside the flusher's own writes, so their DB commands are not recorded (no feedback loop).</summary>
    public bool IsSuppressed => _suppressed.Value;

    public IDisposable Suppress()
    {
        var before = _suppressed.Value;
        _suppressed.Value = true;
        return new Restore(this, before);
    }

    public void Record(string name, IReadOnlyDictionary<string, string>? tags, double value) =>
        Record(name, MetricSeries.KeyOf(tags), value);

    public void Record(string name, string tagsKey, double value)
    {
        if (!Enabled || IsSuppressed || !double.IsFinite(value)) return;
        _queue.Enqueue(new SeriesPoint(name, tagsKey, clock.GetUtcNow().ToUnixTimeMilliseconds(), value));
        if (Interlocked.Increment(ref _count) <= options.Value.SelfInstrumentation.BufferCapacity) return;
        if (_queue.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Notes a signed-in user as active in the current minute (for <c>users.active</c>).</summary>
    public void SeenUser(string userId)
    {
        if (!Enabled) return;
        var minute = MetricResolutions.BucketOf(clock.GetUtcNow().ToUnixTimeMilliseconds(), MetricResolution.OneMinute.Ms());
        _usersByMinute.GetOrAdd(minute, _ => new ConcurrentDictionary<string, byte>()).TryAdd(userId, 0);
    }

    /// <summary>Takes everything recorded so far, plus one <c>users.active</c> point per finished minute.</summary>
    public List<SeriesPoint> Drain(bool includeCurrentMinute = false)
    {
        var points = new List<SeriesPoint>(Pending);
        while (_queue.TryDequeue(out var point))
        {
            Interlocked.Decrement(ref _count);
            points.Add(point);
        }
        var currentMinute = MetricResolutions.BucketOf(clock.GetUtcNow().ToUnixTimeMilliseconds(), MetricResolution.OneMinute.Ms());
        foreach (var minute in _usersByMinute.Keys.Where(m => m < currentMinute || includeCurrentMinute))
        {
            if (minute == currentMinute)
            {
                if (_usersByMinute.TryGetValue(minute, out var current)) points.Add(new SeriesPoint("users.active", "", minute, current.Count));
            }
            else if (_usersByMinute.TryRemove(minute, out var users))
            {
                points.Add(new SeriesPoint("users.active", "", minute, users.Count));
            }
        }
        return points;
    }

    private sealed class Restore(MetricsBuffer buffer, bool before) : IDisposable
    {
        public void Dispose() => buffer._suppressed.Value = before;
    }
}

/// <summary>A gauge read at every flush (e.g. active Blazor circuits); registered in DI by whoever owns the number.</summary>
public interface IMetricsGaugeSource
{
    IEnumerable<(string Name, string TagsKey, double Value)> Read();
}

/// <summary>
/// Writes the buffer every <c>FlushInterval</c> (default 10 s) through <see cref="OperationalMetricsWriter"/>, with the
/// gauges (queue depth, dropped count, registered sources) stamped at flush time. Observations recorded in the same
/// millisecond on the same series are spread 1 ms apart, since a (series, time) holds one value.
/// </summary>
public sealed class MetricsFlusher(MetricsBuffer buffer, OperationalMetricsWriter writer, IEnumerable<IMetricsGaugeSource> gauges,
    IOptions<MetricsOptions> options, TimeProvider clock, DatabaseInitializer database, ILogger<MetricsFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task FlushAsync(CancellationToken ct, bool includeCurrentMinute = false)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var points = buffer.Drain(includeCurrentMinute);
            points.Add(new SeriesPoint("metrics.buffer.pending", "", now, points.Count));
            points.Add(new SeriesPoint("metrics.buffer.dropped", "", now, buffer.Dropped));
            foreach (var source in gauges)
                foreach (var (name, tags, value) in source.Read())
                    points.Add(new SeriesPoint(name, tags, now, value));
            var seen = new HashSet<(string, string, long)>();
            for (var i = 0; i < points.Count; i++)
            {
                var p = points[i];
                while (!seen.Add((p.Name, p.TagsKey, p.Ts))) p = p with { Ts = p.Ts + 1 };
                points[i] = p;
            }
            using (buffer.Suppress())
            {
                await writer.WriteAsync(points, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!buffer.Enabled) return;
        using var timer = new PeriodicTimer(options.Value.SelfInstrumentation.FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!database.IsReady) continue;
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not write the self-instrumentation metrics; will retry at the next flush.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Records every EF Core command's duration as <c>db.command.duration_ms{kind}</c>, except the flusher's own.</summary>
public sealed class DbCommandTimingInterceptor(MetricsBuffer buffer) : DbCommandInterceptor
{
    private static readonly string Reader = MetricSeries.KeyOf(new Dictionary<string, string> { ["kind"] = "reader" });
    private static readonly string NonQuery = MetricSeries.KeyOf(new Dictionary<string, string> { ["kind"] = "nonquery" });
    private static readonly string Scalar = MetricSeries.KeyOf(new Dictionary<string, string> { ["kind"] = "scalar" });

    private void Record(string kind, TimeSpan duration) => buffer.Record("db.command.duration_ms", kind, duration.TotalMilliseconds);

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Record(Reader, eventData.Duration);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Record(Reader, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Record(NonQuery, eventData.Duration);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Record(NonQuery, eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Record(Scalar, eventData.Duration);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Record(Scalar, eventData.Duration);
        return ValueTask.FromResult(result);
    }
}
