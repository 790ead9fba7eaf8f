using System.Text.RegularExpressions;
using Analytics.Data.Exports.Delivery;
using Analytics.Data.Outbound;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Alerts;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Alerts;

public sealed record AlertConditionInput(string? Op, double? Threshold, string? Window);

/// <summary>The wire shape of a rule (CONTRACT.md: <c>{ name, metric, condition: { op, threshold, window }, channels }</c>, plus optional fields).</summary>
public sealed record AlertRuleInput(
    string? Name, string? Metric, AlertConditionInput? Condition, List<AlertChannel>? Channels,
    string? Kind = null, string? Aggregation = null, Dictionary<string, List<string>>? Filters = null, List<string>? SourceIds = null,
    double? Hysteresis = null, int? PendingEvaluations = null, bool? Enabled = null);

public sealed record AlertRuleView(
    string Id, string Name, string Metric, string Kind, string Aggregation, Dictionary<string, List<string>> Filters, List<string> SourceIds,
    AlertConditionView Condition, double Hysteresis, int PendingEvaluations, List<AlertChannel> Channels, bool Enabled,
    string State, double? LastValue, DateTimeOffset? LastEvaluatedAt, string? LastError, string OwnerId);

public sealed record AlertConditionView(string Op, double Threshold, string Window);

/// <summary>One rule on an alert widget: its state, since when (its last fired/resolved event), the last value and the condition.</summary>
public sealed record AlertBoardRow(
    string RuleId, string Name, string State, DateTimeOffset? Since, double? LastValue, string Condition, DateTimeOffset? LastEvaluatedAt, string? LastError, bool Enabled);

public sealed record AlertEventView(string Id, string RuleId, string RuleName, string Kind, double? Value, double Threshold, string Message, DateTimeOffset At, string? Delivery);

/// <summary>Alert rules and their events. Analysts and admins create rules; everyone sees their own (admins all).</summary>
public sealed partial class AlertService(IDbContextFactory<AnalyticsDbContext> factory, OutboundGuard outbound, SubscriptionSafeguards safeguards, TimeProvider clock)
{
    private static readonly string[] Aggregations = ["avg", "sum", "count", "min", "max", "p95", "p99"];

    [GeneratedRegex(@"^[a-zA-Z_][a-zA-Z0-9_.:-]{0,199}$")]
    private static partial Regex MetricName();

