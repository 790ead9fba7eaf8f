using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Radzen;

namespace Analytics.Web.Components.Pages.Sources;

public partial class SourceList
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required SourceService Sources { get; init; }
    [Inject] public required DialogService Dialogs { get; init; }

    private IReadOnlyList<SourceView>? _sources;
    private bool _isAdmin;
    private bool _canAuthor;
    private string? _message;
    private bool _messageIsError;

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
        if (await Dialogs.OpenAsync<SourceFormDialog>("Add a source", new Dictionary<string, object?>(), new DialogOptions { Width = "560px" }) is SourceView saved)
            await DoneAsync($"Added {saved.Name}.");
    }

    private async Task EditAsync(SourceView source)
    {
        if (await Dialogs.OpenAsync<SourceFormDialog>($"Edit {source.Name}", new Dictionary<string, object?> { ["Source"] = source }, new DialogOptions { Width = "560px" }) is SourceView saved)
            await DoneAsync($"Saved {saved.Name}.");
    }

    private async Task UploadAsync(SourceView source)
    {
        if (await Dialogs.OpenAsync<CsvUploadDialog>($"Upload rows to {source.Name}", new Dictionary<string, object?> { ["Source"] = source }, new DialogOptions { Width = "560px" }) is long written)
            await DoneAsync($"{written:N0} rows written to {source.Name}.");
    }

    private async Task DeleteAsync(SourceView source)
    {
        if (await Dialogs.Confirm($"Delete {source.Name} with its datasets and stored rows? This cannot be undone.", "Delete source",
                new ConfirmOptions { OkButtonText = "Delete", CancelButtonText = "Keep" }) != true) return;
        try
        {
            await Sources.DeleteAsync(await CurrentActor.GetAsync(), source.Id, default);
            await DoneAsync($"Deleted {source.Name}.");
        }
        catch (DomainException e)
        {
            _message = e.Message;
            _messageIsError = true;
        }
    }

    private async Task DoneAsync(string message)
    {
        _message = message;
        _messageIsError = false;
        await LoadAsync();
    }
}
