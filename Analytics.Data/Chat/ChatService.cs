using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Chat;

public sealed record ChatQuota(int Limit, int Used, int Remaining, DateTimeOffset? ResetsAt);

public sealed record ConversationSummary(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Messages);

public sealed record ChatToolCallView(string Name, JsonNode? Arguments, int RowCount, double Ms, string Outcome);

public sealed record ChatMessageView(string Id, string Role, string Content, IReadOnlyList<ChatToolCallView> ToolCalls, IReadOnlyList<ChatVisualization> Visualizations, DateTimeOffset CreatedAt);

public sealed record ConversationView(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<ChatMessageView> Messages);

public sealed record ChatAuditView(string Id, string UserId, string? UserEmail, string? ConversationId, string Function, string Arguments, int RowCount, double DurationMs, string Outcome, string? Error, DateTimeOffset CreatedAt);

/// <summary>A question accepted (validated, within the hourly limit, its user message stored); <see cref="RunAsync"/> streams the answer.</summary>
public sealed class ChatSession(ChatService service, ChatTurn turn, ChatConversation conversation, int seq)
{
    public string ConversationId => conversation.Id;

    public IAsyncEnumerable<ChatEvent> RunAsync(CancellationToken ct) => service.RunAsync(turn, conversation, seq, ct);
}

