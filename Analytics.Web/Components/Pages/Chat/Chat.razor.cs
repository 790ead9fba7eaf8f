using System.Text;
using System.Text.Json;
using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace Analytics.Web.Components.Pages.Chat;

public sealed partial class Chat : IAsyncDisposable
{
    private const int MaxTableRows = 50;

    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required ChatService ChatService { get; init; }
    [Inject] public required IJSRuntime JS { get; init; }

    private Actor _actor = Actor.System;
    private ChatState? _state;
    private IJSObjectReference? _module;
    private string? _renaming;
    private string _renameText = "";
    private SpeechSupport _speech = new(false, false);
    private DotNetObjectReference<Chat>? _self;

    private sealed record SpeechSupport(bool Recognition, bool Synthesis);

    private ChatState State => _state ??= new ChatState(
        async () => (await ChatService.ListAsync(_actor, new PageRequest(50, null), CancellationToken.None)).Items,
        id => ChatService.GetAsync(_actor, id, CancellationToken.None),
        (conversation, question) => ChatService.StartAsync(_actor, conversation, question, CancellationToken.None),
        () => ChatService.QuotaAsync(_actor, CancellationToken.None),
        (id, title) => ChatService.RenameAsync(_actor, id, title, CancellationToken.None),
        id => ChatService.DeleteAsync(_actor, id, CancellationToken.None));

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        await State.LoadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (_module is null)
            {
                _module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/chat.js");
                _speech = await _module.InvokeAsync<SpeechSupport>("speechSupport");
                if (_speech.Recognition || _speech.Synthesis) StateHasChanged();
            }
            await _module.InvokeVoidAsync("renderCharts");
        }
        catch (JSDisconnectedException) { }
        catch (InvalidOperationException) { } // prerendering: no JS yet
    }

    private Task AskAsync(string? question) => State.AskAsync(question, () => InvokeAsync(StateHasChanged));

    private async Task OnKeyDown(KeyboardEventArgs e)
    {
        if (e.Key == "Enter" && !e.ShiftKey) await AskAsync(null);
    }

    private void NewConversation() => State.NewConversation();

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

    private Task OpenAsync(string id) => State.OpenAsync(id);

    private void StartRename(ConversationSummary c)
    {
        _renaming = c.Id;
        _renameText = c.Title;
    }

    private async Task SaveRenameAsync(string id)
    {
        await State.RenameAsync(id, _renameText);
        _renaming = null;
    }

    private Task DeleteAsync(string id) => State.DeleteAsync(id);

    private static string CsvLink(ChatVisualization viz) => "data:text/csv;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(ChatState.Csv(viz)));

    private static string Slug(string title) => new string(title.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');

    /// <summary>An ECharts option: the first column on the x axis (time or a dimension), each metric a series.</summary>
    private static string ChartOption(ChatVisualization viz)
    {
        var metrics = viz.Columns.Select((c, i) => (c, i)).Where(x => x.c.Type == "number" && !x.c.Name.EndsWith("_change", StringComparison.Ordinal)).ToList();
        var x = viz.Rows.Select(r => ChatState.Display(r[0], viz.Columns[0])).ToList();
        var option = new
        {
            tooltip = new { trigger = "axis" },
            legend = new { show = metrics.Count > 1 },
            grid = new { left = 60, right = 20, top = 30, bottom = viz.Type == "bar" ? 90 : 40 },
            xAxis = new { type = "category", data = x, axisLabel = new { rotate = viz.Type == "bar" ? 30 : 0, fontSize = 10 } },
            yAxis = new { type = "value" },
            series = metrics.Select(m => new
            {
                name = m.c.Label ?? m.c.Name,
                type = viz.Type,
                data = viz.Rows.Select(r => r[m.i] switch { double d => (double?)d, JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(), _ => null }),
            }),
        };
        return JsonSerializer.Serialize(option);
    }

    public async ValueTask DisposeAsync()
    {
        _self?.Dispose();
        if (_module is not null)
        {
            try { await _module.DisposeAsync(); }
            catch (JSDisconnectedException) { }
        }
    }
}
