using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>Creates a folder (inside <see cref="ParentId"/>, or at the top level) or renames <see cref="FolderId"/>; closes with the saved folder.</summary>
public sealed partial class FolderNameDialog
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardFolders Folders { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }
    /// <summary>The folder to rename; null to create one.</summary>
    [Parameter] public string? FolderId { get; set; }
    /// <summary>Where the folder is (or goes): null for the top level.</summary>
    [Parameter] public string? ParentId { get; set; }
    [Parameter] public string? ParentName { get; set; }
    [Parameter] public string Name { get; set; } = "";

    private string? _name;
    private string? _error;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private bool _busy;

    private string? NameError => _errors.TryGetValue("name", out var e) ? string.Join(" ", e) : null;

    protected override void OnInitialized() => _name = Name;

    private async Task OnKeyUpAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && !string.IsNullOrWhiteSpace(_name)) await SaveAsync();
    }

    private async Task SaveAsync()
    {
        if (_busy) return;
        _busy = true;
        try
        {
            var actor = await CurrentActor.GetAsync();
            var saved = FolderId is null
                ? await Folders.CreateAsync(actor, _name, ParentId, CancellationToken.None)
                : await Folders.UpdateAsync(actor, FolderId, _name, ParentId, CancellationToken.None);
            MudDialog.Close(DialogResult.Ok(saved));
        }
        catch (ValidationException v) when (v.Errors.ContainsKey("name"))
        {
            (_errors, _error) = (v.Errors, null);
        }
        catch (DomainException e)
        {
            (_errors, _error) = (new Dictionary<string, string[]>(), e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message);
        }
        finally
        {
            _busy = false;
        }
    }
}
