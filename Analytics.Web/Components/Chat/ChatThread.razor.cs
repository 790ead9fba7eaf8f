using System.Text;
using Analytics.Data.Chat;
using Analytics.Data.Dashboards;
using Analytics.Data.Notifications;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Web.Components.Pages.Chat;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;

namespace Analytics.Web.Components.Chat;

/// <summary>
/// One conversation on screen, shared by <c>/chat</c> and the dashboards' side panel: the turns as they stream in
/// (tool calls collapsible, charts, tables and KPIs), suggestions, the question box with voice input, the questions
/// left this hour, and per answer: copy (text and tables as TSV), CSV download, bookmark, read aloud, and "add to
/// dashboard" on each chart or table. The conversation itself is the host's <see cref="ChatState"/>.
/// </summary>
public sealed partial class ChatThread : IAsyncDisposable
{
    private const int MaxTableRows = 50;

    [Inject] public required ChatBookmarkService Bookmarks { get; init; }
    [Inject] public required ChatDashboardService ChatDashboards { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }
    [Inject] public required ISnackbar Snackbar { get; init; }
    [Inject] public required ContentSharing Sharing { get; init; }
    [Inject] public required IDialogService Dialogs { get; init; }

    [Parameter, EditorRequired] public required ChatState State { get; set; }
    [Parameter, EditorRequired] public required Actor Actor { get; set; }
    /// <summary>The side panel: smaller charts, turns filling the panel's height.</summary>
    [Parameter] public bool Compact { get; set; }
    /// <summary>The filters questions are asked under, in words (the dashboard's); none on /chat.</summary>
    [Parameter] public string? ScopeText { get; set; }
    /// <summary>Preselected in "add to dashboard" (the dashboard the panel is open on, when the user may edit it).</summary>
    [Parameter] public string? DefaultDashboardId { get; set; }
    [Parameter] public IReadOnlyList<string>? SuggestedQuestions { get; set; }
    [Parameter] public string Placeholder { get; set; } = "Ask a question, e.g. What was our ROAS by campaign last month?";
    [Parameter] public string InputId { get; set; } = "chat-input";
    [Parameter] public bool AutoFocus { get; set; }
    [Parameter] public EventCallback<AddedToDashboard> OnWidgetAdded { get; set; }
    [Parameter] public EventCallback OnBookmarksChanged { get; set; }
    /// <summary>An answer finished (the host refreshes what depends on it, e.g. the conversation list).</summary>
    [Parameter] public EventCallback OnAnswered { get; set; }

    private IJSObjectReference? _module;
    private SpeechSupport _speech = new(false, false);
    private DotNetObjectReference<ChatThread>? _self;
    private Dictionary<string, string> _bookmarks = new(StringComparer.Ordinal);
    private IReadOnlyList<DashboardSummary> _editable = [];
    private bool _editableLoaded;
    private string? _picking;
    private string? _target;
    private bool _busyAdding;
    private readonly Dictionary<string, AddedToDashboard> _added = [];

    private sealed record SpeechSupport(bool Recognition, bool Synthesis);

    private IReadOnlyList<string> Suggestions => SuggestedQuestions ?? State.Suggestions;

    protected override async Task OnInitializedAsync() => await LoadBookmarksAsync();

