using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Query;

/// <summary>
/// <c>POST /query</c> over facts. Two stages: SQL (one parameterized statement per dataset, a <c>UNION ALL</c> of its
/// time segments) sums the base measures per stored time and group-by values, from the raw facts or the rollup that
/// answers exactly; then <see cref="QueryAssembler"/> maps each stored time to its calendar bucket in the query's time
/// zone (<see cref="TimeZoneInfo"/>, so DST days have 23 or 25 hours), re-sums, computes derived metrics from the sums,
/// fills empty buckets, sorts and limits. Bucketing in C# keeps one calendar implementation for both databases and
/// every zone, instead of two dialects of time-zone SQL; the read SQL is then the same text on both databases (what does
/// differ, the UTC month arithmetic of rollup maintenance, is <see cref="IFactSqlDialect"/>). Results are cached per (query, visible sources, data versions).
/// </summary>
public sealed class FactQueryService(
    IDbContextFactory<AnalyticsDbContext> factory,
    QueryResultCache cache)
{
    public async Task<QueryResult> ExecuteAsync(Actor actor, SemanticQuery query, CancellationToken ct, bool useCache = true)
    {
        var started = Stopwatch.GetTimestamp();
        await using var db = await factory.CreateDbContextAsync(ct);

        string? userZone = null;
        if (actor.UserId != Actor.System.UserId)
            userZone = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.TimeZone).FirstOrDefaultAsync(ct);
        var q = NormalizedQuery.From(query, userZone);

        var visible = await SourceService.Visible(db.Sources.AsNoTracking(), actor).Select(s => s.Id).OrderBy(s => s).ToListAsync(ct);
        foreach (var id in q.SourceIds ?? [])
        {
            if (!visible.Contains(id)) throw new NotFoundException("Source", id);
        }
        var sourceIds = q.SourceIds ?? visible;
        var datasets = await db.Datasets.AsNoTracking().Where(d => sourceIds.Contains(d.SourceId)).ToListAsync(ct);
        if (q.Dataset is { } wanted)
        {
            datasets = datasets.Where(d => Matches(d, wanted)).ToList();
            if (datasets.Count == 0) throw new NotFoundException("Dataset", wanted);
        }
        var stored = await db.MetricDefinitions.AsNoTracking().ToListAsync(ct);
        // Built-ins are seeded at start; a database that was only migrated still knows them.
        var definitions = BuiltInMetrics.All.Where(b => !stored.Any(m => m.Name == b.Name)).Concat(stored).ToList();
        var datasetIds = datasets.Select(d => d.Id).ToList();
        var aggregates = await db.Set<FactProjection>().AsNoTracking().Where(p => datasetIds.Contains(p.DatasetId)).ToListAsync(ct);
        var plan = QueryPlanner.Plan(q, datasets, new MetricResolver(definitions), aggregates);

        var key = CacheKey(q, visible, plan);
        if (useCache && cache.TryGet(key, out var cached))
        {
            return cached with { Meta = cached.Meta with { Cache = "hit", ElapsedMs = Elapsed(started), SqlMs = 0 } };
        }

        var assembler = new QueryAssembler(plan);
        var sqlStarted = Stopwatch.GetTimestamp();
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        foreach (var read in plan.Datasets)
        {
            await using var command = connection.CreateCommand();
            BuildCommand(command, read);
            if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
            {
                SqliteFactReader.Read(sqlite, command, read, assembler, ct);
                continue;
            }
            await using var reader = await command.ExecuteReaderAsync(ct);
            await ReadAsync(reader, read, assembler, ct);
        }
        var sqlMs = Elapsed(sqlStarted);

        var byName = definitions.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        var labels = datasets.SelectMany(d => d.Dimensions).GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Label, StringComparer.OrdinalIgnoreCase);
        var (columns, rows, total) = assembler.Build(name =>
            byName.TryGetValue(name, out var m) ? (m.Label, m.Format) : (labels.GetValueOrDefault(name, name), null));

        var warnings = plan.Warnings.Concat(assembler.Warnings).ToList();
        if (total > rows.Count && !q.LimitGiven) warnings.Add($"Only the first {q.Limit} of {total} rows are returned; set limit (at most {NormalizedQuery.MaxLimit}) or narrow the query.");
        var tables = plan.Datasets.SelectMany(d => d.Segments).Select(s => s.Table).Distinct().ToList();
        var meta = new QueryMeta(
            plan.Datasets.Select(d => new DatasetReadMeta(d.Dataset.Id, d.Dataset.Key, d.Dataset.SourceId, d.Dataset.DataVersion,
                d.Segments.Select(s => Describe(d, s)).ToList())).ToList(),
            Rollup: tables.Count == 0 ? "raw" : tables.Max().ToString().ToLowerInvariant(),
            Cache: useCache ? "miss" : "off",
            TimeZone: q.Zone.Id,
            Granularity: q.Granularity.ToWire(),
            TotalRows: total,
            Truncated: total > rows.Count,
            Warnings: warnings,
            SqlMs: sqlMs);
        var result = new QueryResult(columns, rows, meta);
        if (useCache) cache.Set(key, result);
        return result with { Meta = meta with { ElapsedMs = Elapsed(started) } };
    }

    private static bool Matches(Dataset d, string wanted) =>
        d.Id.ToString(CultureInfo.InvariantCulture) == wanted
        || d.Key.Equals(wanted, StringComparison.OrdinalIgnoreCase)
        || $"{d.SourceId}/{d.Key}".Equals(wanted, StringComparison.OrdinalIgnoreCase);

    private static string CacheKey(NormalizedQuery q, IReadOnlyList<string> visible, QueryPlan plan)
    {
        var sb = new StringBuilder(q.CacheKey());
        sb.Append("|v=").AppendJoin(',', visible);
        foreach (var d in plan.Datasets) sb.Append("|ds").Append(d.Dataset.Id).Append('@').Append(d.Dataset.DataVersion);
        // A changed metric formula must not serve the old numbers.
        foreach (var m in plan.Metrics) sb.Append("|f:").Append(m.Name).Append('=').Append(m.Formula);
        return sb.ToString();
    }

    /// <summary>
    /// <c>SELECT [ts,] dN…, AGG(mN)… FROM facts|fact_rollups WHERE dataset_id = @ds [AND grain = @gK] AND ts &gt;= @sK AND
    /// ts &lt; @eK AND dN IN (@fI_J…) GROUP BY …</c>, one branch per segment joined by <c>UNION ALL</c>. Column names come
    /// from slot numbers of the dataset definition; every value is a parameter. A day projection's rows are read as
    /// they are stored, without <c>GROUP BY</c>: the planner chose it because it is small, and the second stage sums
    /// per bucket and group anyway (SQLite sorts a <c>GROUP BY</c> over non-key columns in a temporary b-tree, which
    /// cost more than the summing in C#). Averages never read aggregates, so every branch has the same columns.
    /// </summary>
    internal static void BuildCommand(DbCommand command, DatasetRead read)
    {
        var groups = new List<string>();
        if (read.GroupByTime) groups.Add("ts");
        groups.AddRange(read.GroupSlots.Select(s => $"d{s}"));
        // With group-by dimensions, each row also carries a fact hash of its group: the reader resolves the values once
        // per hash instead of decoding and hashing strings on every row (one fact hash always has the same values).
        var grouped = read.GroupSlots.Count > 0;
        var aggregated = new List<string>();
        var stored = new List<string>();
        if (read.GroupByTime) { aggregated.Add("ts"); stored.Add("ts"); }
        if (grouped) { aggregated.Add("MIN(dim_hash)"); stored.Add("dim_hash"); }
        aggregated.AddRange(read.GroupSlots.Select(s => $"d{s}"));
        stored.AddRange(read.GroupSlots.Select(s => $"d{s}"));
        foreach (var m in read.Measures)
        {
            stored.Add($"m{m.Slot}");
            aggregated.Add(m.Aggregation switch
            {
                Aggregation.Min => $"MIN(m{m.Slot})",
                Aggregation.Max => $"MAX(m{m.Slot})",
                Aggregation.Avg => $"SUM(m{m.Slot}), COUNT(m{m.Slot})",
                _ => $"SUM(m{m.Slot})",
            });
        }
        var select = string.Join(", ", aggregated);
        var plain = string.Join(", ", stored);

        var filters = new StringBuilder();
        for (var i = 0; i < read.Filters.Count; i++)
        {
            var (slot, values) = read.Filters[i];
            FactSql.AppendDimensionFilter(filters, command, slot, values, $"@f{i}_");
        }

        var sql = new StringBuilder();
        FactSql.Add(command, "@ds", read.Dataset.Id);
        for (var k = 0; k < read.Segments.Count; k++)
        {
            var segment = read.Segments[k];
            if (k > 0) sql.Append("\nUNION ALL\n");
            var projected = segment.Table == FactTable.Day;
            sql.Append("SELECT ").Append(projected ? plain : select).Append(" FROM ");
            if (segment.Table == FactTable.Raw)
            {
                sql.Append("facts WHERE dataset_id = @ds");
            }
            else if (projected)
            {
                sql.Append("fact_projection_rows WHERE dataset_id = @ds AND projection = @p").Append(k);
                FactSql.Add(command, $"@p{k}", read.Projection ?? throw new InvalidOperationException("A day segment needs a projection."));
            }
            else
            {
                sql.Append("fact_rollups WHERE dataset_id = @ds AND grain = @g").Append(k);
                FactSql.Add(command, $"@g{k}", segment.Table == FactTable.Week ? FactRollup.Week : FactRollup.Month);
            }
            sql.Append(" AND ts >= @s").Append(k).Append(" AND ts < @e").Append(k).Append(filters);
            FactSql.Add(command, $"@s{k}", segment.Start);
            FactSql.Add(command, $"@e{k}", segment.End);
            if (groups.Count > 0 && !projected) sql.Append(" GROUP BY ").AppendJoin(", ", groups);
        }
        command.CommandText = sql.ToString();
    }

    /// <summary>
    /// Feeds the rows to the assembler, reusing one partial array (the assembler copies what it keeps). Group-by values
    /// are read only for a group hash not seen before in this read.
    /// </summary>
    private static async Task ReadAsync(DbDataReader reader, DatasetRead read, QueryAssembler assembler, CancellationToken ct)
    {
        var dims = read.GroupSlots.Count;
        var values = new string?[dims];
        var partials = new Partial[read.Measures.Count];
        var averages = read.Measures.Select(m => m.Aggregation == Aggregation.Avg).ToArray();
        var combinations = new Dictionary<long, int>();
        var none = dims == 0 ? assembler.Combination([]) : -1;
        while (await reader.ReadAsync(ct))
        {
            var c = 0;
            var ts = read.GroupByTime ? reader.GetInt64(c++) : 0L;
            var combination = none;
            if (dims > 0)
            {
                var hash = reader.GetInt64(c++);
                if (!combinations.TryGetValue(hash, out combination))
                {
                    for (var i = 0; i < dims; i++) values[i] = reader.IsDBNull(c + i) ? null : reader.GetString(c + i);
                    combinations[hash] = combination = assembler.Combination(values);
                }
                c += dims;
            }
            for (var i = 0; i < partials.Length; i++)
            {
                double? value = reader.IsDBNull(c) ? null : reader.GetDouble(c);
                c++;
                long count = 0;
                if (averages[i]) count = reader.GetInt64(c++);
                partials[i] = new Partial(value, count);
            }
            assembler.Add(ts, combination, partials);
        }
    }

    private static string Describe(DatasetRead read, ReadSegment s) =>
        $"{s.Table.ToString().ToLowerInvariant()}{(s.Table == FactTable.Day ? ProjectionName(read) : "")} {DateTimeOffset.FromUnixTimeSeconds(s.Start):yyyy-MM-dd'T'HH:mm'Z'}..{DateTimeOffset.FromUnixTimeSeconds(s.End):yyyy-MM-dd'T'HH:mm'Z'}";

    /// <summary><c>(campaign, campaign_type)</c>: the dimensions a day projection keeps.</summary>
    private static string ProjectionName(DatasetRead read) =>
        "(" + string.Join(", ", FactProjections.Slots(read.Projection ?? 0).Select(s => read.Dataset.Dimensions.FirstOrDefault(d => d.Slot == s)?.Name ?? $"d{s}")) + ")";


    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
}
