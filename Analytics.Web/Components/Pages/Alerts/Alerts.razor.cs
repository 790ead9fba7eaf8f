using Analytics.Data.Alerts;
using Analytics.Domain;
using Analytics.Domain.Alerts;
using Analytics.Domain.Metrics;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Web.Components.Pages.Alerts;

public sealed partial class Alerts : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required AlertService AlertService { get; init; }
    [Inject] public required IDbContextFactory<Analytics.Data.AnalyticsDbContext> Db { get; init; }
    [Inject] public required Analytics.Data.Notifications.NotificationNotifier Notifier { get; init; }

    private static readonly string[] Kinds = ["semantic", "operational"];
    private static readonly string[] AggregationNames = ["avg", "sum", "count", "min", "max", "p95", "p99"];
    private static readonly string[] Windows = ["5m", "15m", "1h", "6h", "1d", "7d", "30d"];
    private static readonly (string Value, string Text)[] OpList =
        [("gt", "is above"), ("lt", "is below"), ("changePct", "changes by (%)"), ("noData", "has no data")];
    private static IEnumerable<object> Ops => OpList.Select(o => new { o.Value, o.Text });

    private IReadOnlyList<AlertRuleView>? _rules;
    private IReadOnlyList<AlertEventView> _events = [];
    private IReadOnlyList<MetricDefinition> _metrics = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private RuleForm _form = new();
    private bool _canAuthor;
    private bool _showForm;
    private string? _message;
    private bool _messageIsError;
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

    private async Task CreateAsync()
    {
        var channels = new List<AlertChannel> { new(AlertChannel.InApp) };
        if (!string.IsNullOrWhiteSpace(_form.WebhookUrl)) channels.Add(new AlertChannel(AlertChannel.Webhook, _form.WebhookUrl.Trim()));
        try
        {
            var created = await AlertService.CreateAsync(await CurrentActor.GetAsync(), new AlertRuleInput(
                _form.Name, _form.Metric, new AlertConditionInput(_form.Op, _form.Threshold, _form.Window), channels,
                Kind: _form.Kind, Aggregation: _form.Aggregation), default);
            _errors = new Dictionary<string, string[]>();
            _form = new RuleForm();
            _showForm = false;
            Show($"Created rule {created.Name}; it is evaluated within a minute.", error: false);
            await LoadAsync();
        }
        catch (ValidationException e) { _errors = e.Errors; }
        catch (DomainException e) { Show(e.Message, error: true); }
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
        catch (DomainException e) { Show(e.Message, error: true); }
    }

    private async Task DeleteAsync(string id)
    {
        try
        {
            await AlertService.DeleteAsync(await CurrentActor.GetAsync(), id, default);
            await LoadAsync();
        }
        catch (DomainException e) { Show(e.Message, error: true); }
    }

    private static string Describe(AlertRuleView r) => r.Condition.Op switch
    {
        "gt" => $"above {r.Condition.Threshold:G6} over {r.Condition.Window}",
        "lt" => $"below {r.Condition.Threshold:G6} over {r.Condition.Window}",
        "changePct" => $"changes {r.Condition.Threshold:+0.##;-0.##}% vs previous {r.Condition.Window}",
        _ => $"no data for {r.Condition.Window}",
    };

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }

    private sealed class RuleForm
    {
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "semantic";
        public string Metric { get; set; } = "roas";
        public string Aggregation { get; set; } = "avg";
        public string Op { get; set; } = "lt";
        public double? Threshold { get; set; } = 2;
        public string Window { get; set; } = "7d";
        public string WebhookUrl { get; set; } = "";
    }
}
