using Analytics.Data.Query;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat.Egress;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Chat;

/// <summary>One instance's data-sharing mode as admins see it: its own setting, or the default.</summary>
public sealed record ChatEgressInstanceView(string SourceId, string SourceName, string Mode, bool IsDefault, string? UpdatedBy, DateTimeOffset? UpdatedAt);

public sealed record ChatEgressAuditView(string Id, string UserId, string? UserEmail, string? ConversationId, string Mode, string Model, string Endpoint,
    int RequestBytes, string RequestSha256, string? RequestContent, int ResponseBytes, string ResponseSha256, string? ResponseContent,
    int? PromptTokens, int? CompletionTokens, int Redactions, int Aliases, string Outcome, string? Error, double DurationMs, DateTimeOffset CreatedAt);

/// <summary>What may leave for one question: the mode in force, the aliasing map (anonymized, schema-only) and the redactor.</summary>
public sealed record ChatEgressPolicy(ChatEgressMode Mode, ChatEgressNotice Notice, IReadOnlyList<string> Instances, EgressAliasMap? Aliases, EgressRedactor Redactor)
{
    public bool SendsRows => Mode is ChatEgressMode.Anonymized or ChatEgressMode.Full;
}

/// <summary>
/// Data-sharing modes per instance (admins set them; the strictest of the instances in a question wins), the policy of
/// one question, and the audit of every call to an external model (admins read it; the retention job purges it).
/// The instances "in a question" are those the asking user can read: the model may query any of them.
/// </summary>
public sealed class ChatEgressService(
    IDbContextFactory<AnalyticsDbContext> factory,
    CatalogService catalog,
    ChatVocabularyService vocabulary,
    IOptions<ChatOptions> chatOptions,
    IOptions<ChatEgressOptions> options,
    TimeProvider clock)
{
    public bool UsesExternalModel => chatOptions.Value.UsesModel;

    private async Task<Dictionary<string, ChatEgressMode>> ConfiguredAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.Set<ChatEgressSetting>().AsNoTracking().ToDictionaryAsync(s => s.SourceId, s => s.Mode, ct);
    }

    /// <summary>The mode that applies to what <paramref name="actor"/> may ask about now (the chat panel's badge).</summary>
    public async Task<ChatEgressNotice> NoticeAsync(Actor actor, CancellationToken ct)
    {
        if (!UsesExternalModel) return ChatEgressModes.Notice(ChatEgressMode.None, external: false);
        var instances = (await catalog.GetAsync(actor, ct)).Datasets.Select(d => d.SourceId).Distinct().ToList();
        return ChatEgressModes.Notice(ChatEgressModes.Resolve(instances, await ConfiguredAsync(ct), options.Value.Default), external: true);
    }

    /// <summary>The policy for one question: the strictest mode of the instances involved, the alias map built from the user's vocabulary.</summary>
    public async Task<ChatEgressPolicy> PolicyAsync(ChatToolContext context, CancellationToken ct)
    {
        var c = await catalog.GetAsync(context.Actor, ct);
        var instances = c.Datasets.Select(d => d.SourceId).Distinct().Order(StringComparer.Ordinal).ToList();
        var mode = ChatEgressModes.Resolve(instances, await ConfiguredAsync(ct), options.Value.Default);
        EgressAliasMap? aliases = null;
        if (mode is ChatEgressMode.Anonymized or ChatEgressMode.SchemaOnly)
        {
            var vocab = await vocabulary.GetAsync(context, ct);
            aliases = EgressAliasMap.Build(options.Value.AliasedDimensions, vocab.Dimensions.Select(d => (d.Name, (IEnumerable<string>)d.Values)),
                vocab.Instances.Select(i => (i.Id, i.Name)));
        }
        return new ChatEgressPolicy(mode, ChatEgressModes.Notice(mode, external: true), instances, aliases, new EgressRedactor([context.Actor.UserId]));
    }

    public async Task<IReadOnlyList<ChatEgressInstanceView>> ListAsync(Actor actor, CancellationToken ct)
    {
        actor.EnsureAdmin("see the chat's data-sharing modes");
        await using var db = await factory.CreateDbContextAsync(ct);
        var settings = await db.Set<ChatEgressSetting>().AsNoTracking().ToDictionaryAsync(s => s.SourceId, ct);
        var sources = await db.Sources.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var fallback = options.Value.Default.ToWire();
        return sources.Select(s => settings.TryGetValue(s.Id, out var set)
            ? new ChatEgressInstanceView(s.Id, s.Name, set.Mode.ToWire(), false, set.UpdatedBy, set.UpdatedAt)
            : new ChatEgressInstanceView(s.Id, s.Name, fallback, true, null, null)).ToList();
    }

    /// <summary>Sets one instance's mode; <c>null</c> (or <c>default</c>) removes the setting so the default applies.</summary>
    public async Task<ChatEgressInstanceView> SetAsync(Actor actor, string sourceId, string? mode, CancellationToken ct)
    {
        actor.EnsureAdmin("change the chat's data-sharing modes");
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, ct) ?? throw new NotFoundException("Source", sourceId);
        var existing = await db.Set<ChatEgressSetting>().FirstOrDefaultAsync(s => s.SourceId == sourceId, ct);
        if (mode is null || string.Equals(mode.Trim(), "default", StringComparison.OrdinalIgnoreCase))
        {
            if (existing is not null) db.Remove(existing);
            await db.SaveChangesAsync(ct);
            return new ChatEgressInstanceView(source.Id, source.Name, options.Value.Default.ToWire(), true, null, null);
        }
        var parsed = ChatEgressModes.Parse(mode, "mode");
        var now = clock.GetUtcNow();
        if (existing is null) db.Add(existing = new ChatEgressSetting { SourceId = sourceId, Mode = parsed, UpdatedBy = actor.UserId, UpdatedAt = now });
        else
        {
            existing.Mode = parsed;
            existing.UpdatedBy = actor.UserId;
            existing.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        return new ChatEgressInstanceView(source.Id, source.Name, parsed.ToWire(), false, actor.UserId, now);
    }

    internal async Task RecordAsync(ChatEgressAuditEntry entry)
    {
        // Written even when the answer was cancelled: every call that left must be on record.
        await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
        db.Add(entry);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    internal bool StoresContent => options.Value.StoresContent;

    public async Task<Page<ChatEgressAuditView>> AuditAsync(Actor actor, string? userId, PageRequest page, CancellationToken ct)
    {
        actor.EnsureAdmin("read the external-model audit");
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Set<ChatEgressAuditEntry>().AsNoTracking();
        if (!string.IsNullOrWhiteSpace(userId)) query = query.Where(a => a.UserId == userId);
        if (page.After is not null) query = query.Where(a => string.Compare(a.Id, page.After) < 0);
        var items = await query.OrderByDescending(a => a.Id).Take(page.Limit + 1)
            .Select(a => new ChatEgressAuditView(a.Id, a.UserId, db.Users.Where(u => u.Id == a.UserId).Select(u => u.Email).FirstOrDefault(), a.ConversationId,
                a.Mode, a.Model, a.Endpoint, a.RequestBytes, a.RequestSha256, a.RequestContent, a.ResponseBytes, a.ResponseSha256, a.ResponseContent,
                a.PromptTokens, a.CompletionTokens, a.Redactions, a.Aliases, a.Outcome, a.Error, a.DurationMs, a.CreatedAt)).ToListAsync(ct);
        var more = items.Count > page.Limit;
        if (more) items.RemoveAt(items.Count - 1);
        return new Page<ChatEgressAuditView>(items, more ? items[^1].Id : null);
    }

    /// <summary>Deletes audit entries older than <c>Analytics:Chat:Egress:AuditRetentionDays</c>. Returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.AuditRetentionDays);
        return await db.Set<ChatEgressAuditEntry>().Where(a => a.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }
}
