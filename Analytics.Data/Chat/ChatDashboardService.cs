using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Chat;

/// <summary>A widget made from an answer, and the dashboard it went on.</summary>
public sealed record AddedToDashboard(string DashboardId, string DashboardName, WidgetView Widget);

/// <summary>
/// The filters a question is asked under, as an API client sends them: a dashboard (its saved filters apply), and/or
/// a preset or dates (start inclusive, end exclusive, the user's zone), instances and dimension values, which replace
/// the dashboard's.
/// </summary>
public sealed record ChatContextInput(
    string? DashboardId = null, string? Preset = null, DateOnly? Start = null, DateOnly? End = null,
    IReadOnlyList<string>? SourceIds = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? Filters = null);

/// <summary>
/// Where chat meets dashboards: "add to dashboard" (an answer's chart or table becomes a widget on a dashboard the user
/// may edit; <see cref="DashboardService"/> enforces that) and a dashboard's filters as the scope of a question.
/// </summary>
public sealed class ChatDashboardService(ChatService chat, DashboardService dashboards, IDbContextFactory<AnalyticsDbContext> factory, TimeProvider clock)
{
    /// <summary>Dashboards the actor may add widgets to, by name.</summary>
    public async Task<IReadOnlyList<DashboardSummary>> EditableAsync(Actor actor, CancellationToken ct) =>
        (await dashboards.ListAsync(actor, ct)).Where(d => d.CanEdit).OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// Appends a widget built from visualization <paramref name="index"/> (default the first) of answer
    /// <paramref name="messageId"/> to dashboard <paramref name="dashboardId"/>, at the first free spot of its grid.
    /// </summary>
    public async Task<AddedToDashboard> AddToDashboardAsync(Actor actor, string conversationId, string messageId, string? dashboardId, int? index, string? title, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(dashboardId)) throw new ValidationException("dashboardId", "Required: the dashboard to add the answer to.");
        var conversation = await chat.GetAsync(actor, conversationId, ct);
        var message = conversation.Messages.FirstOrDefault(m => m.Id == messageId && m.Role == "assistant") ?? throw new NotFoundException("Answer", messageId);
        if (message.Visualizations.Count == 0) throw new ValidationException("messageId", "This answer has no chart or table to add to a dashboard.");
        var i = index ?? 0;
        if (i < 0 || i >= message.Visualizations.Count) throw new ValidationException("index", $"index must be between 0 and {message.Visualizations.Count - 1}.");
        var widget = ChatWidgets.FromVisualization(message.Visualizations[i], title);
        var (dashboard, added) = await dashboards.AddWidgetAsync(actor, dashboardId, widget, ct);
        return new AddedToDashboard(dashboard.Id, dashboard.Name, added);
    }

    /// <summary>The scope of a question sent over HTTP; null when the client sent none. A dashboard the actor cannot see is a 404.</summary>
    public async Task<ChatScope?> ScopeAsync(Actor actor, ChatContextInput? input, CancellationToken ct)
    {
        if (input is null) return null;
        var errors = new Dictionary<string, string[]>();
        if ((input.Start is null) != (input.End is null)) errors[input.Start is null ? "context.start" : "context.end"] = ["Give both start and end (YYYY-MM-DD, end exclusive), or neither."];
        else if (input.Start is { } s && input.End is { } e && e <= s) errors["context.end"] = ["end must be after start (the end date is exclusive)."];
        if (input.Preset is { } p && !DateRangePresets.Names.Contains(p)) errors["context.preset"] = [$"One of {string.Join(", ", DateRangePresets.Names)}."];
        if (errors.Count > 0) throw new ValidationException(errors);

        TimeZoneInfo zone;
        await using (var db = await factory.CreateDbContextAsync(ct)) zone = await ChatService.ZoneAsync(db, actor, ct);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        DateTimeOffset? Midnight(DateOnly? day) => day is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), zone.GetUtcOffset(d.ToDateTime(TimeOnly.MinValue))) : null;

        var overrides = new Dictionary<string, IReadOnlyList<string?>>(StringComparer.OrdinalIgnoreCase);
        if (input.SourceIds is { } sources) overrides[DashboardFilter.Instance] = sources.Cast<string?>().ToList();
        foreach (var (dimension, values) in input.Filters ?? new Dictionary<string, IReadOnlyList<string>>())
            overrides[dimension] = (values ?? []).Cast<string?>().ToList();

        if (input.DashboardId is { } id)
        {
            var dashboard = await dashboards.GetAsync(actor, id, ct);
            var resolved = DashboardFilters.Resolve(dashboard.Filters, now, zone, Midnight(input.Start), Midnight(input.End), input.Preset, overrides);
            return ChatScope.FromDashboard(dashboard.Id, dashboard.Name, resolved, zone, today).Validated();
        }
        DateRange? range = null;
        if (input.Start is { } start && input.End is { } end) range = ChatScope.RangeOf(start, end, null, today);
        else if (input.Preset is { } preset)
        {
            var (from, to) = DateRangePresets.Resolve(preset, now, zone);
            range = ChatScope.RangeOf(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime), preset, today);
        }
        return new ChatScope
        {
            Range = range,
            SourceIds = input.SourceIds ?? [],
            Filters = (input.Filters ?? new Dictionary<string, IReadOnlyList<string>>()).Where(f => f.Value is { Count: > 0 })
                .ToDictionary(f => f.Key, f => f.Value, StringComparer.OrdinalIgnoreCase),
        }.Validated();
    }
}
