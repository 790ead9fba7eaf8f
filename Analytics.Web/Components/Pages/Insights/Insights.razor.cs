using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Data.Notifications;
using Analytics.Data.Query;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Analytics.Domain.Query;
using Analytics.Web.Auth;
using Analytics.Web.Components.Dashboards.Charts;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Insights;

public sealed partial class Insights
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required InsightFeed Feed { get; init; }
    [Inject] public required InsightScanner Scanner { get; init; }
    [Inject] public required UserPreferencesService Preferences { get; init; }
    [Inject] public required FactQueryService Facts { get; init; }
    [Inject] public required ExportMailer Mailer { get; init; }
    [Inject] public required ContentSharing Sharing { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    /// <summary>An insight to highlight with its chart open: the bell's notifications and insight e-mails link here with it.</summary>
    [SupplyParameterFromQuery(Name = "id")] public string? FocusId { get; set; }

    /// <summary>A type to filter by (KPI cards' anomaly marker links here with <c>anomaly</c>).</summary>
    [SupplyParameterFromQuery(Name = "type")] public string? TypeFilter { get; set; }

    private Actor _actor = Actor.System;
    private IReadOnlyList<Option<string>> _instances = [];
    private string? _error;

    private InsightFeedState? _state;

    private InsightPreferencesForm? _settings;
    private string? _timeZone;
    private string? _settingsMessage;
    private readonly Dictionary<string, JsonObject?> _charts = [];
    private readonly Dictionary<string, string> _chartErrors = [];

    /// <summary>Created on first use (the first render comes before the actor is known; loading waits for it).</summary>
    private InsightFeedState State => _state ??= new InsightFeedState(
        (filter, page) => Feed.ListAsync(_actor, filter, page, CancellationToken.None),
        (id, mark) => Feed.MarkAsync(_actor, id, mark, CancellationToken.None));

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        if (Enum.TryParse<InsightType>(TypeFilter, ignoreCase: true, out var type)) State.Type = type;
        _instances = (await Scanner.ScannableDatasetsAsync(_actor, CancellationToken.None))
            .Select(d => new Option<string>(d.SourceId, d.Name)).DistinctBy(o => o.Value).ToList();
        await State.LoadAsync();
        if (FocusId is { } focus && State.Items.FirstOrDefault(i => i.Id == focus) is { } focused) await ToggleChartAsync(focused);
    }

    private async Task ToggleSettingsAsync()
    {
        _settingsMessage = null;
        if (_settings is not null)
        {
            _settings = null;
            return;
        }
        var current = await Preferences.GetAsync(_actor, CancellationToken.None);
        _timeZone = current.TimeZone;
        _settings = InsightPreferencesForm.From(current.Insights ?? InsightNotificationPreferences.Default);
    }

    private Task SaveSettingsAsync() => Guard(async () =>
    {
        if (_settings is null) return;
        var saved = await Preferences.UpdateAsync(_actor, new UserPreferences(_timeZone, _settings.ToPreferences()), CancellationToken.None);
        _settings = InsightPreferencesForm.From(saved.Insights ?? InsightNotificationPreferences.Default);
        _settingsMessage = "Saved.";
    });

    /// <summary>Opens (or closes) the chart of an insight: its stored query, run as the viewer.</summary>
    private async Task ToggleChartAsync(InsightView insight)
    {
        if (_charts.Remove(insight.Id)) return;
        _chartErrors.Remove(insight.Id);
        try
        {
            var query = insight.Chart.Deserialize<SemanticQuery>(JsonSerializerOptions.Web)
                ?? throw new Analytics.Domain.ValidationException("chart", "This insight has no chart.");
            var result = await Task.Run(() => Facts.ExecuteAsync(_actor, query, CancellationToken.None));
            _charts[insight.Id] = ChartOptionsBuilder.Default.Build("line", (JsonObject?)null, result);
        }
        catch (Analytics.Domain.DomainException e)
        {
            _chartErrors[insight.Id] = e.Message;
            _charts[insight.Id] = null;
        }
    }

    private Task ReloadAsync() => Guard(State.LoadAsync);

    private Task SetTypeAsync(InsightType? type)
    {
        State.Type = type;
        return ReloadAsync();
    }

    private Task SetInstanceAsync(string? sourceId)
    {
        State.SourceId = sourceId;
        return ReloadAsync();
    }

    private Task SetPriorityAsync(InsightPriority? priority)
    {
        State.MinPriority = priority;
        return ReloadAsync();
    }

    private Task SetFlagAsync(Action set)
    {
        set();
        return ReloadAsync();
    }
    private Task LoadMoreAsync() => Guard(State.LoadMoreAsync);
    private Task MarkAsync(string id, InsightMark mark) => Guard(() => State.MarkAsync(id, mark));
    private Task TogglePinAsync(InsightView insight) => Guard(() => State.TogglePinAsync(insight));

    private async Task Guard(Func<Task> action)
    {
        try
        {
            _error = null;
            await action();
        }
        catch (Analytics.Domain.DomainException e)
        {
            _error = e.Message;
        }
    }

    private string InstanceName(string? sourceId) => sourceId is null ? "" : _instances.FirstOrDefault(i => i.Value == sourceId)?.Text ?? sourceId;

    private static string PriorityText(InsightPriority? p) => p switch
    {
        null => "",
        InsightPriority.Critical => "Critical",
        _ => $"{p} and above",
    };

    private static string Period(InsightView i) =>
        i.PeriodStart == i.PeriodEnd ? i.PeriodStart.ToString("ddd d MMM yyyy") : $"{i.PeriodStart:d MMM} – {i.PeriodEnd:d MMM yyyy}";

    internal static Color ColorFor(string priority) => priority switch
    {
        "critical" => Color.Error,
        "high" => Color.Warning,
        "medium" => Color.Info,
        _ => Color.Default,
    };

    private string CardClass(InsightView i) => "insight" + (i.Read ? " insight-read" : "") + (i.Id == FocusId ? " insight-focus" : "");

    private sealed record Option<T>(T Value, string Text);

    private Task ShareAsync(InsightView insight) =>
        ShareWithDialog.OpenAsync(Dialogs, Snackbar, "Share this insight",
            $"“{insight.Title}” goes to each colleague's notifications, with a link that opens it. Only people who may read its instances can get it.",
            input => Sharing.ShareInsightAsync(_actor, insight.Id, input, CancellationToken.None));
}
