using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Web.Auth;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The dashboards a user can open. Unfiltered, it browses folders (<see cref="FolderBrowser"/>, the open one in
/// <c>?folder=</c>): the path, the subfolders, then the folder's dashboards; owners rename, move, share and delete folders
/// and move dashboards into them. Searched (name, description or owner) or narrowed to theirs, shared ones or favourites,
/// it lists every match; sorted and paged; on a phone each dashboard is a card led by its name. Authors create a folder,
/// a dashboard blank, from a template, or from a dashboard file (JSON).
/// </summary>
public sealed partial class DashboardList
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required DashboardFolders Folders { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    /// <summary>The open folder's id; none: the top level.</summary>
    [SupplyParameterFromQuery(Name = "folder")] public string? Folder { get; set; }

    private Actor _actor = Actor.System;
    private IReadOnlyList<DashboardSummary>? _dashboards;
    private FolderBrowser? _browser;
    private string? _loadedFolder;
    private string _search = "";
    private string _scope = "all";
    private string? _error;

    private IReadOnlyList<PageAction> Actions =>
    [
        new("New dashboard", "new-dashboard", EventCallback.Factory.Create(this, CreateBlankAsync), Icons.Material.Filled.Add),
        new("From template", "from-template", EventCallback.Factory.Create(this, FromTemplateAsync), Icons.Material.Filled.AutoAwesomeMosaic),
        new("New folder", "new-folder", EventCallback.Factory.Create(this, CreateFolderAsync), Icons.Material.Filled.CreateNewFolder),
        new("Import", "import-dashboard", EventCallback.Factory.Create(this, ImportAsync), Icons.Material.Filled.UploadFile),
    ];

    /// <summary>Browsing folders: nothing searched, every scope.</summary>
    private bool Browsing => _search.Length == 0 && _scope == "all";

    private IEnumerable<DashboardSummary> Filtered => Browsing && _browser is { } browser ? browser.Dashboards :
        (_dashboards ?? []).Where(d => _search.Length == 0 || d.Name.Contains(_search, StringComparison.OrdinalIgnoreCase)
            || d.Description.Contains(_search, StringComparison.OrdinalIgnoreCase) || d.OwnerName.Contains(_search, StringComparison.OrdinalIgnoreCase));

    private string EmptyTitle => _search.Length > 0 || _scope != "all" ? "No dashboards match"
        : _browser?.Open is { } open ? $"{open.Name} is empty" : "No dashboards yet";

    private string EmptyText => _scope switch
    {
        "all" when _search.Length == 0 && _browser?.Open is not null => _actor.CanAuthor
            ? "Move a dashboard here with Move to folder… in its menu, or add a subfolder with New folder."
            : "Dashboards shared with you in this folder appear here.",
        "favorites" => "Star a dashboard to find it here.",
        "shared" => "Dashboards others share with you appear here.",
        _ when _search.Length > 0 => "Nothing matches that search; try fewer letters or another word.",
        _ => _actor.CanAuthor
            ? "Create one, or start from a template (Performance, Attribution, Audience, Campaign comparison, System health)."
            : "Dashboards shared with you appear here.",
    };

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await LoadAsync();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_dashboards is not null && Folder != _loadedFolder) await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _dashboards = await Dashboards.ListAsync(_actor, new DashboardListQuery(null, _scope), CancellationToken.None);
        _browser = new FolderBrowser(await Folders.ListAsync(_actor, CancellationToken.None), _dashboards, Folder);
        _loadedFolder = Folder;
    }

    private static string FolderHref(FolderView folder) => $"/dashboards?folder={Uri.EscapeDataString(folder.Id)}";

    private string FolderCount(FolderView folder)
    {
        var subfolders = _browser?.Folders.Count(f => f.ParentId == folder.Id) ?? 0;
        var parts = new List<string> { folder.DashboardCount == 1 ? "1 dashboard" : $"{folder.DashboardCount} dashboards" };
        if (subfolders > 0) parts.Add(subfolders == 1 ? "1 folder" : $"{subfolders} folders");
        return string.Join(", ", parts);
    }

    private void OnSearch(string? text) => _search = text ?? "";

    private async Task OnScopeAsync(string? scope)
    {
        _scope = scope ?? "all";
        await LoadAsync();
    }

    private async Task ToggleFavoriteAsync(DashboardSummary dashboard)
    {
        try
        {
            await Dashboards.SetFavoriteAsync(_actor, dashboard.Id, !dashboard.Favorite, CancellationToken.None);
            _error = null;
            await LoadAsync();
        }
        catch (NotFoundException)
        {
            _error = $"\"{dashboard.Name}\" no longer exists or is no longer shared with you.";
            await LoadAsync();
        }
    }

    private void Open(DashboardSummary? dashboard)
    {
        if (dashboard is not null) Nav.NavigateTo($"/dashboards/{dashboard.Id}");
    }

    private async Task CreateBlankAsync()
    {
        try
        {
            var created = await Dashboards.CreateAsync(_actor, new DashboardDefinition
            {
                Name = "Untitled dashboard", Filters = [new DashboardFilter(DashboardFilter.Time, Preset: DashboardFilters.DefaultPreset)],
            }, CancellationToken.None);
            Nav.NavigateTo($"/dashboards/{created.Id}/edit");
        }
        catch (DomainException e)
        {
            _error = e.Message;
        }
    }

    // ---- folders ---------------------------------------------------------------------------------------------------

    private async Task CreateFolderAsync()
    {
        var open = _browser?.Open is { CanManage: true } o ? o : null;
        var parameters = new DialogParameters<FolderNameDialog> { { d => d.ParentId, open?.Id }, { d => d.ParentName, open?.Name } };
        await AfterDialogAsync(await Dialogs.ShowAsync<FolderNameDialog>("New folder", parameters, DialogLayout.Options(MaxWidth.ExtraSmall)));
    }

    private async Task RenameFolderAsync(FolderView folder)
    {
        var parameters = new DialogParameters<FolderNameDialog> { { d => d.FolderId, folder.Id }, { d => d.ParentId, folder.ParentId }, { d => d.Name, folder.Name } };
        await AfterDialogAsync(await Dialogs.ShowAsync<FolderNameDialog>("Rename folder", parameters, DialogLayout.Options(MaxWidth.ExtraSmall)));
    }

    private async Task MoveFolderAsync(FolderView folder)
    {
        var parameters = new DialogParameters<MoveDialog> { { d => d.FolderId, folder.Id }, { d => d.CurrentFolderId, folder.ParentId } };
        await AfterDialogAsync(await Dialogs.ShowAsync<MoveDialog>($"Move {folder.Name}", parameters, DialogLayout.Options(MaxWidth.Small)));
    }

    private async Task MoveDashboardAsync(DashboardSummary dashboard)
    {
        var parameters = new DialogParameters<MoveDialog> { { d => d.DashboardId, dashboard.Id }, { d => d.CurrentFolderId, dashboard.FolderId } };
        await AfterDialogAsync(await Dialogs.ShowAsync<MoveDialog>($"Move {dashboard.Name}", parameters, DialogLayout.Options(MaxWidth.Small)));
    }

    private Task ShareFolderAsync(FolderView folder) =>
        Dialogs.ShowAsync<ShareDialog>($"Share folder {folder.Name}", new DialogParameters<ShareDialog> { { d => d.FolderId, folder.Id } }, DialogLayout.Options(MaxWidth.Small));

    private async Task DeleteFolderAsync(FolderView folder)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete folder", $"Delete the folder “{folder.Name}” and its shares?", yesText: "Delete", cancelText: "Keep it") != true) return;
        try
        {
            await Folders.DeleteAsync(_actor, folder.Id, CancellationToken.None);
            _error = null;
            // Deleting the open folder: go up to where it was.
            if (folder.Id == Folder) Nav.NavigateTo(folder.ParentId is { } parent ? $"/dashboards?folder={Uri.EscapeDataString(parent)}" : "/dashboards");
            else await LoadAsync();
        }
        catch (DomainException e)
        {
            _error = e.Message;
        }
    }

    private async Task AfterDialogAsync(IDialogReference dialog)
    {
        if (await dialog.Result is { Canceled: false })
        {
            _error = null;
            await LoadAsync();
        }
    }

    private Task ImportAsync() =>
        Dialogs.ShowAsync<ImportDialog>("Import a dashboard", DialogLayout.Options(MaxWidth.Small));

    private Task FromTemplateAsync() =>
        Dialogs.ShowAsync<TemplateDialog>("New dashboard from a template", DialogLayout.Options(MaxWidth.Medium));
}
