using Analytics.Data.Subscriptions;

namespace Analytics.Web.Components.Pages.Subscriptions;

/// <summary>The create/edit form's state, as plain values; <see cref="ToInput"/> is what the service validates.</summary>
public sealed class SubscriptionForm
{
    public string? Id { get; set; }
    public string? DashboardId { get; set; }
    public string Name { get; set; } = "";
    public string Format { get; set; } = "pdf";
    public string Kind { get; set; } = "weekly";
    public string Time { get; set; } = "08:00";
    public IEnumerable<string> Days { get; set; } = ["mon"];
    public int? DayOfMonth { get; set; } = 1;
    public string Cron { get; set; } = "";
    public string TimeZone { get; set; } = "UTC";
    /// <summary>Recipients, one per line or separated by commas or semicolons.</summary>
    public string Recipients { get; set; } = "";
    public string? Preset { get; set; } = "lastWeek";
    public bool Enabled { get; set; } = true;
    /// <summary>Dimension filters, one per line: <c>campaign: Brand A, Brand B</c> (<c>instance: demo-contoso</c> for instances).</summary>
    public string Filters { get; set; } = "";

    public Dictionary<string, List<string>>? ParsedFilters()
    {
        var filters = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in Filters.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = line.IndexOfAny([':', '=']);
            // A line without "dimension:" is passed on as a dimension with no values; the service names it as the fault.
            var dimension = colon < 0 ? line : line[..colon].Trim();
            var values = colon < 0 ? [] : line[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            filters[dimension] = values;
        }
        return filters.Count == 0 ? null : filters;
    }

    public SubscriptionInput ToInput() => new(
        DashboardId, Format,
        new SubscriptionScheduleInput(Kind, Time, Kind == "weekly" ? Days.ToList() : null, Kind == "monthly" ? DayOfMonth : null, Kind == "cron" ? Cron : null),
        TimeZone,
        Recipients.Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        string.IsNullOrWhiteSpace(Name) ? null : Name, Preset, ParsedFilters(), Enabled: Enabled);

    public static SubscriptionForm From(SubscriptionView s) => new()
    {
        Id = s.Id, DashboardId = s.DashboardId, Name = s.Name, Format = s.Format, Kind = s.Schedule.Kind, Time = s.Schedule.Time,
        Days = s.Schedule.Days.ToList(), DayOfMonth = s.Schedule.DayOfMonth ?? 1, Cron = s.Schedule.Cron ?? "", TimeZone = s.TimeZone,
        Recipients = string.Join("\n", s.Recipients), Preset = s.Preset, Enabled = s.Enabled,
        Filters = string.Join("\n", s.Filters.Select(f => $"{f.Key}: {string.Join(", ", f.Value)}")),
    };
}
