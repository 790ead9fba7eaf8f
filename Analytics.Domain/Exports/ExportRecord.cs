namespace Analytics.Domain.Exports;

/// <summary>What started an export: a one-off download (page menu, widget menu, API), a subscription's delivery, or an "e-mail this now".</summary>
public static class ExportTriggers
{
    public const string Download = "download";
    public const string Subscription = "subscription";
    public const string Email = "email";
}

public static class ExportOutcomes
{
    public const string Ok = "ok";
    public const string Failed = "failed";
}

/// <summary>
/// The parameters a dashboard export was made with, enough to make it again: the format, one widget or all, the
/// <em>resolved absolute</em> time range (a preset such as "last 30 days" is kept only as a label), the dimension and
/// instance filters in force (the dashboard's saved ones with the request's on top) and the page options.
/// </summary>
public sealed class ExportParameters
{
    public string Format { get; set; } = "";
    public string? WidgetId { get; set; }
    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? End { get; set; }
    /// <summary>The preset the range was resolved from, for display; a re-download uses <see cref="Start"/>/<see cref="End"/>.</summary>
    public string? Preset { get; set; }
    /// <summary>Dimension → values; the key <c>instance</c> holds the instance (source) ids.</summary>
    public Dictionary<string, List<string?>> Filters { get; set; } = [];
    public ExportPageSize PageSize { get; set; } = ExportPageSize.A4;
    public ExportOrientation Orientation { get; set; } = ExportOrientation.Landscape;
    public ExportLayout Layout { get; set; } = ExportLayout.Grid;
    public bool Summary { get; set; }
    /// <summary>The dashboard's underlying rows rather than its widgets' results.</summary>
    public bool Underlying { get; set; }
    /// <summary>Who an "e-mail this now" went to; null for downloads and subscriptions (those keep their recipients).</summary>
    public List<string>? Recipients { get; set; }

    /// <summary>True when the range was resolved, i.e. the export can be made again with the same numbers' window.</summary>
    public bool CanRegenerate => Start is not null && End is not null && Format.Length > 0;
}

/// <summary>
/// One dashboard export, whoever asked for it and however: who (the user it was rendered as), which dashboard (and its
/// name then) or widget, the format, the trigger, the parameters to make it again, how long it took, the file's name,
/// type and size, and whether it worked. Kept for <c>Analytics:Exports:HistoryDays</c>.
/// </summary>
public sealed class ExportRecord
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public required string DashboardId { get; init; }
    public string DashboardName { get; set; } = "";
    public string? WidgetId { get; set; }
    public string? WidgetTitle { get; set; }
    public string Format { get; set; } = "";
    /// <summary><see cref="ExportTriggers"/>.</summary>
    public string Trigger { get; set; } = ExportTriggers.Download;
    public string? SubscriptionId { get; set; }
    public string? SubscriptionName { get; set; }
    public string? SubscriptionRunId { get; set; }
    /// <summary>The record this one re-made, when it is a re-download.</summary>
    public string? RedownloadOf { get; set; }
    public ExportParameters Parameters { get; set; } = new();
    public DateTimeOffset CreatedAt { get; init; }
    public long DurationMs { get; set; }
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    public long? SizeBytes { get; set; }
    /// <summary><see cref="ExportOutcomes"/>.</summary>
    public string Outcome { get; set; } = ExportOutcomes.Ok;
    public string? Error { get; set; }
}
