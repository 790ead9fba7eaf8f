using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Sources;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Sources;

/// <summary>The source form in a dialog; its rules live in <see cref="SourceFormState"/>.</summary>
public partial class SourceFormDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required SourceConnectors Connectors { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    /// <summary>The source to edit, or null to create one.</summary>
    [Parameter] public SourceView? Source { get; set; }

    private SourceFormState _state = default!;
    private string? _message;
    private bool _busy;

    protected override void OnInitialized()
    {
        _state = new SourceFormState(Connectors);
        if (Source is not null) _state.Load(Source);
    }

    private static string Describe(SourceKind kind) => kind switch
    {
        SourceKind.Sqlite => "SQLite file (read-only)",
        SourceKind.Postgres => "PostgreSQL (read-only)",
        SourceKind.Amc => "Amazon Marketing Cloud instance",
        SourceKind.Csv => "CSV uploads",
        _ => kind.ToWire(),
    };

    private async Task SaveAsync()
    {
        _busy = true;
        _message = null;
        _state.Errors = new Dictionary<string, string[]>();
        try
        {
            var actor = await CurrentActor.GetAsync();
            var saved = _state.IsEdit
                ? await Sources.UpdateAsync(actor, _state.Id!, _state.Input(), default)
                : await Sources.CreateAsync(actor, _state.Input(), default);
            MudDialog.Close(DialogResult.Ok(saved));
        }
        catch (ValidationException e)
        {
            _state.Errors = e.Errors;
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
