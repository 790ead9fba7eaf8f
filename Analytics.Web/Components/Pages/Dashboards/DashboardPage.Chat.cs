using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Web.Components.Pages.Chat;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The dashboard's chat side panel: the shared chat view, asked under the filters the widgets run with (time range,
/// instances, dimension values; read at the moment of asking, so changing a filter changes the next answer). Opens
/// from the toolbar, closes with Esc (focus returns to the toggle); on phones it covers the screen. A widget added from
/// an answer to this dashboard appears at once.
/// </summary>
public sealed partial class DashboardPage
{
    [Inject] public required ChatService ChatService { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private static readonly IReadOnlyList<string> PanelSuggestions =
    [
        "What was ROAS by campaign?",
        "Top 5 campaigns by sales",
        "How has spend changed over time?",
        "Anything unusual?",
    ];

    private bool _showChat;
    private ChatState? _chat;
    private MudButton? _chatToggle;

    /// <summary>The dashboard's applied filters as the chat's scope; null until the page has its filters.</summary>
    private ChatScope? CurrentChatScope() =>
        _state is null || _context is null ? null : _state.ChatScope(_context.Filters, _context.Zone, Clock.GetUtcNow());

    private string? ChatScopeText => CurrentChatScope()?.Describe(id => _instances.FirstOrDefault(i => i.Value == id)?.Text ?? id);

    private async Task ToggleChatAsync()
    {
        if (_showChat)
        {
            await CloseChatAsync();
            return;
        }
        if (_chat is null)
        {
            _chat = ChatState.For(ChatService, _actor, CurrentChatScope);
            await _chat.LoadAsync();
        }
        _showComments = false;
        _showChat = true;
    }

    private async Task CloseChatAsync()
    {
        _showChat = false;
        try
        {
            if (_chatToggle is not null) await _chatToggle.FocusAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or Microsoft.JSInterop.JSException or Microsoft.JSInterop.JSDisconnectedException)
        {
        }
    }

    private async Task OnChatKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape") await CloseChatAsync();
    }

    /// <summary>An answer became a widget: when it went on this dashboard, show the dashboard as saved now.</summary>
    private async Task OnWidgetAddedAsync(AddedToDashboard added)
    {
        if (added.DashboardId != Id || _state is null) return;
        try
        {
            _state.Replace(await Dashboards.GetAsync(_actor, Id, CancellationToken.None));
            await RebuildContextAsync();
        }
        catch (NotFoundException)
        {
        }
    }
}
