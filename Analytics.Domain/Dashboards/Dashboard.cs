namespace Analytics.Domain.Dashboards;

/// <summary>A dashboard on a 12-column grid.</summary>
public sealed class Dashboard
{
    public const int GridColumns = 12;

    public required string Id { get; init; }
    public required string Name { get; set; }
    public string Description { get; set; } = "";
    public required string OwnerId { get; init; }
    /// <summary>0 = no auto-refresh.</summary>
    public int RefreshSeconds { get; set; }
    /// <summary>The dashboard's global filters, as JSON (<c>[{ dimension, values }]</c> and a time range).</summary>
    public string FiltersJson { get; set; } = "[]";
    public List<Widget> Widgets { get; set; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One tile of a dashboard. <see cref="Type"/> names a widget kind (line, bar, kpi, table, text, …).</summary>
public sealed class Widget
{
    public required string Id { get; init; }
    public required string DashboardId { get; init; }
    public required string Type { get; set; }
    public int X { get; set; }
    public int Y { get; set; }
    public int W { get; set; } = 4;
    public int H { get; set; } = 3;
    /// <summary><c>{ query, title, options }</c> as JSON (CONTRACT.md).</summary>
    public string ConfigJson { get; set; } = "{}";
}
