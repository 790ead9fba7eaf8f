using Analytics.Data.Reports;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>/reports: the reports table (live status) and the template gallery. Dialogs do the editing and running.</summary>
public sealed partial class Reports : IDisposable
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ReportService ReportService { get; init; }
    [Inject] public required TemplateService TemplateService { get; init; }
    [Inject] public required SourceService SourceService { get; init; }
    [Inject] public required ExecutionNotifier Notifier { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private static readonly DialogOptions DialogSize = new() { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true };

    private IReadOnlyList<ReportView>? _reports;
    /// <summary>Reports whose template has a newer version than the one they run: what accepting it changes.</summary>
    private IReadOnlyList<TemplateUpdateView> _updates = [];
    private IReadOnlyList<TemplateView>? _templates;
    private IReadOnlyList<SourceView> _sources = [];
    private IReadOnlyList<string> _categories = [];
    private IReadOnlyList<string> _reportTypes = [];
    private string? _category;
    private string? _reportType;
    private string? _instanceId;
    private bool _canAuthor;
    /// <summary>What went wrong last; it stays until closed (successes are snackbars).</summary>
    private string? _error;
    private IDisposable? _subscription;

    private IReadOnlyList<TemplateView> Shown => TemplateGallery.Filter(_templates ?? [], _category, _reportType,
        _sources.FirstOrDefault(s => s.Id == _instanceId)?.Kind);

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _canAuthor = actor.CanAuthor;
        _sources = (await SourceService.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, null), default)).Items;
        _templates = await TemplateService.ListAsync(actor, null, null, null, default);
        _categories = _templates.Select(t => t.Category).Distinct().Order().ToList();
        _reportTypes = _templates.Select(t => t.ReportType).Distinct().Order().ToList();
        await LoadReportsAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        // Live: any execution of a listed report that changes state refreshes the table (status, rows, last run).
        if (firstRender) _subscription = Notifier.Subscribe(change =>
        {
            if (_reports?.Any(r => r.Id == change.ReportId) == true) _ = InvokeAsync(async () => { await LoadReportsAsync(); StateHasChanged(); });
        });
    }

    public void Dispose() => _subscription?.Dispose();

    private async Task LoadReportsAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var all = new List<ReportView>();
        string? cursor = null;
        do
        {
            var page = await ReportService.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, cursor), null, null, default);
            all.AddRange(page.Items);
            cursor = page.NextAfter;
        } while (cursor is not null);
        _reports = all.OrderByDescending(r => r.UpdatedAt).ToList();
        var updates = new List<TemplateUpdateView>();
        foreach (var report in _reports.Where(r => r.TemplateUpdateAvailable))
        {
            if (await ReportService.TemplateUpdateAsync(actor, report.Id, default) is { } update) updates.Add(update);
        }
        _updates = updates;
    }

    private string SourceName(string? id) => _sources.FirstOrDefault(s => s.Id == id)?.Name ?? id ?? "";

    private string ReportName(string id) => _reports?.FirstOrDefault(r => r.Id == id)?.Name ?? id;

    private Task AcceptTemplateVersionAsync(TemplateUpdateView update) => GuardAsync(async () =>
    {
        var accepted = await ReportService.AcceptTemplateVersionAsync(await CurrentActor.GetAsync(), update.ReportId,
            new AcceptTemplateVersionInput(update.Change.ToVersion), default);
        Show($"“{accepted.Name}” runs version {accepted.TemplateVersion} of “{update.TemplateName}” from now on.", error: false);
        await LoadReportsAsync();
    });

    private string NextRun(ReportView r)
    {
        if (r.NextRunAt is { } next) return next.ToString("yyyy-MM-dd HH:mm");
        if (r.Schedule is not { Paused: false } schedule) return "—";
        // Until the scheduler records it (within its next pass), show when the schedule says it falls.
        return schedule.NextOccurrence(Clock.GetUtcNow()) is { } expected ? $"{expected:yyyy-MM-dd HH:mm} (expected)" : "set by the scheduler";
    }

    private async Task UseTemplateAsync(TemplateView template)
    {
        var usable = _sources.Where(s => template.SourceKinds.Count == 0 || template.SourceKinds.Contains(s.Kind)).ToList();
        var result = await ShowAsync<ReportFormDialog>($"New report from “{template.Name}”", new DialogParameters<ReportFormDialog>
        {
            { d => d.Template, template },
            { d => d.Sources, usable },
            { d => d.PreferredSourceId, _instanceId },
        });
        if (result is ReportView created)
        {
            Show($"Created report “{created.Name}”. Run it with ▶ in the table.", error: false);
            await LoadReportsAsync();
        }
    }

    private async Task EditAsync(ReportView report)
    {
        await GuardAsync(async () =>
        {
            // The form offers the parameters of the version the report runs, not the template's newest.
            var template = await TemplateService.GetAsync(await CurrentActor.GetAsync(), report.TemplateId, report.TemplateVersion, default);
            var result = await ShowAsync<ReportFormDialog>($"Edit “{report.Name}”", new DialogParameters<ReportFormDialog>
            {
                { d => d.Template, template },
                { d => d.Report, report },
            });
            if (result is ReportView saved)
            {
                Show($"Saved “{saved.Name}”.", error: false);
                await LoadReportsAsync();
            }
        });
    }

    private async Task RunAsync(ReportView report)
    {
        var result = await ShowAsync<RunDialog>($"Run “{report.Name}”", new DialogParameters<RunDialog> { { d => d.Report, report } });
        switch (result)
        {
            case RunDialogResult { ExecutionId: { } id }:
                Navigation.NavigateTo($"/reports/executions/{id}");
                break;
            case RunDialogResult { Updated: { } updated }:
                Show(updated.Schedule is null ? $"“{updated.Name}” runs on demand only now." : $"“{updated.Name}”: {updated.Frequency}.", error: false);
                await LoadReportsAsync();
                break;
        }
    }

    private Task DuplicateAsync(ReportView report) => GuardAsync(async () =>
    {
        var copy = await ReportService.DuplicateAsync(await CurrentActor.GetAsync(), report.Id, default);
        Show($"Created “{copy.Name}” with its own, empty data.", error: false);
        await LoadReportsAsync();
    });

    private async Task DeleteAsync(ReportView report)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete report",
            $"Delete “{report.Name}”, its runs and the rows it merged into the fact store? Dashboards reading it lose that data.",
            yesText: "Delete", cancelText: "Keep it", options: new DialogOptions { CloseOnEscapeKey = true });
        if (confirmed != true) return;
        await GuardAsync(async () =>
        {
            await ReportService.DeleteAsync(await CurrentActor.GetAsync(), report.Id, default);
            Show($"Deleted “{report.Name}”.", error: false);
            await LoadReportsAsync();
        });
    }

    private async Task GuardAsync(Func<Task> action)
    {
        try { await action(); }
        catch (DomainException e) { Show(e.Message, error: true); }
    }

    /// <summary>An outcome: a success is a passing snackbar, an error stays on the page until closed.</summary>
    private void Show(string message, bool error)
    {
        if (error) _error = message;
        else
        {
            _error = null;
            Snackbar.Add(message, Severity.Success);
        }
    }

    /// <summary>Opens a dialog and waits for it: its result's data, or null when it was cancelled.</summary>
    private async Task<object?> ShowAsync<TDialog>(string title, DialogParameters<TDialog> parameters) where TDialog : ComponentBase
    {
        var reference = await Dialogs.ShowAsync<TDialog>(title, parameters, DialogSize);
        var result = await reference.Result;
        return result is { Canceled: false } ? result.Data : null;
    }
}
