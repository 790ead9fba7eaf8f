using Analytics.Data.Dashboards;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Shared;

/// <summary>
/// Sends something to colleagues through <see cref="Send"/> (an insight, an answer): the directory to pick from, an
/// optional note; on success the dialog closes with the <see cref="ShareWithResult"/>, on a refusal the fields say why.
/// </summary>
public sealed partial class ShareWithDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardSharing Directory { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }

    /// <summary>What the recipients get, in a sentence.</summary>
    [Parameter, EditorRequired] public required string Explanation { get; set; }

    [Parameter, EditorRequired] public required Func<ShareWithInput, Task<ShareWithResult>> Send { get; set; }

    private IReadOnlyList<(string Id, string Name, string Email)> _people = [];
    private IReadOnlyCollection<string>? _picked = [];
    private string? _note;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _error;
    private bool _busy;

    /// <summary>Opens the dialog; once sent, a snackbar says to how many.</summary>
    public static async Task OpenAsync(IDialogService dialogs, ISnackbar snackbar, string title, string explanation, Func<ShareWithInput, Task<ShareWithResult>> send)
    {
        var parameters = new DialogParameters<ShareWithDialog> { { d => d.Explanation, explanation }, { d => d.Send, send } };
        var dialog = await dialogs.ShowAsync<ShareWithDialog>(title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: ShareWithResult sent })
            snackbar.Add(sent.Notified.Count == 1 ? "Sent to 1 colleague." : $"Sent to {sent.Notified.Count} colleagues.", Severity.Success);
    }

    private static Dictionary<string, object?> TestId(string id) => new() { ["data-testid"] = id };

    private string? ErrorFor(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _people = (await Directory.DirectoryAsync(actor, CancellationToken.None)).Where(p => p.Id != actor.UserId).ToList();
    }

    private async Task SendAsync()
    {
        _busy = true;
        _error = null;
        _errors = new Dictionary<string, string[]>();
        try
        {
            MudDialog.Close(DialogResult.Ok(await Send(new ShareWithInput((_picked ?? []).ToList(), _note))));
        }
        catch (ValidationException e)
        {
            _errors = e.Errors;
            var rest = e.Errors.Where(x => x.Key is not ("userIds" or "note")).SelectMany(x => x.Value).ToList();
            _error = rest.Count > 0 ? string.Join(" ", rest) : null;
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
