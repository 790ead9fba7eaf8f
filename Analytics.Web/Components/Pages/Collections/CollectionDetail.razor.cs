using Analytics.Data.Collections;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Collections;

/// <summary>
/// One collection: header with counts and controls, the calendar grid of segments and the same data as a table.
/// Live: subscribes to <see cref="CollectionNotifier"/> after the first render and reloads, throttled, when this
/// collection changes; a slow poll covers segments run by another process of a cluster. Both stop on teardown.
/// </summary>
public sealed partial class CollectionDetail : IDisposable
{
    public static readonly TimeSpan Throttle = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan FallbackPoll = TimeSpan.FromSeconds(10);

    [Parameter] public string Id { get; set; } = "";

    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required CollectionService Collections { get; init; }
    [Inject] public required Analytics.Data.Reports.ExecutionService Executions { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required CollectionNotifier Notifier { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private readonly SegmentGridState _grid = new();
    private readonly CancellationTokenSource _stop = new();
    private CollectionActions _actions = new(false, false, false, false);
    private string _sourceName = "";
    private bool _canAuthor;
    private bool _notFound;
    private bool _busy;
    private int? _selected;
    /// <summary>What went wrong last; it stays until closed (successes are snackbars).</summary>
    private string? _message;
    private IDisposable? _subscription;
    private ThrottledRefresh? _refresh;

    protected override async Task OnParametersSetAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _canAuthor = actor.CanAuthor;
        await LoadAsync();
        if (_grid.Collection is { } c)
        {
            var sources = await Sources.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, null), default);
            _sourceName = sources.Items.FirstOrDefault(s => s.Id == c.SourceId)?.Name ?? c.SourceId;
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _refresh = new ThrottledRefresh(() => InvokeAsync(ReloadAsync), Throttle);
        _subscription = Notifier.Subscribe(change =>
        {
            if (change.CollectionId == Id) _refresh.Poke();
        });
        _ = PollAsync(_stop.Token);
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(FallbackPoll);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (_grid.Collection?.Status is "pending" or "running") _refresh?.Poke();
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            Apply(await Collections.GetAsync(await CurrentActor.GetAsync(), Id, default));
            _notFound = false;
        }
        catch (NotFoundException)
        {
            _notFound = true;
        }
    }

    private void Apply(CollectionView view)
    {
        _grid.Load(view);
        _actions = CollectionActions.For(view, _canAuthor);
    }

    private async Task ReloadAsync()
    {
        await LoadAsync();
        StateHasChanged();
    }

    private void Select(int index) => _selected = _selected == index ? null : index;

    private async Task ActAsync(string verb)
    {
        _busy = true;
        try
        {
            var actor = await CurrentActor.GetAsync();
            Apply(verb switch
            {
                "pause" => await Collections.PauseAsync(actor, Id, default),
                "resume" => await Collections.ResumeAsync(actor, Id, default),
                "cancel" => await Collections.CancelAsync(actor, Id, default),
                _ => await Collections.RetryFailedAsync(actor, Id, default),
            });
            Show(verb switch
            {
                "pause" => "Paused: running segments finish, no new ones start until you resume.",
                "resume" => "Resumed: segments start again where it stopped.",
                "cancel" => "Cancelled: running segments are stopped, the rest will not run.",
                _ => "Retrying the failed and cancelled segments.",
            }, error: false);
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
            await LoadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>The person's answer for a segment awaiting a choice of AMC execution: one of its candidates, or null for none of them.</summary>
    private async Task ChooseAsync(SegmentView segment, string? remote)
    {
        if (segment.ExecutionId is not { } executionId) return;
        _busy = true;
        try
        {
            await Executions.ChooseRemoteAsync(await CurrentActor.GetAsync(), executionId, new Analytics.Data.Reports.RemoteChoiceInput(remote, remote is null ? true : null), default);
            Show(remote is null
                ? $"Segment {segment.Index + 1} submits a new run to AMC."
                : $"Segment {segment.Index + 1} takes AMC execution {remote}: it is polled and read, nothing is submitted again.", error: false);
        }
        catch (DomainException e)
        {
            Show(e.Message, error: true);
        }
        finally
        {
            _busy = false;
        }
        await LoadAsync();
    }

    private static string SegmentRowClass(SegmentView s, int _) => s.Status == "failed" ? "segment-row segment-row-failed" : "segment-row";

    /// <summary>Pause, resume, retry failed and cancel, each enabled when the collection's state allows it; on phones all but Pause fold into "More".</summary>
    private IReadOnlyList<PageAction> PageActions =>
    [
        new("Pause", "collection-pause", EventCallback.Factory.Create(this, () => ActAsync("pause")), Icons.Material.Filled.Pause, Disabled: !_actions.CanPause || _busy),
        new("Resume", "collection-resume", EventCallback.Factory.Create(this, () => ActAsync("resume")), Icons.Material.Filled.PlayArrow, Disabled: !_actions.CanResume || _busy),
        new("Retry failed", "collection-retry", EventCallback.Factory.Create(this, () => ActAsync("retry")), Icons.Material.Filled.Replay, Disabled: !_actions.CanRetryFailed || _busy),
        new("Cancel", "collection-cancel", EventCallback.Factory.Create(this, () => ActAsync("cancel")), Icons.Material.Filled.Cancel, Disabled: !_actions.CanCancel || _busy),
    ];

    private void Show(string message, bool error)
    {
        if (error) _message = message;
        else
        {
            _message = null;
            Snackbar.Add(message, Severity.Success);
        }
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh?.Dispose();
        _stop.Cancel();
    }
}
