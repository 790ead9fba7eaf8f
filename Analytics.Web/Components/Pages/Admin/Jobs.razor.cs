using Analytics.Domain;
using Analytics.Jobs;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Admin;

/// <summary>
/// The admin job console. Rules live in <see cref="JobConsoleState"/>; this only loads, renders and acts. Live: a timer
/// reloads the jobs and the current history page every few seconds while the page is open (Quartz has no change feed
/// across a cluster), and is disposed with the page.
/// </summary>
public sealed partial class Jobs : IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(3);

    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required JobConsole JobConsole { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private readonly JobConsoleState _state = new();
    private readonly CancellationTokenSource _stop = new();
    private string? _historyJob;
    private bool _failuresOnly;
    private string? _message;
    private bool _messageIsError;

    protected override Task OnInitializedAsync() => LoadAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender) _ = PollAsync(_stop.Token);
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshInterval, Clock);
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
        try
        {
            await LoadAsync();
        }
        catch (Exception e) when (e is DomainException or UnauthorizedAccessException)
        {
            Show(e.Message, error: true);
        }
        StateHasChanged();
    }

    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var jobs = await JobConsole.ListAsync(actor, _stop.Token);
        var misfires = await JobConsole.MisfiresAsync(actor, 100, _stop.Token);
        _state.SetJobs(jobs, misfires, Clock.GetUtcNow());
        await LoadHistoryAsync();
    }

    private async Task LoadHistoryAsync() =>
        _state.SetHistory(await JobConsole.HistoryAsync(await CurrentActor.GetAsync(), _state.HistoryJob, _state.HistoryRequest, _state.FailuresOnly, _stop.Token));

    private async Task FilterAsync()
    {
        _state.Filter(_historyJob, _failuresOnly);
        await LoadHistoryAsync();
    }

    private async Task NextPageAsync()
    {
        if (_state.NextPage()) await LoadHistoryAsync();
    }

    private async Task PreviousPageAsync()
    {
        if (_state.PreviousPage()) await LoadHistoryAsync();
    }

    private Task TriggerAsync(JobRow job) => ActAsync(job, JobConsole.TriggerAsync, $"Started {job.FullKey}; its run appears in the history when it ends.");
    private Task PauseAsync(JobRow job) => ActAsync(job, JobConsole.PauseAsync, $"Paused {job.FullKey}: its triggers will not fire until resumed.");
    private Task ResumeAsync(JobRow job) => ActAsync(job, JobConsole.ResumeAsync, $"Resumed {job.FullKey}.");

    private async Task ActAsync(JobRow job, Func<Analytics.Domain.Access.Actor, string, CancellationToken, Task> action, string done)
    {
        try
        {
            await action(await CurrentActor.GetAsync(), job.FullKey, _stop.Token);
            Show(done, error: false);
            await LoadAsync();
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
        }
    }

    /// <summary>The job row's highlight (failed last run, late or misfired, paused) as a CSS class.</summary>
    private static string JobRowClass(JobRow job, int index) => job.Highlight.Length > 0 ? $"job-row-{job.Highlight}" : "";

    private Task OnHistoryJobChangedAsync(string? job)
    {
        _historyJob = job;
        return FilterAsync();
    }

    private Task OnFailuresOnlyChangedAsync(bool failuresOnly)
    {
        _failuresOnly = failuresOnly;
        return FilterAsync();
    }

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss") ?? "—";

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }

    /// <summary>Stops the timer and any load in flight. The source is not disposed: a load racing the teardown may still read its token.</summary>
    public void Dispose() => _stop.Cancel();
}
