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

    public SubscriptionInput ToInput() => new(
        DashboardId, Format,
        new SubscriptionScheduleInput(Kind, Time, Kind == "weekly" ? Days.ToList() : null, Kind == "monthly" ? DayOfMonth : null, Kind == "cron" ? Cron : null),
        TimeZone,
        Recipients.Split([',', ';', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(),
        string.IsNullOrWhiteSpace(Name) ? null : Name, Preset, Enabled: Enabled);

    public static SubscriptionForm From(SubscriptionView s) => new()
    {
        Id = s.Id, DashboardId = s.DashboardId, Name = s.Name, Format = s.Format, Kind = s.Schedule.Kind, Time = s.Schedule.Time,
        Days = s.Schedule.Days.ToList(), DayOfMonth = s.Schedule.DayOfMonth ?? 1, Cron = s.Schedule.Cron ?? "", TimeZone = s.TimeZone,
        Recipients = string.Join("\n", s.Recipients), Preset = s.Preset, Enabled = s.Enabled,
    };
}
