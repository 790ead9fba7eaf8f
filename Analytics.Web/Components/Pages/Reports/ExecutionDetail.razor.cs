using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Metrics;
using Analytics.Web.Auth;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>
/// One execution, live: its state is re-read whenever the <see cref="ExecutionNotifier"/> reports a change of it, so
/// the page follows pending → running → succeeded without polling. Shows timings, problems, conflicts and the preview.
/// </summary>
public sealed partial class ExecutionDetail : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ExecutionService ExecutionService { get; init; }
    [Inject] public required ReportService ReportService { get; init; }
    [Inject] public required ExecutionNotifier Notifier { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    [Parameter] public string Id { get; set; } = "";

    private ExecutionView? _execution;
    private ReportView? _report;
    private long? _storedRows;
    private IReadOnlyList<ExecutionView> _history = [];
    private bool _notFound;
    private bool _canAuthor;
    private bool _busy;
    private string? _message;
    private IDisposable? _subscription;
    private readonly SemaphoreSlim _loading = new(1, 1);

    private string? Subtitle => _report is null ? null : $"{_report.TemplateName} on {_report.SourceName}";

    /// <summary>Cancel (while it runs) or run the window again (for authors), and back to all reports.</summary>
    private IReadOnlyList<PageAction> PageActions
    {
        get
        {
            var actions = new List<PageAction>();
            if (_execution is { } e && IsActive(e))
                actions.Add(new PageAction("Cancel run", "cancel-run", EventCallback.Factory.Create(this, CancelAsync), Icons.Material.Filled.Stop, Disabled: _busy));
            else if (_execution is not null && _canAuthor)
                actions.Add(new PageAction("Run this window again", "run-again", EventCallback.Factory.Create(this, RunAgainAsync), Icons.Material.Filled.Replay, Disabled: _busy));
            actions.Add(new PageAction("All reports", "all-reports", Icon: Icons.Material.Filled.ArrowBack, Href: "/reports"));
            return actions;
        }
    }

    private static bool IsActive(ExecutionView e) => e.Status is "pending" or "running";

    protected override async Task OnParametersSetAsync()
    {
        _canAuthor = (await CurrentActor.GetAsync()).CanAuthor;
        _execution = null;
        _report = null;
        _notFound = false;
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _subscription = Notifier.Subscribe(change =>
        {
            if (change.ExecutionId == Id) _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });
        });
        // A change published between the first load and subscribing would be missed: read once more.
        if (_execution is { } e && IsActive(e)) _ = InvokeAsync(async () => { await LoadAsync(); StateHasChanged(); });
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _loading.Dispose();
    }

    private async Task LoadAsync()
    {
        try { await _loading.WaitAsync(); }
        catch (ObjectDisposedException) { return; }
        try
        {
            var actor = await CurrentActor.GetAsync();
            _execution = await ExecutionService.GetAsync(actor, Id, default);
            _report ??= await ReportService.GetAsync(actor, _execution.ReportId, default);
            _storedRows = await ReportService.StoredRowCountAsync(actor, _execution.ReportId, default);
            _history = (await ExecutionService.ListAsync(actor, _execution.ReportId, new PageRequest(20, null), default)).Items;
        }
        catch (NotFoundException)
        {
            _notFound = true;
            _execution = null;
        }
        catch (ObjectDisposedException)
        {
            // The page closed while a change was being read.
        }
        finally
        {
            try { _loading.Release(); } catch (ObjectDisposedException) { /* disposed while loading */ }
        }
    }

    private async Task CancelAsync()
    {
        await GuardAsync(async () => _execution = await ExecutionService.CancelAsync(await CurrentActor.GetAsync(), Id, default));
    }

    private async Task RunAgainAsync()
    {
        if (_execution is not { } e) return;
        await GuardAsync(async () =>
        {
            var next = await ExecutionService.StartAsync(await CurrentActor.GetAsync(), e.ReportId, new ExecutionRequest(e.TimeWindowStart, e.TimeWindowEnd), default);
            Navigation.NavigateTo($"/reports/executions/{next.Id}");
        });
    }

    /// <summary>The person's answer to a run awaiting a choice of AMC execution: one of its candidates, or null for none of them.</summary>
    private async Task ChooseAsync(string? remote) =>
        await GuardAsync(async () => _execution = await ExecutionService.ChooseRemoteAsync(await CurrentActor.GetAsync(), Id,
            new RemoteChoiceInput(remote, remote is null ? true : null), default));

    private async Task GuardAsync(Func<Task> action)
    {
        _message = null;
        _busy = true;
        try { await action(); }
        catch (DomainException ex) { _message = ex.Message; }
        finally { _busy = false; }
    }

    private static string Ms(long? ms) => ms is { } v ? v < 1000 ? $"{v} ms" : $"{v / 1000.0:0.0} s" : "—";

    /// <summary>A raw result cell: numbers as the metric formatter writes a plain number, null as ∅ (a stored null, not a missing metric).</summary>
    private static string Cell(object? v) => v switch
    {
        null => "∅",
        double or float or decimal or long or int => MetricFormat.Format(v, "number"),
        _ => v.ToString() ?? "",
    };
}
