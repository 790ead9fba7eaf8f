using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Analytics.Data;
using Analytics.Data.Operational;
using Analytics.Domain;
using Analytics.Domain.Operational;
using Analytics.Jobs;
using Analytics.Web;
using Analytics.Web.Cli;
using Microsoft.Data.Sqlite;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench metrics [--ingest-points N] [--batch N] [--senders N] [--rounds N] [--points N]</c>: starts the whole app on
/// a loopback port over a fresh temporary SQLite database and (1) ingests N points (default 2,000,000) over HTTP in
/// batches (default 10,000) from concurrent senders (default 3), and (2) inserts the same points straight through
/// Microsoft.Data.Sqlite (prepared single-row INSERT, one transaction per batch) into a table of the same shape —
/// interleaved in rounds (default 5: http+raw, raw+http, …, each round new points appended to both tables, so both grow
/// alike) and reported as medians, so a noisy neighbour on a shared machine slows both sides instead of one; then
/// (3) bulk-loads raw points up to <c>--points</c> (default 10,000,000), rebuilds the rollups, and measures
/// dashboard-shaped <c>POST /api/v1/metrics/query</c> latencies over HTTP.
/// </summary>
internal sealed class MetricsBenchmark : IBenchmark
{
    private const int SeriesCount = 40;

