using Analytics.Domain.Facts;

namespace Analytics.Data.Facts;

public enum FactWriteMode
{
    /// <summary>Plain insert: the dataset holds none of these keys yet (seeding). Fastest.</summary>
    Insert,
    /// <summary>Insert or replace by (dataset, time, dimension hash): re-running a window never duplicates.</summary>
    Upsert,
}

/// <summary>
/// Writes fact rows in bulk, all in one transaction: a failed batch writes nothing. One implementation per provider
/// (the dialect seam): SQLite uses prepared multi-row statements, PostgreSQL binary COPY.
/// </summary>
public interface IFactBulkWriter
{
    Task<long> WriteAsync(Dataset dataset, IEnumerable<FactRow> rows, FactWriteMode mode, CancellationToken ct);
}

internal static class FactColumns
{
    public static string[] DimensionColumns(Dataset dataset) => dataset.Dimensions.OrderBy(d => d.Slot).Select(d => $"d{d.Slot}").ToArray();

    public static string[] MeasureColumns(Dataset dataset) => dataset.Measures.OrderBy(m => m.Slot).Select(m => $"m{m.Slot}").ToArray();

    /// <summary>Row arrays are indexed by slot - 1; this maps the dataset's fields, in column order, to those indexes.</summary>
    public static int[] DimensionIndexes(Dataset dataset) => dataset.Dimensions.OrderBy(d => d.Slot).Select(d => d.Slot - 1).ToArray();

    public static int[] MeasureIndexes(Dataset dataset) => dataset.Measures.OrderBy(m => m.Slot).Select(m => m.Slot - 1).ToArray();
}
