using Analytics.Data.Collections;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Collections;

/// <summary>
/// Data collections, newest first, with live progress: every segment transition published by
/// <see cref="CollectionNotifier"/> pokes a throttled reload (at most one a second).
/// </summary>
public sealed partial class CollectionList : IDisposable
{
    public const int PageSize = 50;

    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required CollectionService Collections { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required CollectionNotifier Notifier { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required NavigationManager Navigation { get; init; }

    private List<CollectionView>? _collections;
    private Dictionary<string, string> _sourceNames = [];
    private string? _next;
    private int _shown = PageSize;
    private bool _canAuthor;
    /// <summary>A failed live reload's reason; it stays until closed.</summary>
    private string? _message;
    private IDisposable? _subscription;
    private ThrottledRefresh? _refresh;

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _canAuthor = actor.CanAuthor;
        _sourceNames = (await Sources.ListAsync(actor, new PageRequest(PageRequest.MaxLimit, null), default)).Items.ToDictionary(s => s.Id, s => s.Name);
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _refresh = new ThrottledRefresh(() => InvokeAsync(ReloadAsync), TimeSpan.FromSeconds(1));
        _subscription = Notifier.Subscribe(_ => _refresh.Poke());
    }

    /// <summary>Reloads as many as are shown (the first page, or more after "Show older").</summary>
    private async Task LoadAsync()
    {
        var actor = await CurrentActor.GetAsync();
        var rows = new List<CollectionView>();
        string? after = null;
        do
        {
            var page = await Collections.ListAsync(actor, new PageRequest(Math.Min(PageSize, _shown - rows.Count), after), null, default);
            rows.AddRange(page.Items);
            after = page.NextAfter;
        } while (after is not null && rows.Count < _shown);
        _collections = rows;
        _next = after;
    }

    private async Task ReloadAsync()
    {
        try
        {
            await LoadAsync();
        }
        catch (Exception e) when (e is DomainException or UnauthorizedAccessException)
        {
            _message = e.Message;
        }
        StateHasChanged();
    }

    private async Task MoreAsync()
    {
        _shown += PageSize;
        await LoadAsync();
    }

    private async Task NewAsync()
    {
        var reference = await Dialogs.ShowAsync<NewCollectionDialog>("New backfill",
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true });
        if (await reference.Result is { Canceled: false, Data: CollectionView created })
        {
            Navigation.NavigateTo($"/collections/{created.Id}");
        }
    }

    private string SourceName(string id) => _sourceNames.GetValueOrDefault(id, id);

    public void Dispose()
    {
        _subscription?.Dispose();
        _refresh?.Dispose();
    }
}
