using Analytics.Data.Dashboards;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Exports;

/// <summary>The parameters an export was made with, as the API shows them (enums as lower-case words).</summary>
public sealed record ExportParametersView(string Format, string? WidgetId, DateTimeOffset? Start, DateTimeOffset? End, string? Preset,
    IReadOnlyDictionary<string, List<string?>> Filters, string Page, string Orientation, string Layout, bool Summary, bool Underlying,
    IReadOnlyList<string>? Recipients = null);

/// <param name="Regenerates">True for a download: a re-download makes the file again from <see cref="Parameters"/> (the data may have changed since).</param>
/// <param name="CanRedownload">The export worked and there is something to re-download (a subscription run's file may not have been kept).</param>
public sealed record ExportRecordView(
    string Id, string UserId, string UserName, string DashboardId, string DashboardName, string? WidgetId, string? WidgetTitle, string Format,
    string Trigger, string? SubscriptionId, string? SubscriptionName, string? SubscriptionRunId, string? RedownloadOf, ExportParametersView Parameters,
    DateTimeOffset CreatedAt, long DurationMs, string? FileName, string? ContentType, long? SizeBytes, string Outcome, string? Error,
    bool Regenerates, bool CanRedownload, string? DownloadUrl);

/// <summary>Which records: the caller's own, or everyone's (<paramref name="All"/>, admins only); by dashboard and format.</summary>
public sealed record ExportHistoryQuery(bool All = false, string? DashboardId = null, string? Format = null);

/// <summary>
/// A re-download: either the bytes a subscription run kept (<see cref="Content"/>) or a freshly made file
/// (<see cref="File"/>, to dispose). <see cref="Note"/> says why there is neither.
/// </summary>
public sealed record ExportRedownload(string FileName, string ContentType, byte[]? Content, ExportFile? File, string? Note) : IAsyncDisposable
{
    public bool Regenerated => File is not null;

