using Analytics.Data.Collections;
using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Collections;

/// <summary>Creates a collection through <see cref="CollectionService"/> and closes with its view; validation stays open, per field.</summary>
public sealed partial class NewCollectionDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required CollectionService Collections { get; init; }
    [Inject] public required ReportService Reports { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    /// <summary>Preselects a report (e.g. "backfill again" from a detail page).</summary>
    [Parameter] public string? ReportId { get; set; }

    private IReadOnlyList<ReportOption>? _reports;
    private BackfillForm _form = new();
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _error;
    private bool _busy;

    /// <summary>A report the dialog offers: its id and "name · instance".</summary>
    public sealed record ReportOption(string Id, string Label);

    private ReportOption? SelectedReport => _reports?.FirstOrDefault(r => r.Id == _form.ReportId);

    /// <summary>The reports whose name or instance contains what was typed (case-insensitive); all of them for an empty box.</summary>
    private Task<IEnumerable<ReportOption>> SearchReportsAsync(string? text, CancellationToken ct) =>
        Task.FromResult((_reports ?? []).Where(r => string.IsNullOrWhiteSpace(text) || r.Label.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)));

    protected override async Task OnInitializedAsync()
    {
        _form = BackfillForm.Default(Clock.GetUtcNow());
        _form.ReportId = ReportId;
        var actor = await CurrentActor.GetAsync();
        var page = await Reports.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, null), null, null, default);
        _reports = page.Items.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new ReportOption(r.Id, $"{r.Name} · {r.SourceName}")).ToList();
        if (_form.ReportId is null && _reports.Count == 1) _form.ReportId = _reports[0].Id;
    }

    private async Task CreateAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var created = await Collections.CreateAsync(await CurrentActor.GetAsync(), _form.ToInput(), default);
            MudDialog.Close(DialogResult.Ok(created));
        }
        catch (ValidationException e) { _errors = e.Errors; }
        catch (DomainException e) { _error = e.Message; }
        finally { _busy = false; }
    }
}
