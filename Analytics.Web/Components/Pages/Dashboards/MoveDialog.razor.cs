using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// "Move to folder…": moves a dashboard (<see cref="DashboardId"/>) or a folder (<see cref="FolderId"/>, its name kept)
/// into a folder the user manages, or to the top level; a folder is never offered a place inside itself. The services
/// decide who may; a refusal shows in the dialog.
/// </summary>
public sealed partial class MoveDialog
{
    private const string TopLevel = "";

    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardFolders Folders { get; init; }

    [CascadingParameter] public required IMudDialogInstance MudDialog { get; set; }
    [Parameter] public string? DashboardId { get; set; }
    [Parameter] public string? FolderId { get; set; }
    /// <summary>Where it is now (null: the top level).</summary>
    [Parameter] public string? CurrentFolderId { get; set; }

    private IReadOnlyList<FolderChoice>? _targets;
    private IReadOnlyList<FolderView> _folders = [];
    private string _target = TopLevel;
    private string _current = TopLevel;
    private string? _error;
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _folders = await Folders.ListAsync(await CurrentActor.GetAsync(), CancellationToken.None);
        _targets = new FolderBrowser(_folders, [], null).Targets(FolderId);
        _current = _target = CurrentFolderId ?? TopLevel;
    }

    private async Task MoveAsync()
    {
        _busy = true;
        try
        {
            var actor = await CurrentActor.GetAsync();
            var target = _target == TopLevel ? null : _target;
            if (FolderId is not null)
            {
                var folder = _folders.FirstOrDefault(f => f.Id == FolderId) ?? throw new NotFoundException("Folder", FolderId);
                await Folders.UpdateAsync(actor, FolderId, folder.Name, target, CancellationToken.None);
            }
            else if (DashboardId is not null)
            {
                await Folders.MoveDashboardAsync(actor, DashboardId, target, CancellationToken.None);
            }
            MudDialog.Close(DialogResult.Ok(target));
        }
        catch (DomainException e)
        {
            _error = e is ValidationException v ? string.Join(" ", v.Errors.SelectMany(x => x.Value)) : e.Message;
        }
        finally
        {
            _busy = false;
        }
    }
}
