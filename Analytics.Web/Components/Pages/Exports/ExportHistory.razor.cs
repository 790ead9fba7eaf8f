using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Exports;

/// <summary>The export history page: a thin view over <see cref="ExportHistoryService"/> (which owns who sees what).</summary>
public sealed partial class ExportHistory
{
    private const int PageSize = 50;

    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ExportHistoryService Service { get; init; }
    [Inject] public required ExportService Exports { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required UserPreferencesService Preferences { get; init; }

    private List<ExportRecordView>? _items;
    private IReadOnlyList<DashboardSummary> _dashboards = [];
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private string? _dashboardId;
    private string? _format;
    private bool _all;
    private bool _isAdmin;
    private string? _next;
    private bool _loading;
    private string? _error;

    private DashboardSummary? SelectedDashboard => _dashboards.FirstOrDefault(d => d.Id == _dashboardId);

    private Task<IEnumerable<DashboardSummary>> SearchDashboards(string? text, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text)
            ? _dashboards
            : _dashboards.Where(d => d.Name.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private bool Filtered => _dashboardId is not null || _format is not null;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _isAdmin = actor.IsAdmin;
        _dashboards = await Dashboards.ListAsync(actor, default);
        if ((await Preferences.GetAsync(actor, default)).TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone)) _zone = zone;
        await LoadAsync(append: false);
    }

    private async Task FilterAsync(string? dashboardId, string? format, bool all)
    {
        (_dashboardId, _format, _all) = (dashboardId, format, all);
        await LoadAsync(append: false);
    }

    private Task LoadMoreAsync() => LoadAsync(append: true);

    private async Task LoadAsync(bool append)
    {
        _loading = true;
        try
        {
            var page = await Service.ListAsync(await CurrentActor.GetAsync(), new ExportHistoryQuery(_all, _dashboardId, _format),
                new PageRequest(PageSize, append ? _next : null), default);
            _items = append && _items is not null ? [.. _items, .. page.Items] : [.. page.Items];
            _next = page.NextAfter;
        }
        catch (DomainException e) { _error = e.Message; }
        finally { _loading = false; }
    }
}

/// <summary>How the history page words a record: times in the user's zone, sizes, durations, the trigger.</summary>
public static class ExportHistoryText
{
    public static string Time(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public static string Size(long? bytes) => bytes switch
    {
        null => "—",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / 1024.0 / 1024.0:0.#} MB",
    };

    public static string Duration(long ms) => ms < 1000 ? $"{ms} ms" : $"{ms / 1000.0:0.#} s";

    public static string Trigger(ExportRecordView r) => r.Trigger switch
    {
        "subscription" => $"Subscription: {r.SubscriptionName ?? r.SubscriptionId}",
        "email" => r.Parameters.Recipients is { Count: > 0 } to ? $"E-mailed to {string.Join(", ", to)}" : "E-mailed",
        _ when r.RedownloadOf is not null => "Download (re-download)",
        _ => "Download",
    };
}
