using Analytics.Data.Dashboards;
using Analytics.Data.Reports;
using Analytics.Data.Schedules;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Analytics.Web.Components.Pages.Reports;
using Analytics.Web.Components.Pages.Subscriptions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Schedules;

/// <summary>
/// /schedules: every report schedule and dashboard subscription in one list, with pause, resume, edit and run-now inline
/// and each schedule's recent runs below its row. State in <see cref="SchedulesState"/>; the rules in the services.
/// </summary>
public sealed partial class Schedules : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ScheduleOverview Overview { get; init; }
    [Inject] public required ReportService ReportService { get; init; }
    [Inject] public required ExecutionService Executions { get; init; }
    [Inject] public required ExecutionNotifier Notifier { get; init; }
    [Inject] public required SubscriptionService SubscriptionService { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    private static readonly DialogOptions DialogSize = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true };

    private readonly SchedulesState _state = new();
    private SubscriptionForm? _form;
    private IReadOnlyList<DashboardSummary> _dashboards = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private IDisposable? _subscription;

    protected override Task OnInitializedAsync() => LoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender) _subscription = Notifier.Subscribe(OnExecutionChanged);
    }

    private async Task LoadAsync()
    {
        try
        {
            _state.SetPage(await Overview.ListAsync(await CurrentActor.GetAsync(), _state.Request, default));
        }
        catch (DomainException e) { _state.Show(e.Message, error: true); }
    }

    private async Task SortAsync(string sort)
    {
        _state.SortBy(sort, _state.Descending);
        await LoadAsync();
    }

    private async Task ToggleDirectionAsync()
    {
        _state.SortBy(_state.Sort, !_state.Descending);
        await LoadAsync();
    }

    private async Task NextPageAsync()
    {
        _state.NextPage();
        await LoadAsync();
    }

    private async Task PreviousPageAsync()
    {
        _state.PreviousPage();
        await LoadAsync();
    }

    private async Task ToggleRunsAsync(ScheduleRow row)
    {
        if (_state.ExpandedKey == row.Key)
        {
            _state.Collapse();
            return;
        }
        await GuardAsync(async actor => _state.Expand(row.Key, await Overview.RunsAsync(actor, row.Kind, row.Id, 10, default)));
    }

    private Task SetPausedAsync(ScheduleRow row, bool paused) => GuardAsync(async actor =>
    {
        var updated = await Overview.SetPausedAsync(actor, row.Kind, row.Id, paused, default);
        _state.Show(paused ? $"Paused “{updated.Name}”." : $"Resumed “{updated.Name}”; next run {SchedulesState.FormatTime(updated.NextRunAt)}.", error: false);
        await LoadAsync();
    });

    private async Task RunNowAsync(ScheduleRow row)
    {
        _state.StartRun(row);
        try
        {
            var actor = await CurrentActor.GetAsync();
            _state.Started(await Overview.RunNowAsync(actor, row.Kind, row.Id, default));
            // The execution may have ended before its id was known here: look once, then follow its changes.
            if (_state.Running?.ExecutionId is { } id) await FinishIfEndedAsync(actor, id);
        }
        catch (DomainException e) { _state.Fail(e.Message); }
        await LoadAsync();
        if (_state.ExpandedKey == row.Key) await RefreshRunsAsync(row);
    }

    private void OnExecutionChanged(ExecutionChange change)
    {
        if (_state.Running?.ExecutionId != change.ExecutionId) return;
        _ = InvokeAsync(async () =>
        {
            if (!_state.Progress(change)) return;
            if (SchedulesState.Ends(change.Status))
            {
                await FinishIfEndedAsync(await CurrentActor.GetAsync(), change.ExecutionId);
                await LoadAsync();
                if (_state.Rows.FirstOrDefault(r => r.Key == _state.ExpandedKey) is { } open) await RefreshRunsAsync(open);
            }
            StateHasChanged();
        });
    }

    private async Task FinishIfEndedAsync(Actor actor, string executionId)
    {
        var execution = await Executions.GetAsync(actor, executionId, default);
        if (execution.Status is "pending" or "running" || _state.Running?.ExecutionId != executionId) return;
        _state.Finish(new ScheduleRunView(execution.Id, execution.Trigger, execution.Status, execution.Attempts, execution.Error, execution.Message,
            execution.CreatedAt, execution.StartedAt, execution.FinishedAt, null, execution.TimeWindowStart, execution.TimeWindowEnd));
    }

    private async Task RefreshRunsAsync(ScheduleRow row)
    {
        try { _state.Expand(row.Key, await Overview.RunsAsync(await CurrentActor.GetAsync(), row.Kind, row.Id, 10, default)); }
        catch (DomainException) { _state.Collapse(); }
    }

    /// <summary>A report's schedule is edited in its run dialog's Recurring tab; a subscription in its editor, above the list.</summary>
    private Task EditAsync(ScheduleRow row) => GuardAsync(async actor =>
    {
        if (row.Kind == ScheduleKinds.Report)
        {
            var report = await ReportService.GetAsync(actor, row.Id, default);
            var reference = await Dialogs.ShowAsync<RunDialog>($"Schedule of “{report.Name}”", new DialogParameters<RunDialog>
            {
                { d => d.Report, report },
                { d => d.InitialTab, 1 },
            }, DialogSize);
            if (await reference.Result is { Canceled: false, Data: RunDialogResult { Updated: { } updated } })
            {
                _state.Show(updated.Schedule is null ? $"“{updated.Name}” runs on demand only now." : $"“{updated.Name}”: {updated.Frequency}.", error: false);
                await LoadAsync();
            }
            return;
        }
        _dashboards = await Dashboards.ListAsync(actor, default);
        _form = SubscriptionForm.From(await SubscriptionService.GetAsync(actor, row.Id, default));
        _errors = new Dictionary<string, string[]>();
    });

    private async Task SaveSubscriptionAsync()
    {
        if (_form?.Id is not { } id) return;
        try
        {
            var saved = await SubscriptionService.UpdateAsync(await CurrentActor.GetAsync(), id, _form.ToInput(), default);
            _form = null;
            _state.Show($"Saved “{saved.Name}”; next delivery {SchedulesState.FormatTime(saved.NextRunAt)}.", error: false);
            await LoadAsync();
        }
        catch (ValidationException e) { _errors = e.Errors; }
        catch (DomainException e) { _state.Show(e.Message, error: true); }
    }

    private async Task GuardAsync(Func<Actor, Task> action)
    {
        try { await action(await CurrentActor.GetAsync()); }
        catch (DomainException e) { _state.Show(e.Message, error: true); }
    }

    private static string OutcomeClass(ScheduleRunView run) => $"outcome-{run.Outcome}";

    public void Dispose() => _subscription?.Dispose();
}
