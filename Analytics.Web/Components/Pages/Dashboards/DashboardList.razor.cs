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
/// The dashboards a user can open: searched by name, description or owner, narrowed to theirs, shared ones or favourites,
/// sorted and paged; on a phone each dashboard is a card led by its name. Authors create one blank, from a template, or from a dashboard file (JSON).
/// </summary>
public sealed partial class DashboardList
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    private Actor _actor = Actor.System;
    private IReadOnlyList<DashboardSummary>? _dashboards;
    private string _search = "";
    private string _scope = "all";
    private string? _error;

    private IReadOnlyList<PageAction> Actions =>
    [
        new("New dashboard", "new-dashboard", EventCallback.Factory.Create(this, CreateBlankAsync), Icons.Material.Filled.Add),
        new("From template", "from-template", EventCallback.Factory.Create(this, FromTemplateAsync), Icons.Material.Filled.AutoAwesomeMosaic),
        new("Import", "import-dashboard", EventCallback.Factory.Create(this, ImportAsync), Icons.Material.Filled.UploadFile),
    ];

    private IEnumerable<DashboardSummary> Filtered =>
        (_dashboards ?? []).Where(d => _search.Length == 0 || d.Name.Contains(_search, StringComparison.OrdinalIgnoreCase)
            || d.Description.Contains(_search, StringComparison.OrdinalIgnoreCase) || d.OwnerName.Contains(_search, StringComparison.OrdinalIgnoreCase));

    private string EmptyTitle => _search.Length > 0 || _scope != "all" ? "No dashboards match" : "No dashboards yet";

    private string EmptyText => _scope switch
    {
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

    private async Task LoadAsync() =>
        _dashboards = await Dashboards.ListAsync(_actor, new DashboardListQuery(null, _scope), CancellationToken.None);

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

    private Task ImportAsync() =>
        Dialogs.ShowAsync<ImportDialog>("Import a dashboard", DialogLayout.Options(MaxWidth.Small));

    private Task FromTemplateAsync() =>
        Dialogs.ShowAsync<TemplateDialog>("New dashboard from a template", DialogLayout.Options(MaxWidth.Medium));
}
