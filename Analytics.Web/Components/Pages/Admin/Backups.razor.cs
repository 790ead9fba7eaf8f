using Analytics.Data.Backup;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Jobs;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Admin;

public partial class Backups
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required BackupHistory History { get; init; }
    [Inject] public required JobConsole Jobs { get; init; }

    private BackupsPageState State { get; set; } = null!;

    protected override Task OnInitializedAsync()
    {
        State = new BackupsPageState(History, Jobs);
        return LoadAsync();
    }

    private async Task LoadAsync() => await State.LoadAsync(await CurrentActor.GetAsync(), CancellationToken.None);

    private async Task BackUpNowAsync() => await State.BackUpNowAsync(await CurrentActor.GetAsync(), CancellationToken.None);
}

/// <summary>The backups page without the markup: the list, the schedule as configured, and "back up now" (the scheduled job, run at once).</summary>
public sealed class BackupsPageState(BackupHistory history, JobConsole jobs)
{
    public IReadOnlyList<BackupEntry>? Entries { get; private set; }
    public string? Error { get; set; }
    public bool Requested { get; private set; }
    public string? Problem => history.ScheduleProblem;
    public string Schedule => history.Schedule;
    public int Keep => history.Keep;
    public string Directory => history.Directory;

    public async Task LoadAsync(Actor actor, CancellationToken ct)
    {
        try
        {
            Entries = await history.ListAsync(actor, ct);
            Requested = false;
            Error = null;
        }
        catch (DomainException e)
        {
            Error = e.Message;
            Entries ??= [];
        }
    }

    public async Task BackUpNowAsync(Actor actor, CancellationToken ct)
    {
        try
        {
            await jobs.TriggerAsync(actor, $"{BackupJob.Key.Group}.{BackupJob.Key.Name}", ct);
            Requested = true;
        }
        catch (DomainException e)
        {
            Error = e.Message;
        }
    }
}
