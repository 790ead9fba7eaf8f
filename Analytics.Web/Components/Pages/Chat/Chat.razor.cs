using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Analytics.Web.Components.Chat;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Chat;

/// <summary>
/// <c>/chat</c>: the conversations (open, rename, delete), bookmarked answers (open the conversation at that answer,
/// remove), and the open conversation in <see cref="ChatThread"/>, the view the dashboards' side panel shares.
/// <c>?conversation=&amp;message=</c> opens a conversation at a message; <c>?ask=</c> asks that question in a new
/// conversation once the page is live (Home's quick-ask box), then drops it from the address so a reload does not ask again.
/// </summary>
public sealed partial class Chat
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ChatService ChatService { get; init; }
    [Inject] public required ChatBookmarkService Bookmarks { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }

    [SupplyParameterFromQuery(Name = "conversation")] public string? ConversationParameter { get; set; }
    [SupplyParameterFromQuery(Name = "message")] public string? MessageParameter { get; set; }
    [SupplyParameterFromQuery(Name = "ask")] public string? AskParameter { get; set; }

    private Actor _actor = Actor.System;
    private ChatState? _state;
    private ChatThread? _thread;
    private IReadOnlyList<ChatBookmarkView> _bookmarks = [];

    private ChatState State => _state ??= ChatState.For(ChatService, _actor);

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await State.LoadAsync();
        await LoadBookmarksAsync();
        if (!string.IsNullOrEmpty(ConversationParameter))
        {
            try
            {
                await State.OpenAsync(ConversationParameter, MessageParameter);
            }
            catch (NotFoundException)
            {
                State.Error = "That conversation no longer exists (deleted, or archived after 30 days).";
            }
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || string.IsNullOrWhiteSpace(AskParameter) || _thread is null) return;
        var question = AskParameter.Trim();
        Nav.NavigateTo(Nav.GetUriWithQueryParameter("ask", (string?)null), replace: true);
        await _thread.AskQuestionAsync(question);
    }

    private async Task LoadBookmarksAsync() => _bookmarks = await Bookmarks.ListAsync(_actor, CancellationToken.None);

    private async Task OpenBookmarkAsync(ChatBookmarkView bookmark)
    {
        try
        {
            await State.OpenAsync(bookmark.ConversationId, bookmark.MessageId);
        }
        catch (NotFoundException)
        {
            State.Error = "That conversation no longer exists.";
            await LoadBookmarksAsync();
        }
    }

    private async Task RemoveBookmarkAsync(string id)
    {
        try
        {
            await Bookmarks.RemoveAsync(_actor, id, CancellationToken.None);
        }
        catch (NotFoundException)
        {
        }
        await LoadBookmarksAsync();
        if (_thread is not null) await _thread.LoadBookmarksAsync();
    }

    private void NewConversation() => State.NewConversation();

    private Task OpenAsync(string id) => State.OpenAsync(id);

    private Task RenameAsync((string Id, string Title) rename) => State.RenameAsync(rename.Id, rename.Title);

    private Task DeleteAsync(string id) => State.DeleteAsync(id);
}