/// <summary>
/// Conversations with the data: the hourly question limit, multi-turn context, the 30-second limit per answer, storage
/// of every turn (with its tool calls and visualizations), listing, renaming, soft deletion, export and retention.
/// </summary>
public sealed class ChatService(
    IDbContextFactory<AnalyticsDbContext> factory,
    IChatPlanner planner,
    IOptions<ChatOptions> options,
    TimeProvider clock,
    ILogger<ChatService> logger)
{
    public const int MaxQuestionLength = 2000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>One gate per user, so two questions sent at once cannot both take the last one left this hour (per process).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    public string PlannerName => planner.Name;

    public async Task<ChatQuota> QuotaAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await QuotaAsync(db, actor, ct);
    }

    private async Task<ChatQuota> QuotaAsync(AnalyticsDbContext db, Actor actor, CancellationToken ct)
    {
        var limit = options.Value.QuestionsPerHour;
        var since = clock.GetUtcNow().AddHours(-1);
        var times = await db.Set<ChatMessage>()
            .Where(m => m.Role == "user" && m.CreatedAt > since && db.Set<ChatConversation>().Any(c => c.Id == m.ConversationId && c.UserId == actor.UserId))
            .Select(m => m.CreatedAt).ToListAsync(ct);
        times.Sort();
        var resets = times.Count >= limit ? times[times.Count - limit].AddHours(1) : times.Count > 0 ? times[0].AddHours(1) : (DateTimeOffset?)null;
        return new ChatQuota(limit, times.Count, Math.Max(0, limit - times.Count), resets);
    }

    /// <summary>Validates, applies the hourly limit (429 with Retry-After), opens or creates the conversation and stores the question.</summary>
    public Task<ChatSession> StartAsync(Actor actor, string? conversationId, string? message, CancellationToken ct) =>
        StartAsync(actor, conversationId, message, null, ct);

    /// <summary>As <see cref="StartAsync(Actor, string?, string?, CancellationToken)"/>, asked under <paramref name="scope"/> (a dashboard's filters).</summary>
    public async Task<ChatSession> StartAsync(Actor actor, string? conversationId, string? message, ChatScope? scope, CancellationToken ct)
    {
        var question = message?.Trim() ?? "";
        if (question.Length == 0) throw new ValidationException("message", "Ask a question: message cannot be empty.");
        if (question.Length > MaxQuestionLength) throw new ValidationException("message", $"A question is at most {MaxQuestionLength} characters.");

        var gate = _gates.GetOrAdd(actor.UserId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return await StartLockedAsync(actor, conversationId, question, scope?.Validated(), ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ChatSession> StartLockedAsync(Actor actor, string? conversationId, string question, ChatScope? scope, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var quota = await QuotaAsync(db, actor, ct);
        if (quota.Remaining == 0)
        {
            var wait = quota.ResetsAt!.Value - clock.GetUtcNow();
            throw new RateLimitedException($"You have asked {quota.Limit} questions in the last hour, the most allowed; try again in {Math.Ceiling(wait.TotalMinutes)} minutes.", wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait);
        }

        var now = clock.GetUtcNow();
        ChatConversation conversation;
        List<ChatMessage> history;
        if (string.IsNullOrWhiteSpace(conversationId))
        {
            conversation = new ChatConversation { Id = Ids.New(), UserId = actor.UserId, Title = Title(question), CreatedAt = now, UpdatedAt = now };
            db.Set<ChatConversation>().Add(conversation);
            history = [];
        }
        else
        {
            conversation = await db.Set<ChatConversation>().FirstOrDefaultAsync(c => c.Id == conversationId && c.UserId == actor.UserId && c.ArchivedAt == null, ct)
                           ?? throw new NotFoundException("Conversation", conversationId);
            history = await db.Set<ChatMessage>().AsNoTracking().Where(m => m.ConversationId == conversation.Id).OrderBy(m => m.Seq).ToListAsync(ct);
            conversation.UpdatedAt = now;
        }
        var seq = history.Count == 0 ? 0 : history[^1].Seq + 1;
        db.Set<ChatMessage>().Add(new ChatMessage { Id = Ids.New(), ConversationId = conversation.Id, Seq = seq, Role = "user", Content = question, CreatedAt = now });
        await db.SaveChangesAsync(ct);

        var previousPlan = history.LastOrDefault(m => m.PlanJson is not null)?.PlanJson is { } json ? JsonSerializer.Deserialize<ChatPlan>(json, Json) : null;
        var zone = await ZoneAsync(db, actor, ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var turn = new ChatTurn(new ChatToolContext(actor, zone, today, conversation.Id), question, history, previousPlan, scope is { IsEmpty: false } ? scope : null);
        return new ChatSession(this, turn, conversation, seq + 1);
    }

    internal static async Task<TimeZoneInfo> ZoneAsync(AnalyticsDbContext db, Actor actor, CancellationToken ct)
    {
        var id = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.TimeZone).FirstOrDefaultAsync(ct);
        try { return TimeBuckets.Zone(id); }
        catch (ValidationException) { return TimeZoneInfo.Utc; }
    }

    internal async IAsyncEnumerable<ChatEvent> RunAsync(ChatTurn turn, ChatConversation conversation, int seq, [EnumeratorCancellation] CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.AnswerTimeoutSeconds));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var text = new StringBuilder();
        var calls = new List<ChatToolCallRecord>();
        var visualizations = new List<ChatVisualization>();
        ChatPlan? plan = null;
        string? pendingArguments = null;

        // Without an external model nothing leaves: say so (the LLM planner reports the mode in force itself).
        if (!options.Value.UsesModel) yield return new ChatEvent.Egress(Analytics.Domain.Chat.Egress.ChatEgressModes.Notice(Analytics.Domain.Chat.Egress.ChatEgressMode.None, external: false));
        var events = planner.AnswerAsync(turn, linked.Token).GetAsyncEnumerator(linked.Token);
        try
        {
            while (true)
            {
                ChatEvent next;
                try
                {
                    if (!await events.MoveNextAsync()) break;
                    next = events.Current;
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    next = new ChatEvent.Error($"The answer took longer than {options.Value.AnswerTimeoutSeconds} seconds and was stopped.");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Chat planner {Planner} failed", planner.Name);
                    next = new ChatEvent.Error(e is DomainException ? e.Message : "The answer failed; see the server log.");
                }
                switch (next)
                {
                    case ChatEvent.Delta d: text.Append(d.Text); break;
                    case ChatEvent.ToolCall c: pendingArguments = c.Arguments; break;
                    case ChatEvent.ToolResult r: calls.Add(new ChatToolCallRecord(r.Name, pendingArguments ?? "{}", r.RowCount, r.Ms, r.Outcome)); break;
                    case ChatEvent.Visualization v: visualizations.Add(v.Value); break;
                    case ChatEvent.Context c: plan = c.Plan; continue;
                    case ChatEvent.Error e:
                        if (text.Length > 0) text.Append("\n\n");
                        text.Append(e.Message);
                        yield return e;
                        goto finished;
                }
                yield return next;
            }
        }
        finally
        {
            await events.DisposeAsync();
        }
        finished:
        // The previous plan stays the context when this answer had none (a question not understood).
        plan ??= turn.PreviousPlan;
        var messageId = Ids.New();
        await using (var db = await factory.CreateDbContextAsync(CancellationToken.None))
        {
            db.Set<ChatMessage>().Add(new ChatMessage
            {
                Id = messageId, ConversationId = conversation.Id, Seq = seq, Role = "assistant", Content = text.ToString(),
                ToolCallsJson = JsonSerializer.Serialize(calls, Json), VisualizationsJson = JsonSerializer.Serialize(visualizations, Json),
                PlanJson = plan is null ? null : JsonSerializer.Serialize(plan, Json), CreatedAt = clock.GetUtcNow(),
                DurationMs = Math.Round(clock.GetElapsedTime(started).TotalMilliseconds, 2),
            });
            await db.Set<ChatConversation>().Where(c => c.Id == conversation.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, clock.GetUtcNow()), CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        yield return new ChatEvent.Done(conversation.Id, messageId);
    }

    private static string Title(string question) => question.Length <= 80 ? question : question[..77] + "…";

    public async Task<Page<ConversationSummary>> ListAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<ChatConversation>().AsNoTracking().Where(c => c.UserId == actor.UserId && c.ArchivedAt == null);
        if (page.After is not null) query = query.Where(c => string.Compare(c.Id, page.After) < 0);
        var items = await query.OrderByDescending(c => c.Id).Take(page.Limit + 1)
            .Select(c => new ConversationSummary(c.Id, c.Title, c.CreatedAt, c.UpdatedAt, c.Messages.Count)).ToListAsync(ct);
        var more = items.Count > page.Limit;
        if (more) items.RemoveAt(items.Count - 1);
        return new Page<ConversationSummary>(items, more ? items[^1].Id : null);
    }

    public async Task<ConversationView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var c = await db.Set<ChatConversation>().AsNoTracking().Include(x => x.Messages)
                    .FirstOrDefaultAsync(x => x.Id == id && x.UserId == actor.UserId && x.ArchivedAt == null, ct)
                ?? throw new NotFoundException("Conversation", id);
        return new ConversationView(c.Id, c.Title, c.CreatedAt, c.UpdatedAt, c.Messages.OrderBy(m => m.Seq).Select(View).ToList());
    }

    public static ChatMessageView View(ChatMessage m) => new(m.Id, m.Role, m.Content,
        (JsonSerializer.Deserialize<List<ChatToolCallRecord>>(m.ToolCallsJson, Json) ?? [])
            .Select(c => new ChatToolCallView(c.Name, ParseArguments(c.Arguments), c.RowCount, c.Ms, c.Outcome)).ToList(),
        JsonSerializer.Deserialize<List<ChatVisualization>>(m.VisualizationsJson, Json) ?? [], m.CreatedAt);

    public static JsonNode? ParseArguments(string arguments)
    {
        try { return JsonNode.Parse(arguments); }
        catch (JsonException) { return JsonValue.Create(arguments); }
    }

    public async Task<ConversationSummary> RenameAsync(Actor actor, string id, string? title, CancellationToken ct)
    {
        var name = title?.Trim() ?? "";
        if (name.Length is 0 or > 200) throw new ValidationException("title", "title must be 1 to 200 characters.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var c = await db.Set<ChatConversation>().Include(x => x.Messages).FirstOrDefaultAsync(x => x.Id == id && x.UserId == actor.UserId && x.ArchivedAt == null, ct)
                ?? throw new NotFoundException("Conversation", id);
        c.Title = name;
        await db.SaveChangesAsync(ct);
        return new ConversationSummary(c.Id, c.Title, c.CreatedAt, c.UpdatedAt, c.Messages.Count);
    }

    /// <summary>Soft delete: the conversation disappears from the user's lists; its questions still count toward the hourly limit.</summary>
    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var c = await db.Set<ChatConversation>().FirstOrDefaultAsync(x => x.Id == id && x.UserId == actor.UserId && x.ArchivedAt == null, ct)
                ?? throw new NotFoundException("Conversation", id);
        c.ArchivedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Archives conversations whose last message is older than the retention (default 30 days). Returns how many.</summary>
    public async Task<int> ArchiveExpiredAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.RetentionDays);
        var now = clock.GetUtcNow();
        return await db.Set<ChatConversation>().Where(c => c.ArchivedAt == null && c.UpdatedAt < cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ArchivedAt, now), ct);
    }

    public async Task<string> ExportJsonAsync(Actor actor, string id, CancellationToken ct) =>
        JsonSerializer.Serialize(await GetAsync(actor, id, ct), new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    /// <summary>The rows of one result as CSV: the given message's (default the latest answer with a result) visualization.</summary>
    public async Task<string> ExportCsvAsync(Actor actor, string id, string? messageId, int? index, CancellationToken ct)
    {
        var conversation = await GetAsync(actor, id, ct);
        var message = messageId is null
            ? conversation.Messages.LastOrDefault(m => m.Visualizations.Count > 0)
            : conversation.Messages.FirstOrDefault(m => m.Id == messageId) ?? throw new NotFoundException("Message", messageId);
        if (message is null || message.Visualizations.Count == 0) throw new ValidationException("messageId", "This conversation has no result to export yet.");
        var i = index ?? 0;
        if (i < 0 || i >= message.Visualizations.Count) throw new ValidationException("index", $"index must be between 0 and {message.Visualizations.Count - 1}.");
        var viz = message.Visualizations[i];
        var sb = new StringBuilder();
        sb.AppendJoin(',', viz.Columns.Select(c => Csv(c.Name))).Append("\r\n");
        foreach (var row in viz.Rows)
        {
            sb.AppendJoin(',', row.Select(v => Csv(v switch
            {
                null => "",
                JsonElement e when e.ValueKind == JsonValueKind.Null => "",
                JsonElement e when e.ValueKind == JsonValueKind.String => e.GetString()!,
                JsonElement e => e.GetRawText(),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString() ?? "",
            }))).Append("\r\n");
        }
        return sb.ToString();
    }

    /// <summary>CSV cell; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0]) && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    public async Task<Page<ChatAuditView>> AuditAsync(Actor actor, string? userId, PageRequest page, CancellationToken ct)
    {
        actor.EnsureAdmin("read the chat audit log");
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<ChatAuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(userId)) query = query.Where(a => a.UserId == userId);
        if (page.After is not null) query = query.Where(a => string.Compare(a.Id, page.After) < 0);
        var items = await query.OrderByDescending(a => a.Id).Take(page.Limit + 1)
            .Select(a => new ChatAuditView(a.Id, a.UserId, db.Users.Where(u => u.Id == a.UserId).Select(u => u.Email).FirstOrDefault(), a.ConversationId,
                a.Function, a.Arguments, a.RowCount, a.DurationMs, a.Outcome, a.Error, a.CreatedAt)).ToListAsync(ct);
        var more = items.Count > page.Limit;
        if (more) items.RemoveAt(items.Count - 1);
        return new Page<ChatAuditView>(items, more ? items[^1].Id : null);
    }
}
