using Analytics.Data.Reports;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Reports;

/// <summary>Creates a report from a template, or edits one; closes with the saved <see cref="ReportView"/>.</summary>
public sealed partial class ReportFormDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ReportService ReportService { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    [Parameter, EditorRequired] public TemplateView Template { get; set; } = default!;
    /// <summary>The instances the user may pick: visible to them and supported by the template.</summary>
    [Parameter] public IReadOnlyList<SourceView> Sources { get; set; } = [];
    [Parameter] public string? PreferredSourceId { get; set; }
    /// <summary>Set when editing.</summary>
    [Parameter] public ReportView? Report { get; set; }

    private string _name = "";
    private string? _sourceId;
    private ParameterFormState _parameters = default!;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _message;
    private bool _busy;

    protected override void OnInitialized()
    {
        _name = Report?.Name ?? Template.Name;
        _sourceId = Report?.SourceId ?? Sources.FirstOrDefault(s => s.Id == PreferredSourceId)?.Id ?? Sources.FirstOrDefault()?.Id;
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        _parameters = new ParameterFormState(Template.Parameters, Template.UiSchema, Report?.Parameters, new Analytics.Domain.Reports.Parameters.DateSpan(today.AddDays(-7), today));
    }

    private string SourceName(string? id) => Sources.FirstOrDefault(s => s.Id == id)?.Name ?? id ?? "";

    private void OnParametersChanged()
    {
        if (_parameters.IsValid && _message is not null && _errors.Count == 0) _message = null;
    }

    private async Task SaveAsync()
    {
        _message = null;
        if (!_parameters.ValidateAll())
        {
            _message = "Some parameters need fixing; each says how below.";
            return;
        }
        _busy = true;
        try
        {
            var actor = await CurrentActor.GetAsync();
            var input = new ReportInput(_name, Template.Id, Report?.SourceId ?? _sourceId, _parameters.ToValues(), Report?.Schedule);
            var saved = Report is null
                ? await ReportService.CreateAsync(actor, input, default)
                : await ReportService.UpdateAsync(actor, Report.Id, input, default);
            MudDialog.Close(DialogResult.Ok(saved));
        }
        catch (ValidationException e)
        {
            _errors = e.Errors;
            _parameters.ShowServerErrors(e.Errors);
            _message = "The report was not saved; fix the fields marked below.";
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
