using Analytics.Data.Chat;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Domain.Metrics;

namespace Analytics.Web.Components.Pages.Chat;

/// <summary>One turn on screen: the question or the answer, with what the answer queried and showed.</summary>
public sealed class ChatTurnView
{
    public required string Role { get; init; }
    /// <summary>The stored message's id: known for loaded turns, and for an answer once it is complete.</summary>
    public string? MessageId { get; set; }
    public string Text { get; set; } = "";
    public List<ChatToolCallView> ToolCalls { get; } = [];
    public List<ChatVisualization> Visualizations { get; } = [];
    /// <summary>Buttons under a clarifying question (live answers only; a reloaded conversation keeps the question's text).</summary>
    public List<ChatChoice> Choices { get; } = [];
    public bool Streaming { get; set; }
    public bool Failed { get; set; }
}

/// <summary>
/// The chat page's state, without a browser: the conversation list, the open conversation's turns (the answer grows as
/// its events stream in), the questions left this hour, suggestions and errors. The page only renders it.
/// </summary>
public sealed class ChatState(
    Func<Task<IReadOnlyList<ConversationSummary>>> list,
    Func<string, Task<ConversationView>> open,
    Func<string?, string, Task<ChatSession>> start,
    Func<Task<ChatQuota>> quota,
    Func<string, string, Task> rename,
    Func<string, Task> delete)
{
    public IReadOnlyList<ConversationSummary> Conversations { get; private set; } = [];
    public string? ConversationId { get; private set; }
    public List<ChatTurnView> Turns { get; } = [];
    public ChatQuota? Quota { get; private set; }
    public bool Busy { get; private set; }
    public string? Error { get; set; }
    public string Draft { get; set; } = "";

    /// <summary>
    /// The state over <paramref name="chat"/> as <paramref name="actor"/>; questions are asked under <paramref name="scope"/>'s
    /// filters when it gives any (the side panel passes the dashboard's, read at the moment of asking).
    /// </summary>
    public static ChatState For(ChatService chat, Analytics.Domain.Access.Actor actor, Func<ChatScope?>? scope = null) => new(
        async () => (await chat.ListAsync(actor, new PageRequest(50, null), CancellationToken.None)).Items,
        id => chat.GetAsync(actor, id, CancellationToken.None),
        (conversation, question) => chat.StartAsync(actor, conversation, question, scope?.Invoke(), CancellationToken.None),
        () => chat.QuotaAsync(actor, CancellationToken.None),
        (id, title) => chat.RenameAsync(actor, id, title, CancellationToken.None),
        id => chat.DeleteAsync(actor, id, CancellationToken.None));

    public IReadOnlyList<string> Suggestions => QuestionParser.Suggestions;

    /// <summary>The message to scroll to once the opened conversation is on screen (a bookmark), then cleared by the view.</summary>
    public string? FocusMessageId { get; set; }

    public string QuotaText => Quota is null ? "" : $"{Quota.Remaining} of {Quota.Limit} questions left this hour";

    public async Task LoadAsync()
    {
        Conversations = await list();
        Quota = await quota();
    }

    public void NewConversation()
    {
        ConversationId = null;
        Turns.Clear();
        Error = null;
    }

    public async Task OpenAsync(string id, string? focusMessageId = null)
    {
        var view = await open(id);
        ConversationId = view.Id;
        FocusMessageId = focusMessageId;
        Turns.Clear();
        foreach (var m in view.Messages)
        {
            var turn = new ChatTurnView { Role = m.Role, Text = m.Content, MessageId = m.Id };
            turn.ToolCalls.AddRange(m.ToolCalls);
            turn.Visualizations.AddRange(m.Visualizations);
            Turns.Add(turn);
        }
        Error = null;
    }

    /// <summary>Asks <paramref name="question"/> (or the draft); <paramref name="changed"/> is called as the answer streams in.</summary>
    public async Task AskAsync(string? question, Func<Task> changed)
    {
        var text = (question ?? Draft).Trim();
        if (text.Length == 0 || Busy) return;
        Busy = true;
        Error = null;
        try
        {
            ChatSession session;
            try
            {
                session = await start(ConversationId, text);
            }
            catch (RateLimitedException e)
            {
                Error = e.Message;
                return;
            }
            catch (DomainException e)
            {
                Error = e.Message;
                return;
            }
            Draft = "";
            ConversationId = session.ConversationId;
            Turns.Add(new ChatTurnView { Role = "user", Text = text });
            var answer = new ChatTurnView { Role = "assistant", Streaming = true };
            Turns.Add(answer);
            await changed();
            string? pending = null;
            await foreach (var e in session.RunAsync(CancellationToken.None))
            {
                switch (e)
                {
                    case ChatEvent.Delta d: answer.Text += d.Text; break;
                    case ChatEvent.ToolCall c: pending = c.Arguments; break;
                    case ChatEvent.ToolResult r: answer.ToolCalls.Add(new ChatToolCallView(r.Name, ChatService.ParseArguments(pending ?? "{}"), r.RowCount, r.Ms, r.Outcome)); break;
                    case ChatEvent.Visualization v: answer.Visualizations.Add(v.Value); break;
                    case ChatEvent.Choices c: answer.Choices.AddRange(c.Options); break;
                    case ChatEvent.Error x: answer.Failed = true; answer.Text += (answer.Text.Length > 0 ? "\n\n" : "") + x.Message; break;
                    case ChatEvent.Done d: answer.MessageId = d.MessageId; break;
                }
                await changed();
            }
            answer.Streaming = false;
            await LoadAsync();
        }
        finally
        {
            Busy = false;
        }
    }

    public async Task RenameAsync(string id, string title)
    {
        try
        {
            await rename(id, title);
            Conversations = await list();
        }
        catch (DomainException e) { Error = e.Message; }
    }

    public async Task DeleteAsync(string id)
    {
        await delete(id);
        if (ConversationId == id) NewConversation();
        Conversations = await list();
    }

    /// <summary>
    /// What "Copy" puts on the clipboard: the answer's text, then each chart or table as tab-separated values (title,
    /// header, rows) that paste into a spreadsheet as cells. Tabs and line breaks inside values become spaces.
    /// </summary>
    public static string CopyText(ChatTurnView turn)
    {
        static string Cell(object? v) => (v switch
        {
            null => "",
            System.Text.Json.JsonElement e when e.ValueKind == System.Text.Json.JsonValueKind.Null => "",
            System.Text.Json.JsonElement e when e.ValueKind == System.Text.Json.JsonValueKind.String => e.GetString() ?? "",
            System.Text.Json.JsonElement e => e.GetRawText(),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        }).Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
        var sb = new System.Text.StringBuilder(turn.Text.TrimEnd());
        foreach (var viz in turn.Visualizations)
        {
            if (sb.Length > 0) sb.Append("\n\n");
            sb.Append(viz.Title).Append('\n');
            sb.AppendJoin('\t', viz.Columns.Select(c => Cell(c.Label ?? c.Name)));
            foreach (var row in viz.Rows) sb.Append('\n').AppendJoin('\t', row.Select(Cell));
        }
        return sb.ToString();
    }

    /// <summary>A visualization's rows as CSV (for the download link).</summary>
    public static string Csv(ChatVisualization viz)
    {
        static string Cell(object? v)
        {
            var s = v switch
            {
                null => "",
                System.Text.Json.JsonElement e when e.ValueKind == System.Text.Json.JsonValueKind.String => e.GetString() ?? "",
                System.Text.Json.JsonElement e when e.ValueKind == System.Text.Json.JsonValueKind.Null => "",
                System.Text.Json.JsonElement e => e.GetRawText(),
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            };
            if (s.Length > 0 && "=+-@".Contains(s[0]) && !double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _)) s = "'" + s;
            return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        }
        return string.Join("\r\n", new[] { string.Join(",", viz.Columns.Select(c => Cell(c.Name))) }.Concat(viz.Rows.Select(r => string.Join(",", r.Select(Cell))))) + "\r\n";
    }

    /// <summary>A number for reading, by the column's format.</summary>
    public static string Display(object? value, ChatColumn column)
    {
        var d = MetricFormat.ToDouble(value);
        if (d is null) return value switch
        {
            null or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null } => column.Type == "number" ? MetricFormat.Missing : "",
            System.Text.Json.JsonElement e when e.ValueKind == System.Text.Json.JsonValueKind.String => e.GetString() ?? "",
            _ => value.ToString() ?? "",
        };
        return MetricFormat.Format(d, column.Format);
    }
}
