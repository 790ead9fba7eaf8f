using System.Text.Json;
using Analytics.Data.Facts;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Reports;

public sealed record Conflict(DateTimeOffset Time, IReadOnlyList<string?> Dimensions, IReadOnlyList<double?> Old, IReadOnlyList<double?> New);

public sealed record MergeOutcome(long RowsWritten, bool Unchanged, string? UnchangedSince, int ConflictCount, IReadOnlyList<Conflict> Conflicts);

/// <summary>
/// Merges a validated result into its report's dataset. Rows are upserted by (dataset, time bucket, dimension values),
/// so re-running an overlapping window never duplicates. A result whose checksum equals the last merged result of the
/// same report and window is skipped. Rows that replace different stored values are conflicts: the newest execution
/// wins, and the conflict is counted and sampled on the execution.
/// </summary>
public sealed class ReportMerger(IDbContextFactory<AnalyticsDbContext> factory, FactStore store)
{
    public const int ConflictSample = 20;

    public async Task<MergeOutcome> MergeAsync(Dataset dataset, Execution execution, MappedResult result, CancellationToken ct)
    {
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            var previous = await db.Executions.AsNoTracking()
                .Where(e => e.ReportId == execution.ReportId && e.Id != execution.Id && e.Status == ExecutionStatus.Succeeded
                            && e.TimeWindowStart == execution.TimeWindowStart && e.TimeWindowEnd == execution.TimeWindowEnd)
                .OrderByDescending(e => e.FinishedAt)
                .Select(e => new { e.Id, e.Checksum })
                .FirstOrDefaultAsync(ct);
            if (previous is not null && previous.Checksum == result.Checksum && result.Rows.Count > 0 && dataset.DataVersion > 0)
                return new MergeOutcome(0, true, previous.Id, 0, []);
        }
        if (result.Rows.Count == 0) return new MergeOutcome(0, false, null, 0, []);

        var (count, sample) = await FindConflictsAsync(dataset, result.Rows, ct);
        var written = await store.WriteAsync(dataset, result.Rows, FactWriteMode.Upsert, ct);
        return new MergeOutcome(written.Rows, false, null, count, sample);
    }

    /// <summary>Reads the stored rows of the result's time range and compares the measures of every key both have.</summary>
    private async Task<(int Count, List<Conflict> Sample)> FindConflictsAsync(Dataset dataset, IReadOnlyList<FactRow> rows, CancellationToken ct)
    {
        var min = rows.Min(r => r.Ts);
        var max = rows.Max(r => r.Ts);
        var incoming = new Dictionary<(long, long), FactRow>(rows.Count);
        foreach (var row in rows) incoming[(row.Ts, row.DimHash)] = row;
        var slots = dataset.Measures.OrderBy(m => m.Slot).Select(m => m.Slot).ToArray();
        var count = 0;
        var sample = new List<Conflict>();
        await using var db = await factory.CreateDbContextAsync(ct);
        var stored = db.Facts.AsNoTracking().Where(f => f.DatasetId == dataset.Id && f.Ts >= min && f.Ts <= max).AsAsyncEnumerable();
        await foreach (var fact in stored.WithCancellation(ct))
        {
            if (!incoming.TryGetValue((fact.Ts, fact.DimHash), out var row)) continue;
            var differs = false;
            for (var i = 0; i < slots.Length && !differs; i++) differs = !Same(fact.Measure(slots[i]), row.Measures[slots[i] - 1]);
            if (!differs) continue;
            count++;
            if (sample.Count < ConflictSample)
                sample.Add(new Conflict(DateTimeOffset.FromUnixTimeSeconds(fact.Ts), row.Dimensions,
                    slots.Select(fact.Measure).ToList(), slots.Select(s => row.Measures[s - 1]).ToList()));
        }
        return (count, sample);
    }

    private static bool Same(double? a, double? b) =>
        a is null || b is null ? a is null && b is null : Math.Abs(a.Value - b.Value) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(a.Value), Math.Abs(b.Value)));

    public static string SerializeConflicts(IReadOnlyList<Conflict> conflicts) => JsonSerializer.Serialize(conflicts, TemplateRules.Json);
}