    public string Name => "metrics";
    public string Description => "operational metrics: ingest points/s over HTTP vs raw SQLite inserts; query p50/p95 at 10M points";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var ingestPoints = CommandLine.LongOption(args, "--ingest-points") ?? 2_000_000;
        var batchSize = (int)(CommandLine.LongOption(args, "--batch") ?? 10_000);
        var senders = (int)(CommandLine.LongOption(args, "--senders") ?? 3);
        var totalPoints = CommandLine.LongOption(args, "--points") ?? 10_000_000;
        var directory = Directory.CreateTempSubdirectory("analytics-bench-metrics-");
        var key = "bench-" + Guid.NewGuid().ToString("N");
        try
        {
            // The web app's name, so its static assets manifest (Analytics.Web.staticwebassets.endpoints.json, copied here) is found.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(RootAppSettings).Assembly.GetName().Name,
            });
            builder.Configuration.AddRootAppSettings(builder.Environment);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Analytics:Database:Provider"] = "Sqlite",
                ["ConnectionStrings:Analytics"] = $"Data Source={Path.Combine(directory.FullName, "bench.db")}",
                ["Analytics:Database:SeedDemo"] = "false",
                ["Analytics:DataDirectory"] = directory.FullName,
                ["Analytics:Auth:BootstrapApiKey"] = key,
                ["Analytics:Auth:AdminPassword"] = "bench-" + Guid.NewGuid().ToString("N"),
                ["Analytics:RateLimits:Api:PermitLimit"] = "0", // ingest as fast as it goes: no per-key limit

                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
                ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
                ["Logging:LogLevel:Microsoft.AspNetCore.StaticFiles"] = "Error",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddAnalyticsDomain();
            builder.AddAnalyticsData();
            builder.AddAnalyticsJobs();
            builder.AddAnalyticsWeb();
            await using var app = builder.Build();
            app.UseAnalyticsWeb();
            await app.StartAsync(ct);
            var baseAddress = new Uri(app.Urls.First());
            var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            var minute = MetricResolution.OneMinute.Ms();
            now -= now % (5 * minute);

            // (1) and (2), interleaved. Batches are serialized before the clock starts; each holds SeriesCount series ×
            // consecutive seconds; round r covers its own seconds, so every point is new in both tables.
            var rounds = (int)Math.Max(1, CommandLine.LongOption(args, "--rounds") ?? 5);
            var perRound = ingestPoints / rounds;
            ingestPoints = perRound * rounds;
            var perSeries = ingestPoints / SeriesCount;
            var start = now - perSeries * 1000;
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = senders };
            using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            // Warm-up (JIT, connections, the first series) on a metric of its own and times before the measured ones.
            await SendAsync(http, BuildBatches(Math.Min(batchSize, perRound), batchSize, start - 86_400_000, "bench.warmup"), 1, ct);
            using var raw = RawTable.Create(Path.Combine(directory.FullName, "raw.db"));
            raw.Insert(Math.Min(batchSize, perRound), batchSize, start - 86_400_000);
            var httpRates = new List<double>();
            var rawRates = new List<double>();
            var batches = new List<byte[]>();
            var ingestSeconds = 0.0;
            for (var r = 0; r < rounds; r++)
            {
                var roundStart = start + (long)r * (perRound / SeriesCount) * 1000;
                var roundBatches = BuildBatches(perRound, batchSize, roundStart);
                batches.AddRange(roundBatches);
                async Task HttpAsync()
                {
                    var watch = Stopwatch.StartNew();
                    await SendAsync(http, roundBatches, senders, ct);
                    ingestSeconds += watch.Elapsed.TotalSeconds;
                    httpRates.Add(perRound / watch.Elapsed.TotalSeconds);
                }
                void Raw() => rawRates.Add(raw.Insert(perRound, batchSize, roundStart));
                if (r % 2 == 0) { await HttpAsync(); Raw(); }
                else { Raw(); await HttpAsync(); }
            }
            var ingestRate = Median(httpRates);
            var rawRate = Median(rawRates);

            // Where the time goes (diagnostics): parsing alone, one thread; the writer alone, on parsed points of another metric.
            var ingestOptions = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value.Ingest;
            var parseWatch = Stopwatch.StartNew();
            var parsed = batches.Select(b => MetricBatchParser.Parse(b, ingestOptions, TimeProvider.System.GetUtcNow())).ToList();
            parseWatch.Stop();
            var writer = app.Services.GetRequiredService<OperationalMetricsWriter>();
            var renamed = parsed.Select(b => b.Select(p => p with { Name = "bench.writer" }).ToList()).ToList();
            var writerWatch = Stopwatch.StartNew();
            foreach (var batch in renamed) await writer.WriteAsync(batch, ct);
            writerWatch.Stop();
            parsed.Clear();
            renamed.Clear();

            // (3) bulk load up to totalPoints raw points (10 s apart, ending now), rebuild rollups, time queries.
            var loadWatch = Stopwatch.StartNew();
            var loaded = await BulkLoadAsync(app.Services, totalPoints - ingestPoints, now, ct);
            loadWatch.Stop();
            var rollupWatch = Stopwatch.StartNew();
            await app.Services.GetRequiredService<OperationalMetricsWriter>().RebuildRollupsAsync(ct);
            rollupWatch.Stop();
            var day = 86_400_000L;
            var queries = new (string Name, object Body)[]
            {
                ("last 24h avg by 5m", Query("bench.load", now - day, now, "avg", "5m", null)),
                ("last 7d max by 1h, grouped by host", Query("bench.load", now - now % 3_600_000 - 7 * day, now - now % 3_600_000, "max", "1h", ["host"])),
                ("last 30d avg by 1d, grouped by region", Query("bench.load", now - now % day - 30 * day, now - now % day, "avg", "1d", ["region"])),
                ("last 1h sum by 1m, host=h3", Query("bench.load", now - 3_600_000, now, "sum", "1m", null, new Dictionary<string, string> { ["host"] = "h3" })),
                ("last 1h p95 by 5m (raw points)", Query("bench.load", now - 3_600_000, now, "p95", "5m", null)),
            };
            var queryResults = new List<object>();
            foreach (var (name, body) in queries)
            {
                var timings = new List<double>();
                string? resolution = null;
                for (var i = 0; i < 60; i++)
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await http.PostAsJsonAsync("/api/v1/metrics/query", body, ct);
                    var text = await response.Content.ReadAsStringAsync(ct);
                    watch.Stop();
                    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{name}: {(int)response.StatusCode} {text}");
                    resolution ??= System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("meta").GetProperty("resolution").GetString();
                    if (i >= 10) timings.Add(watch.Elapsed.TotalMilliseconds); // the first 10 warm up
                }
                timings.Sort();
                // The same query in-process, without HTTP and JSON, to show where the time goes.
                var service = app.Services.GetRequiredService<MetricQueryService>();
                var request = System.Text.Json.JsonSerializer.Deserialize<MetricQueryRequest>(System.Text.Json.JsonSerializer.Serialize(body), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
                var serviceTimings = new List<double>();
                for (var i = 0; i < 40; i++)
                {
                    var watch = Stopwatch.StartNew();
                    await service.QueryAsync(request, ct);
                    watch.Stop();
                    if (i >= 10) serviceTimings.Add(watch.Elapsed.TotalMilliseconds);
                }
                serviceTimings.Sort();
                queryResults.Add(new
                {
                    query = name, resolution, p50Ms = Math.Round(Percentile(timings, 0.5), 2), p95Ms = Math.Round(Percentile(timings, 0.95), 2),
                    inProcessP50Ms = Math.Round(Percentile(serviceTimings, 0.5), 2), inProcessP95Ms = Math.Round(Percentile(serviceTimings, 0.95), 2),
                });
            }
            await app.StopAsync(ct);
            return new
            {
                benchmark = Name,
                machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString() },
                ingest = new
                {
                    points = ingestPoints, batchSize, senders, rounds, seconds = Math.Round(ingestSeconds, 2),
                    httpPointsPerSecond = Math.Round(ingestRate), rawSqlitePointsPerSecond = Math.Round(rawRate),
                    ratioToRaw = Math.Round(ingestRate / rawRate, 3),
                    httpRounds = httpRates.Select(x => Math.Round(x)).ToList(), rawRounds = rawRates.Select(x => Math.Round(x)).ToList(),
                    parseOnlyPointsPerSecond = Math.Round(ingestPoints / parseWatch.Elapsed.TotalSeconds),
                    writerOnlyPointsPerSecond = Math.Round(ingestPoints / writerWatch.Elapsed.TotalSeconds),
                },
                query = new
                {
                    rawPoints = ingestPoints + loaded, series = SeriesCount * 2,
                    bulkLoadSeconds = Math.Round(loadWatch.Elapsed.TotalSeconds, 1), rollupRebuildSeconds = Math.Round(rollupWatch.Elapsed.TotalSeconds, 1),
                    results = queryResults,
                },
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static object Query(string name, long start, long end, string aggregation, string interval, string[]? groupBy, Dictionary<string, string>? filters = null) => new
    {
        metricName = name,
        timeRange = new { start = DateTimeOffset.FromUnixTimeMilliseconds(start), end = DateTimeOffset.FromUnixTimeMilliseconds(end) },
        aggregation, interval, groupBy, filters,
    };

    private static double Percentile(List<double> sorted, double p) => MetricQueryPlanner.Percentile(sorted, p);

    private static double ValueOf(long i) => 50 + (i * 7919 % 1000) / 10.0;

    /// <summary>Point i: series i % SeriesCount, second i / SeriesCount after start.</summary>
    private static List<byte[]> BuildBatches(long points, int batchSize, long start, string name = "bench.ingest")
    {
        var batches = new List<byte[]>();
        var sb = new StringBuilder(batchSize * 110);
        for (long first = 0; first < points; first += batchSize)
        {
            sb.Clear().Append('[');
            for (var i = first; i < Math.Min(points, first + batchSize); i++)
            {
                if (i > first) sb.Append(',');
                var series = i % SeriesCount;
                var time = DateTimeOffset.FromUnixTimeMilliseconds(start + i / SeriesCount * 1000).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                sb.Append("{\"name\":\"").Append(name).Append("\",\"time\":\"").Append(time).Append("\",\"value\":")
                    .Append(ValueOf(i).ToString(CultureInfo.InvariantCulture))
                    .Append(",\"tags\":{\"host\":\"h").Append(series % 20).Append("\",\"region\":\"r").Append(series / 20).Append("\"}}");
            }
            sb.Append(']');
            batches.Add(Encoding.UTF8.GetBytes(sb.ToString()));
        }
        return batches;
    }

    private static async Task SendAsync(HttpClient http, List<byte[]> batches, int senders, CancellationToken ct)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                using var content = new ByteArrayContent(batches[index]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/api/v1/metrics/ingest", content, ct);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"Ingest failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>
    /// The raw baseline: a table of the same shape as <c>metric_points</c> in a database of its own, filled through
    /// Microsoft.Data.Sqlite with a prepared single-row INSERT, one transaction per batch (as the app's writer).
    /// </summary>
    private sealed class RawTable : IDisposable
    {
        private readonly SqliteConnection _connection;

        private RawTable(SqliteConnection connection) => _connection = connection;

        public static RawTable Create(string path)
        {
            var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            connection.Open();
            using var setup = connection.CreateCommand();
            setup.CommandText = "PRAGMA journal_mode=WAL; " + "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; " +
                "CREATE TABLE raw_points (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, CONSTRAINT pk_raw_points PRIMARY KEY (series_id, ts));";
            setup.ExecuteNonQuery();
            return new RawTable(connection);
        }

        /// <summary>Inserts the points <see cref="BuildBatches"/> would send for (<paramref name="points"/>, <paramref name="start"/>); returns points per second.</summary>
        public double Insert(long points, int batchSize, long start)
        {
            var watch = Stopwatch.StartNew();
            for (long first = 0; first < points; first += batchSize)
            {
                using var transaction = _connection.BeginTransaction();
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO raw_points (series_id, ts, value) VALUES ($s, $t, $v)";
                var s = insert.Parameters.Add("$s", SqliteType.Integer);
                var t = insert.Parameters.Add("$t", SqliteType.Integer);
                var v = insert.Parameters.Add("$v", SqliteType.Real);
                insert.Prepare();
                for (var i = first; i < Math.Min(points, first + batchSize); i++)
                {
                    s.Value = i % SeriesCount + 1;
                    t.Value = start + i / SeriesCount * 1000;
                    v.Value = ValueOf(i);
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            return points / watch.Elapsed.TotalSeconds;
        }

        public void Dispose() => _connection.Dispose();
    }

    /// <summary>Loads raw points of 40 <c>bench.load</c> series, 10 s apart and ending at <paramref name="end"/>, bypassing the API.</summary>
    private static async Task<long> BulkLoadAsync(IServiceProvider services, long points, long end, CancellationToken ct)
    {
        if (points <= 0) return 0;
        var writer = services.GetRequiredService<OperationalMetricsWriter>();
        // Creates the series (and their ids) through the writer: one point each.
        var seed = Enumerable.Range(0, SeriesCount)
            .Select(s => new SeriesPoint("bench.load", MetricSeries.KeyOf(new Dictionary<string, string> { ["host"] = $"h{s % 20}", ["region"] = $"r{s / 20}" }), end - 1, 0))
            .ToList();
        await writer.WriteAsync(seed, ct);
        var database = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        await using var connection = new SqliteConnection(database.EffectiveConnectionString);
        await connection.OpenAsync(ct);
        var ids = new long[SeriesCount];
        for (var s = 0; s < SeriesCount; s++)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = "SELECT id FROM metric_series WHERE name = 'bench.load' AND tags_key = $k";
            select.Parameters.AddWithValue("$k", seed[s].TagsKey);
            ids[s] = (long)(await select.ExecuteScalarAsync(ct))!;
        }
        var perSeries = points / SeriesCount;
        const int chunk = 500_000;
        for (long first = 0; first < points; first += chunk)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO metric_points (series_id, ts, value) VALUES ($s, $t, $v) ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value";
            var s = insert.Parameters.Add("$s", SqliteType.Integer);
            var t = insert.Parameters.Add("$t", SqliteType.Integer);
            var v = insert.Parameters.Add("$v", SqliteType.Real);
            insert.Prepare();
            for (var i = first; i < Math.Min(points, first + chunk); i++)
            {
                s.Value = ids[i % SeriesCount];
                t.Value = end - (perSeries - i / SeriesCount) * 10_000;
                v.Value = ValueOf(i);
                insert.ExecuteNonQuery();
            }
            await transaction.CommitAsync(ct);
        }
        return points;
    }
}
