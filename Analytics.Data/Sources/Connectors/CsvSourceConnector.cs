using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// Rows uploaded by users (<c>POST /sources/{id}/rows</c>). The settings declare the rows' shape as a template's
/// <c>reportConfig</c> does (<c>{ timeColumn, dimensions, measures: [{ name, aggregation }], grain? }</c>); the source owns one
/// dataset, <see cref="RowsDatasetKey"/>, shaped by them. Templates on a CSV source read the uploaded rows of the window as
/// table <c>rows</c> (columns <c>date</c>, <c>time</c>, the dimensions and the measures), like the demo's tables.
/// </summary>
public sealed class CsvSourceConnector(IDbContextFactory<AnalyticsDbContext> factory, IOptions<SourceOptions> options) : FactTableConnector(factory, options)
{
    public const string RowsDatasetKey = "rows";

    public override SourceKind Kind => SourceKind.Csv;

    public override IReadOnlyList<SettingField> SettingFields { get; } =
    [
        new("timeColumn", "Time column", SettingFieldType.Text, Help: "The column with each row's date or time (ISO 8601).", Placeholder: "day"),
        new("dimensions", "Dimensions", SettingFieldType.List, Required: false, Help: "Columns to group and filter by, comma-separated.", Placeholder: "campaign, region"),
        new("measures", "Measures", SettingFieldType.Measures, Help: "name:aggregation, comma-separated; aggregation is sum, min, max, avg or count.", Placeholder: "clicks:sum, spend:sum"),
    ];

    public override void ValidateSettings(JsonObject settings) => Shape(settings);

    /// <summary>The declared shape; a CSV row needs its own time, so <c>timeColumn</c> is required. Errors are keyed <c>settings.…</c>.</summary>
    public static ReportConfig Shape(JsonObject settings)
    {
        var config = ReportConfig.Parse(JsonSerializer.SerializeToElement(settings), "settings");
        if (string.IsNullOrWhiteSpace(config.TimeColumn))
            throw new ValidationException("settings.timeColumn", "Name the column that holds each row's date or time (ISO 8601, e.g. 2025-01-06).");
        var reserved = config.Dimensions.Concat(config.Measures.Select(m => m.Name))
            .Where(n => n.Equals("date", StringComparison.OrdinalIgnoreCase) || n.Equals("time", StringComparison.OrdinalIgnoreCase)).ToList();
        if (reserved.Count > 0)
            throw new ValidationException("settings.fields", $"'{reserved[0]}' is reserved: templates read each row's time as columns date and time; rename the dimension or measure.");
        return config;
    }

    public override IReadOnlyList<Dataset> OwnedDatasets(string sourceId, string sourceName, JsonObject settings, DateTimeOffset now)
    {
        var config = Shape(settings);
        var (dimensions, measures) = config.ToDatasetFields();
        var dataset = new Dataset
        {
            Key = RowsDatasetKey, Name = sourceName, SourceId = sourceId, Grain = config.Grain.ToLowerInvariant(),
            Dimensions = dimensions, Measures = measures, CreatedAt = now, UpdatedAt = now,
        };
        dataset.Validate();
        return [dataset];
    }
}