    public ValueTask DisposeAsync() => File?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// The export history (Superset's execution log, Grafana's reporting history): every dashboard export recorded by
/// <see cref="DashboardExportService"/>, listed newest first — a user sees their own, an admin may list everyone's —
/// re-downloaded (a subscription's kept file as it was mailed; a download made again with its stored parameters, as
/// the current user, who must still be able to open the dashboard), and purged after <c>Analytics:Exports:HistoryDays</c>.
/// </summary>
public sealed class ExportHistoryService(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    DashboardExportService dashboardExports,
    SubscriptionService subscriptions,
    ExportService exports,
    IOptions<ExportOptions> options,
    TimeProvider clock)
{
    public async Task<Page<ExportRecordView>> ListAsync(Actor actor, ExportHistoryQuery query, PageRequest page, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var dashboardId = string.IsNullOrWhiteSpace(query.DashboardId) ? null : query.DashboardId.Trim();
        if (dashboardId is { Length: > 64 }) errors["dashboardId"] = ["A dashboard id has at most 64 characters."];
        var format = string.IsNullOrWhiteSpace(query.Format) ? null : query.Format.Trim().ToLowerInvariant();
        if (format is not null && !exports.Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
            errors["format"] = [$"Format must be one of {string.Join(", ", exports.Formats)}."];
        if (errors.Count > 0) throw new ValidationException(errors);

        await using var db = await factory.CreateDbContextAsync(ct);
        var records = db.ExportRecords.AsNoTracking();
        if (!(query.All && actor.IsAdmin)) records = records.Where(r => r.UserId == actor.UserId);
        if (dashboardId is not null) records = records.Where(r => r.DashboardId == dashboardId);
        if (format is not null) records = records.Where(r => r.Format == format);
        if (page.After is { } after) records = records.Where(r => string.Compare(r.Id, after) < 0);
        var list = await records.OrderByDescending(r => r.Id).Take(page.Limit + 1).ToListAsync(ct);
        var more = list.Count > page.Limit;
        if (more) list.RemoveAt(list.Count - 1);

        var userIds = list.Select(r => r.UserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName, u.Email })
            .ToDictionaryAsync(u => u.Id, u => string.IsNullOrEmpty(u.DisplayName) ? u.Email ?? u.Id : u.DisplayName, ct);
        var runIds = list.Where(r => r.SubscriptionRunId is not null).Select(r => r.SubscriptionRunId!).Distinct().ToList();
        var kept = runIds.Count == 0 ? [] : (await db.SubscriptionRuns.AsNoTracking().Where(r => runIds.Contains(r.Id) && r.FileContent != null)
            .Select(r => r.Id).ToListAsync(ct)).ToHashSet();
        var items = list.Select(r => ToView(r, names.GetValueOrDefault(r.UserId, r.UserId),
            r.Trigger == ExportTriggers.Subscription ? r.SubscriptionRunId is not null && kept.Contains(r.SubscriptionRunId) : r.Parameters.CanRegenerate)).ToList();
        return new Page<ExportRecordView>(items, more ? items[^1].Id : null);
    }

    /// <summary>
    /// Re-downloads a record: its owner or an admin, and only while they may still open the dashboard (404 otherwise).
    /// A subscription's record answers the file the run kept; a download is made again with the stored parameters
    /// (same absolute range, filters, format and layout) as <paramref name="actor"/>, and recorded as a new download.
    /// </summary>
    public async Task<ExportRedownload> RedownloadAsync(Actor actor, string id, CancellationToken ct)
    {
        ExportRecord? record;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            record = await db.ExportRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        }
        if (record is null || !(actor.IsAdmin || record.UserId == actor.UserId)) throw new NotFoundException("Export", id);
        await dashboards.GetAsync(actor, record.DashboardId, ct); // unshared or deleted since: 404
        if (record.Outcome != ExportOutcomes.Ok) throw new NotFoundException("Export file", id);

        if (record.Trigger == ExportTriggers.Subscription)
        {
            if (record.SubscriptionRunId is null) throw new NotFoundException("Export file", id);
            var file = await subscriptions.FileAsync(actor, record.SubscriptionRunId, ct);
            return new ExportRedownload(file.FileName, file.ContentType, file.Content, null, file.Note);
        }

        var p = record.Parameters;
        if (!p.CanRegenerate) throw new NotFoundException("Export file", id);
        var request = new DashboardExportRequest(p.Format,
            new DashboardDataRequest(p.Start, p.End, Filters: p.Filters.Count == 0 ? null : p.Filters.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)f.Value)),
            p.WidgetId, new ExportPageOptions(p.PageSize, p.Orientation, p.Layout), p.Summary, p.Underlying);
        var rendered = await dashboardExports.RenderAsync(actor, record.DashboardId, request, ExportOrigin.Redownload(record.Id), ct);
        return new ExportRedownload(rendered.File.FileName, rendered.File.ContentType, null, rendered.File, null);
    }

    /// <summary>Deletes records older than <c>Analytics:Exports:HistoryDays</c>. Returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().AddDays(-options.Value.HistoryDays);
        await using var db = await factory.CreateDbContextAsync(ct);
        return await db.ExportRecords.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    private static ExportRecordView ToView(ExportRecord r, string userName, bool canRedownload)
    {
        var p = r.Parameters;
        canRedownload &= r.Outcome == ExportOutcomes.Ok;
        return new ExportRecordView(
            r.Id, r.UserId, userName, r.DashboardId, r.DashboardName, r.WidgetId, r.WidgetTitle, r.Format, r.Trigger, r.SubscriptionId,
            r.SubscriptionName, r.SubscriptionRunId, r.RedownloadOf,
            new ExportParametersView(p.Format, p.WidgetId, p.Start, p.End, p.Preset, p.Filters, p.PageSize.ToString().ToLowerInvariant(),
                p.Orientation.ToString().ToLowerInvariant(), p.Layout.ToString().ToLowerInvariant(), p.Summary, p.Underlying, p.Recipients),
            r.CreatedAt, r.DurationMs, r.FileName, r.ContentType, r.SizeBytes, r.Outcome, r.Error,
            Regenerates: r.Trigger != ExportTriggers.Subscription, CanRedownload: canRedownload,
            DownloadUrl: canRedownload ? $"/api/v1/exports/{r.Id}/download" : null);
    }
}
