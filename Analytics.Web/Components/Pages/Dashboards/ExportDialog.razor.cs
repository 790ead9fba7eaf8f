using Analytics.Data.Dashboards;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// "Export…" and "E-mail this now…" of the dashboard page: the choices live in <see cref="ExportForm"/>; a download goes
/// to the download link (the server checks access again), an e-mail through <see cref="DashboardEmailService"/>, whose
/// field-keyed refusals show on their fields.
/// </summary>
public sealed partial class ExportDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardEmailService Mail { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }
    [Parameter, EditorRequired] public string DashboardId { get; set; } = "";
    /// <summary>True for "e-mail this now".</summary>
    [Parameter] public bool Email { get; set; }
    /// <summary>The dashboard's download link for a format under the filters on screen.</summary>
    [Parameter, EditorRequired] public Func<string, string> LinkFor { get; set; } = _ => "";
    /// <summary>The filters on screen, for the e-mail.</summary>
    [Parameter, EditorRequired] public DashboardDataRequest Data { get; set; } = new();

    private ExportForm Form { get; set; } = new(email: false);
    private string? _error;
    private bool _busy;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    private static Dictionary<string, object?> TestId(string id) => new() { ["data-testid"] = id };

    private static readonly Dictionary<string, object?> OrientationAttributes = new()
    {
        ["data-testid"] = "export-orientation", ["role"] = "radiogroup", ["aria-labelledby"] = "export-orientation-label",
    };

    protected override void OnInitialized() => Form = new ExportForm(Email);

    private void Cancel() => MudDialog.Cancel();

    /// <summary>Edited recipients are checked again on sending; the old refusal no longer describes them.</summary>
    private void ClearErrors()
    {
        _errors = new Dictionary<string, string[]>();
        _error = null;
    }

    private void Download()
    {
        Nav.NavigateTo(Form.DownloadLink(DashboardId, LinkFor), forceLoad: true);
        MudDialog.Close(DialogResult.Ok(true));
    }

    private async Task SendAsync()
    {
        _busy = true;
        _error = null;
        _errors = new Dictionary<string, string[]>();
        try
        {
            var actor = await CurrentActor.GetAsync();
            var result = await Mail.SendAsync(actor, DashboardId, Form.ToEmailInput(Data), CancellationToken.None);
            if (result.Sent)
            {
                Snackbar.Add($"Sent {result.FileName} to {string.Join(", ", result.Recipients)}.", Severity.Success);
                MudDialog.Close(DialogResult.Ok(result));
                return;
            }
            _error = $"Not delivered: {result.Error ?? "the mail server did not accept it."} The export history records it.";
        }
        catch (ValidationException e)
        {
            _errors = e.Errors;
            _error = "Check the highlighted fields.";
        }
        catch (DomainException e)
        {
            _error = e.Message;
        }
        finally
        {
            _busy = false;
        }
    }
}