    /// <summary>Reloads which answers are bookmarked (the host calls it after removing one from its list).</summary>
    public async Task LoadBookmarksAsync()
    {
        _bookmarks = (await Bookmarks.ListAsync(Actor, CancellationToken.None)).ToDictionary(b => b.MessageId, b => b.Id, StringComparer.Ordinal);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (_module is null)
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/chat.js");
                _speech = await _module.InvokeAsync<SpeechSupport>("speechSupport");
                if (AutoFocus) await _module.InvokeVoidAsync("focus", "#" + InputId);
                if (_speech.Recognition || _speech.Synthesis) StateHasChanged();
            }
            await _module.InvokeVoidAsync("renderCharts");
            if (State.FocusMessageId is { } focus && await _module.InvokeAsync<bool>("scrollToMessage", focus)) State.FocusMessageId = null;
        }
        catch (JSDisconnectedException) { }
        catch (InvalidOperationException) { } // prerendering: no JS yet
    }

    /// <summary>Asks <paramref name="question"/> as if typed and sent (a question handed over by another page).</summary>
    public async Task AskQuestionAsync(string question)
    {
        State.Draft = question;
        await InvokeAsync(() => AskAsync(question));
    }

    private async Task AskAsync(string? question)
    {
        await State.AskAsync(question, () => InvokeAsync(StateHasChanged));
        await OnAnswered.InvokeAsync();
    }

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && !e.ShiftKey) await AskAsync(null);
    }

    private async Task DictateAsync()
    {
        if (_module is null) return;
        _self ??= DotNetObjectReference.Create(this);
        await _module.InvokeAsync<bool>("dictate", _self);
    }

    /// <summary>Called by the browser's speech recognition with what it heard; asks it.</summary>
    [JSInvokable]
    public async Task OnDictated(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        State.Draft = text;
        await InvokeAsync(() => AskAsync(text));
    }

    private async Task SpeakAsync(string text)
    {
        if (_module is not null) await _module.InvokeVoidAsync("speak", text);
    }

    private async Task CopyAsync(ChatTurnView turn)
    {
        if (_module is null) return;
        var ok = await _module.InvokeAsync<bool>("copyText", ChatState.CopyText(turn));
        Snackbar.Add(ok ? "Copied: the answer and its tables are on the clipboard (tables as tab-separated cells)."
            : "Could not copy: the browser refused the clipboard; use Download CSV instead.", ok ? Severity.Success : Severity.Warning,
            options => options.VisibleStateDuration = 3000);
    }

    private async Task ToggleBookmarkAsync(string messageId)
    {
        if (State.ConversationId is not { } conversationId) return;
        try
        {
            if (_bookmarks.TryGetValue(messageId, out var bookmarkId))
            {
                await Bookmarks.RemoveAsync(Actor, bookmarkId, CancellationToken.None);
                _bookmarks.Remove(messageId);
            }
            else
            {
                var (bookmark, _) = await Bookmarks.AddAsync(Actor, conversationId, messageId, null, CancellationToken.None);
                _bookmarks[messageId] = bookmark.Id;
            }
            await OnBookmarksChanged.InvokeAsync();
        }
        catch (DomainException e)
        {
            State.Error = e.Message;
        }
    }

    private static bool CanAddToDashboard(ChatVisualization viz) => ChatWidgets.QueryOf(viz.Query) is not null;

    private async Task StartAddAsync(string key)
    {
        if (_picking == key)
        {
            _picking = null;
            return;
        }
        if (!_editableLoaded)
        {
            _editable = await ChatDashboards.EditableAsync(Actor, CancellationToken.None);
            _editableLoaded = true;
        }
        _target ??= _editable.FirstOrDefault(d => d.Id == DefaultDashboardId)?.Id;
        _picking = key;
    }

    private async Task AddAsync(ChatTurnView turn, int index, string key)
    {
        if (_target is null || turn.MessageId is null || State.ConversationId is null) return;
        _busyAdding = true;
        try
        {
            var added = await ChatDashboards.AddToDashboardAsync(Actor, State.ConversationId, turn.MessageId, _target, index, null, CancellationToken.None);
            _added[key] = added;
            _picking = null;
            await OnWidgetAdded.InvokeAsync(added);
        }
        catch (DomainException e)
        {
            Snackbar.Add($"Not added: {e.Message}", Severity.Error);
        }
        finally
        {
            _busyAdding = false;
        }
    }

    private string EditableName(string? id) => id is null ? "" : _editable.FirstOrDefault(d => d.Id == id)?.Name ?? id;

    private Task<IEnumerable<string>> SearchEditableAsync(string? text, CancellationToken ct) => Task.FromResult(
        _editable.Where(d => string.IsNullOrWhiteSpace(text) || text == EditableName(_target) || d.Name.Contains(text, StringComparison.OrdinalIgnoreCase)).Select(d => d.Id));

    private static string CsvLink(ChatVisualization viz) => "data:text/csv;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(ChatState.Csv(viz)));

    private static string Slug(string title) => new string(title.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');

    public async ValueTask DisposeAsync()
    {
        _self?.Dispose();
        if (_module is not null)
        {
            try { await _module.DisposeAsync(); }
            catch (JSDisconnectedException) { }
        }
    }

    private Task ShareAsync(string messageId) =>
        ShareWithDialog.OpenAsync(Dialogs, Snackbar, "Share this answer",
            "Each colleague gets a notification whose link asks this question again as them: they see the answer for the instances they may read, not yours.",
            input => Sharing.ShareAnswerAsync(Actor, State.ConversationId!, messageId, input, CancellationToken.None));
}
