using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>What the run dialog did: started an execution, or changed the report's schedule.</summary>
public sealed record RunDialogResult(string? ExecutionId, ReportView? Updated);

public sealed partial class RunDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ReportService ReportService { get; init; }
    [Inject] public required ExecutionService ExecutionService { get; init; }
    [Inject] public required Analytics.Data.Collections.CollectionService Collections { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    [Parameter, EditorRequired] public ReportView Report { get; set; } = default!;
    /// <summary>0 run once, 1 recurring, 2 backfill.</summary>
    [Parameter] public int InitialTab { get; set; }

    private static readonly (string Value, string Text)[] Kinds =
        [("daily", "Daily"), ("weekly", "Weekly on chosen days"), ("monthly", "Monthly"), ("cron", "Cron expression")];

    private static readonly IReadOnlyList<string> Zones =
        TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").Distinct().Order(StringComparer.Ordinal).ToList();

    private RunDialogState _state = default!;
    private int _tab;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _message;
    private bool _busy;

    private DateTime TodayDate => _state.Today.ToDateTime(TimeOnly.MinValue);

    [Inject] public required Analytics.Data.Identity.UserPreferencesService Preferences { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _state = new RunDialogState(DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime));
        _state.LoadSchedule(Report.Schedule);
        // A new schedule runs in the user's own time zone unless they pick another.
        if (Report.Schedule is null && (await Preferences.GetAsync(await CurrentActor.GetAsync(), default)).TimeZone is { Length: > 0 } zone)
            _state.TimeZone = zone;
        _tab = InitialTab;
    }

    private static string KindText(string? kind) => Kinds.FirstOrDefault(k => k.Value == kind).Text ?? kind ?? "";

    /// <summary>Time zones whose id contains what was typed (case-insensitive); all of them for an empty box.</summary>
    private static Task<IEnumerable<string>> SearchZonesAsync(string? text, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text) ? Zones : Zones.Where(z => z.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    private async Task RunOnceAsync()
    {
        await GuardAsync(async () =>
        {
            var (start, end) = _state.Window();
            var execution = await ExecutionService.StartAsync(await CurrentActor.GetAsync(), Report.Id, new ExecutionRequest(start, end), default);
            MudDialog.Close(DialogResult.Ok(new RunDialogResult(execution.Id, null)));
        });
    }

    /// <summary>Starts a data collection over the period and opens its page, where its segments fill in live.</summary>
    private Task StartBackfillAsync() => GuardAsync(async () =>
    {
        var (start, end) = _state.BackfillPeriod();
        var collection = await Collections.CreateAsync(await CurrentActor.GetAsync(),
            new Analytics.Data.Collections.CollectionInput(Report.Id, start, end, _state.Granularity, _state.MaxConcurrency), default);
        MudDialog.Close();
        Navigation.NavigateTo($"/collections/{collection.Id}");
    });

    private Task SaveScheduleAsync() => GuardAsync(async () =>
    {
        var updated = await ReportService.UpdateAsync(await CurrentActor.GetAsync(), Report.Id,
            new ReportInput(Report.Name, null, null, Report.Parameters, _state.Schedule()), default);
        MudDialog.Close(DialogResult.Ok(new RunDialogResult(null, updated)));
    });

    private Task RemoveScheduleAsync() => GuardAsync(async () =>
    {
        var updated = await ReportService.UpdateAsync(await CurrentActor.GetAsync(), Report.Id,
            new ReportInput(Report.Name, null, null, Report.Parameters, null), default);
        MudDialog.Close(DialogResult.Ok(new RunDialogResult(null, updated)));
    });

    private async Task GuardAsync(Func<Task> action)
    {
        _message = null;
        _busy = true;
        try
        {
            _errors = new Dictionary<string, string[]>();
            await action();
        }
        catch (ValidationException e)
        {
            _errors = e.Errors;
            _message = e.Errors.Keys.Any(k => k.StartsWith("parameters.", StringComparison.Ordinal))
                ? "The report's parameters are not valid for this window: " + string.Join(" ", e.Errors.Values.SelectMany(v => v)) + " Edit the report to fix them."
                : "Check the fields marked below.";
        }
        catch (DomainException e)
        {
            _message = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }
}
