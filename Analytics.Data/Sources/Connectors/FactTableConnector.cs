using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// Sources whose rows already live in the fact store (the demo workspace, CSV uploads): the template's SQL runs in a
/// private in-memory SQLite database holding, for the time window, one table per dataset of the source, named by the
/// dataset's key (<c>ad_performance</c> for the demo), with columns <c>date</c> (yyyy-MM-dd), <c>time</c> (ISO 8601
/// UTC), the dimensions and the measures by name. Nothing the SQL does can reach the app's own database: the connection
/// is locked down (<see cref="SqliteGuard.LockDown"/>: query-only, no ATTACH) and statements stop at the time limit.
/// </summary>
public abstract class FactTableConnector(IDbContextFactory<AnalyticsDbContext> factory, IOptions<SourceOptions> options) : ISourceConnector
{
    /// <summary>Datasets written by reports are results, not inputs; they are not offered as tables.</summary>
    public const string ReportDatasetPrefix = "report_";

    public abstract SourceKind Kind { get; }

    public virtual IReadOnlySet<string> SecretSettings { get; } = new HashSet<string>();

    public virtual IReadOnlyList<SettingField> SettingFields => [];

    public abstract void ValidateSettings(JsonObject settings);

    public virtual bool BuiltIn => false;

    public virtual JsonObject WithPublicSettings(JsonObject settings) => settings;

    public virtual IReadOnlyList<Dataset> OwnedDatasets(string sourceId, string sourceName, JsonObject settings, DateTimeOffset now) => [];

    public async Task<TabularResult> RunAsync(SourceQuery query, CancellationToken ct)
    {
        await using var memory = new SqliteConnection("Data Source=:memory:");
        await memory.OpenAsync(ct);
        List<Dataset> datasets;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            datasets = await db.Datasets.AsNoTracking()
                .Where(d => d.SourceId == query.Source.Id && !d.Key.StartsWith(ReportDatasetPrefix))
                .ToListAsync(ct);
        }
        var from = query.WindowStart.ToUnixTimeSeconds();
        var to = query.WindowEnd.ToUnixTimeSeconds();
        foreach (var dataset in datasets)
        {
            query.Progress?.Report($"Loading {dataset.Name} for the window");
            await LoadAsync(memory, dataset, from, to, ct);
        }
        SqliteGuard.LockDown(memory, options.Value.SqliteLimits);
        query.Progress?.Report("Running the query");
        await using var command = memory.CreateCommand();
        SqlResultReader.Bind(command, query, SqlValues.Untyped);
        return await SqliteGuard.ReadAsync(memory, command, options.Value, ct);
    }

    private async Task LoadAsync(SqliteConnection memory, Dataset dataset, long from, long to, CancellationToken ct)
    {
        var dims = dataset.Dimensions.OrderBy(d => d.Slot).ToList();
        var measures = dataset.Measures.OrderBy(m => m.Slot).ToList();
        var columns = new List<string> { "date TEXT NOT NULL", "time TEXT NOT NULL" };
        columns.AddRange(dims.Select(d => $"\"{d.Name}\" TEXT"));
        columns.AddRange(measures.Select(m => $"\"{m.Name}\" REAL"));
        await using (var create = memory.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE \"{dataset.Key}\" ({string.Join(", ", columns)})";
            await create.ExecuteNonQueryAsync(ct);
        }

        await using var transaction = (SqliteTransaction)await memory.BeginTransactionAsync(ct);
        await using var insert = memory.CreateCommand();
        insert.Transaction = transaction;
        var sql = new StringBuilder($"INSERT INTO \"{dataset.Key}\" VALUES (@date, @time");
        insert.Parameters.Add(new SqliteParameter("@date", ""));
        insert.Parameters.Add(new SqliteParameter("@time", ""));
        for (var i = 0; i < dims.Count + measures.Count; i++)
        {
            sql.Append($", @v{i}");
            insert.Parameters.Add(new SqliteParameter($"@v{i}", DBNull.Value));
        }
        insert.CommandText = sql.Append(')').ToString();
        insert.Prepare();

        await using var db = await factory.CreateDbContextAsync(ct);
        var facts = db.Facts.AsNoTracking().Where(f => f.DatasetId == dataset.Id && f.Ts >= from && f.Ts < to).AsAsyncEnumerable();
        await foreach (var fact in facts.WithCancellation(ct))
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(fact.Ts);
            insert.Parameters[0].Value = time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            insert.Parameters[1].Value = time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var p = 2;
            foreach (var d in dims) insert.Parameters[p++].Value = (object?)fact.Dimension(d.Slot) ?? DBNull.Value;
            foreach (var m in measures) insert.Parameters[p++].Value = (object?)fact.Measure(m.Slot) ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}

/// <summary>The seeded demo workspace: <c>ad_performance</c> (date, campaign, asin, campaign_type, impressions, clicks, spend, sales, purchases).</summary>
public sealed class DemoSourceConnector(IDbContextFactory<AnalyticsDbContext> factory, IOptions<SourceOptions> options) : FactTableConnector(factory, options), ISourceConnector
{
    public override SourceKind Kind => SourceKind.Demo;

    public override bool BuiltIn => true;

    public override void ValidateSettings(JsonObject settings)
    {
        // The demo source takes no settings; anything given is kept as a note and ignored.
    }

    /// <summary>The demo instances are seeded with the same ids everywhere (<c>demo-contoso</c>, …).</summary>
    public string? ExternalId(string sourceId, JsonObject settings) => sourceId;
}