    public async Task<IReadOnlyList<AlertRuleView>> ListAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.AlertRules.AsNoTracking();
        if (!actor.IsAdmin) query = query.Where(r => r.OwnerId == actor.UserId);
        return (await query.ToListAsync(ct)).OrderBy(r => r.Name).Select(View).ToList();
    }

    /// <summary>
    /// The rules an alert widget shows to <paramref name="actor"/>: those named (or, with none named, all) that the actor
    /// can see — their own, or every rule for an admin. Named rules the actor cannot see are left out, as if deleted.
    /// Firing rules first, then pending, then by name.
    /// </summary>
    public async Task<IReadOnlyList<AlertBoardRow>> BoardAsync(Actor actor, IReadOnlyCollection<string>? ruleIds, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.AlertRules.AsNoTracking();
        if (!actor.IsAdmin) query = query.Where(r => r.OwnerId == actor.UserId);
        if (ruleIds is { Count: > 0 }) query = query.Where(r => ruleIds.Contains(r.Id));
        var rules = await query.ToListAsync(ct);
        var ids = rules.Select(r => r.Id).ToList();
        var since = (await db.AlertEvents.AsNoTracking().Where(e => ids.Contains(e.RuleId)).Select(e => new { e.RuleId, e.At }).ToListAsync(ct))
            .GroupBy(e => e.RuleId).ToDictionary(g => g.Key, g => g.Max(e => e.At));
        return rules
            .OrderBy(r => r.State switch { AlertState.Firing => 0, AlertState.Pending => 1, _ => 2 }).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => new AlertBoardRow(r.Id, r.Name, r.State.ToString().ToLowerInvariant(), since.TryGetValue(r.Id, out var at) ? at : null, r.LastValue,
                Describe(r), r.LastEvaluatedAt, r.LastError, r.Enabled))
            .ToList();
    }

    /// <summary>The condition in words, e.g. <c>roas &lt; 2 over 1d</c>.</summary>
    public static string Describe(AlertRule rule) => rule.Op switch
    {
        AlertOp.Gt => $"{rule.Metric} > {rule.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)} over {rule.Window}",
        AlertOp.Lt => $"{rule.Metric} < {rule.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)} over {rule.Window}",
        AlertOp.ChangePct => $"{rule.Metric} changes {rule.Threshold.ToString("+0.##;-0.##", System.Globalization.CultureInfo.InvariantCulture)}% over {rule.Window}",
        _ => $"{rule.Metric} has no data over {rule.Window}",
    };

    public async Task<AlertRuleView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return View(await FindVisibleAsync(db, actor, id, ct));
    }

    public async Task<AlertRuleView> CreateAsync(Actor actor, AlertRuleInput input, CancellationToken ct)
    {
        actor.EnsureCanAuthor("create alert rules");
        var now = clock.GetUtcNow();
        var rule = new AlertRule { Id = Ids.New(), Name = "", Metric = "", OwnerId = actor.UserId, CreatedAt = now, UpdatedAt = now };
        await ApplyAsync(actor, rule, input, ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.AlertRules.Add(rule);
        await db.SaveChangesAsync(ct);
        return View(rule);
    }

    public async Task<AlertRuleView> UpdateAsync(Actor actor, string id, AlertRuleInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rule = await FindVisibleAsync(db, actor, id, ct);
        if (!actor.CanEditOwnedBy(rule.OwnerId)) throw new ForbiddenException("Only the rule's owner or an admin can change it.");
        await ApplyAsync(actor, rule, input, ct);
        rule.State = AlertState.Ok;
        rule.BreachCount = 0;
        rule.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return View(rule);
    }

    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var rule = await FindVisibleAsync(db, actor, id, ct);
        if (!actor.CanEditOwnedBy(rule.OwnerId)) throw new ForbiddenException("Only the rule's owner or an admin can delete it.");
        db.AlertRules.Remove(rule);
        await db.SaveChangesAsync(ct);
    }

    public async Task<Page<AlertEventView>> EventsAsync(Actor actor, PageRequest page, string? ruleId, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.AlertEvents.AsNoTracking();
        if (!actor.IsAdmin) query = query.Where(e => e.OwnerId == actor.UserId);
        if (ruleId is not null) query = query.Where(e => e.RuleId == ruleId);
        // Ids are time-ordered (GUID v7), so descending id order is newest first.
        if (page.After is { } after) query = query.Where(e => string.Compare(e.Id, after) < 0);
        var rows = await query.OrderByDescending(e => e.Id).Take(page.Limit + 1).ToListAsync(ct);
        var views = rows.Take(page.Limit).Select(e => new AlertEventView(e.Id, e.RuleId, e.RuleName, e.Kind, e.Value, e.Threshold, e.Message, e.At, e.Delivery)).ToList();
        return new Page<AlertEventView>(views, rows.Count > page.Limit ? views[^1].Id : null);
    }

    private static async Task<AlertRule> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct)
    {
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null || (!actor.IsAdmin && rule.OwnerId != actor.UserId)) throw new NotFoundException("Alert rule", id);
        return rule;
    }

    /// <summary>Validates the whole input (every problem at once, by field) and copies it onto the rule.</summary>
    private async Task ApplyAsync(Actor actor, AlertRule rule, AlertRuleInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors["name"] = ["A name of 1–200 characters is required."];

        var kind = AlertMetricKind.Semantic;
        if (input.Kind is not null && !Enum.TryParse(input.Kind, ignoreCase: true, out kind))
            errors["kind"] = ["kind must be semantic or operational."];

        var metric = input.Metric?.Trim() ?? "";
        if (!MetricName().IsMatch(metric)) errors["metric"] = ["A metric name is required (letters, digits, _ . : -)."];
        else if (kind == AlertMetricKind.Semantic)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            if (!await db.MetricDefinitions.AnyAsync(m => m.Name == metric, ct))
                errors["metric"] = [$"'{metric}' is not a metric of the catalog. Use a catalog metric (e.g. roas, spend) or kind 'operational'."];
        }

        var aggregation = (input.Aggregation ?? "avg").ToLowerInvariant();
        if (!Aggregations.Contains(aggregation)) errors["aggregation"] = [$"aggregation must be one of {string.Join(", ", Aggregations)}."];

        AlertOp op = default;
        if (input.Condition is null) errors["condition"] = ["condition { op, threshold, window } is required."];
        else
        {
            var wire = input.Condition.Op?.Replace("_", "").ToLowerInvariant();
            if (!Enum.TryParse(wire, ignoreCase: true, out op) || !Enum.IsDefined(op)) errors["condition.op"] = ["op must be gt, lt, changePct or noData."];
            if (op != AlertOp.NoData && input.Condition.Threshold is null or double.NaN) errors["condition.threshold"] = ["A numeric threshold is required."];
            if (AlertWindows.Parse(input.Condition.Window ?? "1h") is null) errors["condition.window"] = ["window looks like 15m, 1h or 7d (at most 366d)."];
        }

        if (input.Hysteresis is < 0 or > 1) errors["hysteresis"] = ["hysteresis is a fraction between 0 and 1 (0.05 = 5%)."];
        if (input.PendingEvaluations is < 1 or > 100) errors["pendingEvaluations"] = ["pendingEvaluations is between 1 and 100."];

        var channels = input.Channels ?? [new AlertChannel(AlertChannel.InApp)];
        for (var i = 0; i < channels.Count; i++)
        {
            var c = channels[i];
            if (c.Type == AlertChannel.Webhook)
            {
                if (outbound.UrlError(c.Url) is { } problem) errors[$"channels[{i}].url"] = [$"A webhook needs an absolute http(s) URL of a public address: {problem}"];
            }
            else if (c.Type == AlertChannel.Email)
            {
                var recipients = (c.Recipients ?? []).Select(r => r?.Trim() ?? "").ToList();
                if (recipients.Count is 0 or > AlertChannel.MaxRecipients)
                    errors[$"channels[{i}].recipients"] = [$"An e-mail channel needs 1 to {AlertChannel.MaxRecipients} recipients."];
                else
                {
                    try { ExportMailer.Recipients(recipients); }
                    catch (ValidationException e) { errors[$"channels[{i}].recipients"] = e.Errors["recipients"]; }
                    var outside = new Dictionary<string, string[]>();
                    (await safeguards.RecipientDomainsAsync(ct)).Check(recipients, outside);
                    foreach (var (key, message) in outside) errors[$"channels[{i}].{key}"] = message;
                }
                channels[i] = c with { Url = null, Recipients = recipients };
            }
            else if (c.Type != AlertChannel.InApp) errors[$"channels[{i}].type"] = ["type must be inapp, webhook or email."];
        }

        var sourceIds = input.SourceIds ?? [];
        foreach (var sourceId in sourceIds.Where(s => !actor.CanReadInstance(s)))
            errors["sourceIds"] = [$"Unknown source id {sourceId}."];

        if (errors.Count > 0) throw new ValidationException(errors);

        rule.Name = name;
        rule.Kind = kind;
        rule.Metric = metric;
        rule.Aggregation = aggregation;
        rule.Filters = input.Filters ?? [];
        rule.SourceIds = sourceIds;
        rule.Op = op;
        rule.Threshold = input.Condition!.Threshold ?? 0;
        rule.Window = input.Condition.Window ?? "1h";
        rule.Hysteresis = input.Hysteresis ?? rule.Hysteresis;
        rule.PendingEvaluations = input.PendingEvaluations ?? rule.PendingEvaluations;
        rule.Channels = channels;
        rule.Enabled = input.Enabled ?? rule.Enabled;
    }

    internal static AlertRuleView View(AlertRule r) => new(
        r.Id, r.Name, r.Metric, r.Kind.ToString().ToLowerInvariant(), r.Aggregation, r.Filters, r.SourceIds,
        new AlertConditionView(OpWire(r.Op), r.Threshold, r.Window), r.Hysteresis, r.PendingEvaluations, r.Channels, r.Enabled,
        r.State.ToString().ToLowerInvariant(), r.LastValue, r.LastEvaluatedAt, r.LastError, r.OwnerId);

    private static string OpWire(AlertOp op) => op switch
    {
        AlertOp.Gt => "gt",
        AlertOp.Lt => "lt",
        AlertOp.ChangePct => "changePct",
        _ => "noData",
    };
}
