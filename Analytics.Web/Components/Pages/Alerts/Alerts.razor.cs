using Analytics.Data.Alerts;
using Analytics.Domain;
using Analytics.Domain.Metrics;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Alerts;

public sealed partial class Alerts : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required AlertService AlertService { get; init; }
    [Inject] public required IDbContextFactory<Analytics.Data.AnalyticsDbContext> Db { get; init; }
    [Inject] public required Analytics.Data.Notifications.NotificationNotifier Notifier { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private IReadOnlyList<AlertRuleView>? _rules;
    private IReadOnlyList<AlertEventView> _events = [];
    private IReadOnlyList<MetricDefinition> _metrics = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private AlertRuleForm _form = new();
    private bool _canAuthor;
    private bool _showForm;
    private string? _message;
    private IDisposable? _subscription;
    private readonly CancellationTokenSource _stop = new();

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _canAuthor = actor.CanAuthor;
        await using (var db = await Db.CreateDbContextAsync())
        {
            _metrics = (await db.MetricDefinitions.AsNoTracking().ToListAsync()).OrderBy(m => m.Label).ToList();
        }
        await LoadAsync();
    }

    /// <summary>Live: refresh when this user gets a notification (a rule fired or resolved), and every 30 s for states.</summary>
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        var actor = await CurrentActor.GetAsync();
        _subscription = Notifier.Subscribe(actor.UserId, () => _ = InvokeAsync(RefreshAsync));
        _ = PollAsync(_stop.Token);
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) await InvokeAsync(RefreshAsync);
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task RefreshAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _rules = await AlertService.ListAsync(actor, default);
        _events = (await AlertService.EventsAsync(actor, new PageRequest(100, null), null, default)).Items;
    }

    private void ToggleForm()
    {
        _showForm = !_showForm;
        _errors = new Dictionary<string, string[]>();
    }

    private async Task CreateAsync()
    {
        try
        {
            var created = await AlertService.CreateAsync(await CurrentActor.GetAsync(), _form.ToInput(), default);
            _errors = new Dictionary<string, string[]>();
            _form = new AlertRuleForm();
            _showForm = false;
            _message = null;
            Snackbar.Add($"Created rule {created.Name}; it is evaluated within a minute.", Severity.Success);
            await LoadAsync();
        }
        catch (ValidationException e) { _errors = e.Errors; }
        catch (DomainException e) { _message = e.Message; }
    }

    private async Task ToggleAsync(AlertRuleView r)
    {
        try
        {
            await AlertService.UpdateAsync(await CurrentActor.GetAsync(), r.Id, new AlertRuleInput(
                r.Name, r.Metric, new AlertConditionInput(r.Condition.Op, r.Condition.Threshold, r.Condition.Window), r.Channels,
                r.Kind, r.Aggregation, r.Filters, r.SourceIds, r.Hysteresis, r.PendingEvaluations, Enabled: !r.Enabled), default);
            await LoadAsync();
        }
        catch (DomainException e) { _message = e.Message; }
    }

    private async Task DeleteAsync(AlertRuleView rule)
    {
        try
        {
            await AlertService.DeleteAsync(await CurrentActor.GetAsync(), rule.Id, default);
            Snackbar.Add($"Deleted rule {rule.Name}.", Severity.Info);
            await LoadAsync();
        }
        catch (DomainException e) { _message = e.Message; }
    }

    private static string StateText(AlertRuleView r) => r.Enabled ? r.State : "paused";

    private static string Describe(AlertRuleView r) => r.Condition.Op switch
    {
        "gt" => $"above {r.Condition.Threshold:G6} over {r.Condition.Window}",
        "lt" => $"below {r.Condition.Threshold:G6} over {r.Condition.Window}",
        "changePct" => $"changes {r.Condition.Threshold:+0.##;-0.##}% vs previous {r.Condition.Window}",
        _ => $"no data for {r.Condition.Window}",
    };
}
