using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain.Metrics;

namespace Analytics.Domain.Chat.Egress;

/// <summary>
/// <c>schema-only</c>: what the model is told about a function's result (its shape, never its rows), and the answer's
/// figures written on the server from the real rows with a fixed template.
/// </summary>
public static class SchemaOnlyAnswer
{
    /// <summary>Functions whose results are the catalog (names and descriptions), which the model may see in this mode.</summary>
    public static readonly IReadOnlySet<string> CatalogFunctions = new HashSet<string>(StringComparer.Ordinal) { "list_datasets", "list_metrics", "describe_metric", "list_dimensions" };

    public const int MaxRowsWritten = 10;

    /// <summary>True when the result may be sent as it is: a catalog function's answer that lists no dimension values.</summary>
    public static bool MaySend(string function, string payload)
    {
        if (!CatalogFunctions.Contains(function)) return false;
        try { return JsonNode.Parse(payload) is not JsonObject o || !o.ContainsKey("values"); }
        catch (JsonException) { return false; }
    }

    /// <summary>What the model reads instead of the rows: the columns and how many rows came back.</summary>
    public static string Withheld(IReadOnlyList<string> columns, int rowCount) => JsonSerializer.Serialize(new
    {
        status = "ok",
        columns,
        rowCount,
        note = "Rows are not shared with you (data-sharing mode schema-only). The server writes the figures into the answer below your text; do not state any numbers or names from the data yourself.",
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>The figures of one result: a title line, then KPIs or up to <see cref="MaxRowsWritten"/> rows.</summary>
    public static string Write(ChatVisualization viz)
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(viz.Title).Append("**");
        var labels = viz.Columns.Select(c => c.Label ?? c.Name).ToList();
        var numeric = viz.Columns.Select(c => c.Type is "number" or "integer").ToList();
        if (viz.Rows.Count == 0) return sb.Append(": no rows.").ToString();
        if (numeric.All(n => n) && viz.Rows.Count == 1)
        {
            sb.Append(": ").AppendJoin(" · ", viz.Columns.Select((c, i) => $"{labels[i]} {MetricFormat.Format(viz.Rows[0][i], c.Format)}"));
            return sb.ToString();
        }
        foreach (var (row, n) in viz.Rows.Take(MaxRowsWritten).Select((r, n) => (r, n)))
        {
            var names = viz.Columns.Select((c, i) => (c, i)).Where(x => !numeric[x.i]).Select(x => MetricFormat.Format(x.i < row.Length ? row[x.i] : null, x.c.Format));
            var values = viz.Columns.Select((c, i) => (c, i)).Where(x => numeric[x.i]).Select(x => $"{labels[x.i]} {MetricFormat.Format(x.i < row.Length ? row[x.i] : null, x.c.Format)}");
            sb.Append('\n').Append(n + 1).Append(". ").AppendJoin(" · ", names).Append(" — ").AppendJoin(", ", values);
        }
        if (viz.Rows.Count > MaxRowsWritten) sb.Append($"\n({viz.Rows.Count} rows in all; the table has every one.)");
        return sb.ToString();
    }

    /// <summary>The figures of every result of the answer, in order.</summary>
    public static string Write(IEnumerable<ChatVisualization> results)
    {
        var parts = results.Select(Write).ToList();
        return parts.Count == 0 ? "" : string.Join("\n\n", parts);
    }
}
