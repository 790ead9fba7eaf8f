using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Sources;

public partial class SourceList
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }

    private static readonly DialogOptions FormOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseButton = true };

    private IReadOnlyList<SourceView>? _sources;
    private bool _isAdmin;
    private bool _canAuthor;
    private string? _message;

    private IReadOnlyList<PageAction> AdminActions =>
    [
        new("Add source", "add-source", EventCallback.Factory.Create(this, AddAsync), Icon: Icons.Material.Filled.Add),
        new("Chat data sharing per instance", "chat-egress-link", Href: "/admin/chat-egress", Icon: Icons.Material.Filled.Shield),
    ];

    protected override async Task OnInitializedAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _isAdmin = actor.IsAdmin;
        _canAuthor = actor.CanAuthor;
        await LoadAsync();
    }

    private async Task LoadAsync() =>
        _sources = (await Sources.ListAsync(await CurrentActor.GetAsync(), new PageRequest(PageRequest.MaxLimit, null), default)).Items;

    private async Task AddAsync()
    {
        var dialog = await Dialogs.ShowAsync<SourceFormDialog>("Add a source", new DialogParameters<SourceFormDialog>(), FormOptions);
        if (await dialog.Result is { Canceled: false, Data: SourceView saved })
            await DoneAsync($"Added {saved.Name}.");
    }

    private async Task EditAsync(SourceView source)
    {
        var dialog = await Dialogs.ShowAsync<SourceFormDialog>($"Edit {source.Name}", new DialogParameters<SourceFormDialog> { { d => d.Source, source } }, FormOptions);
        if (await dialog.Result is { Canceled: false, Data: SourceView saved })
            await DoneAsync($"Saved {saved.Name}.");
    }

    private async Task UploadAsync(SourceView source)
    {
        var dialog = await Dialogs.ShowAsync<CsvUploadDialog>($"Upload rows to {source.Name}", new DialogParameters<CsvUploadDialog> { { d => d.Source, source } }, FormOptions);
        if (await dialog.Result is { Data: long written })
            await DoneAsync($"{written:N0} rows written to {source.Name}.");
    }

    private async Task DeleteAsync(SourceView source)
    {
        if (await Dialogs.ShowMessageBoxAsync("Delete source", $"Delete {source.Name} with its datasets and stored rows? This cannot be undone.",
                yesText: "Delete", cancelText: "Keep") != true) return;
        try
        {
            await Sources.DeleteAsync(await CurrentActor.GetAsync(), source.Id, default);
            await DoneAsync($"Deleted {source.Name}.");
        }
        catch (DomainException e)
        {
            _message = e.Message;
        }
    }

    private async Task DoneAsync(string message)
    {
        _message = null;
        Snackbar.Add(message, Severity.Success);
        await LoadAsync();
    }
}
