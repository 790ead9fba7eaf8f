using System.Text.Json;
using Analytics.Data.Audit;
using Analytics.Data.Sources.Connectors;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Reports;

/// <summary>A report as a client sends it (CONTRACT.md: <c>{ name, templateId, sourceId, parameters }</c>, plus an optional schedule).</summary>
public sealed record ReportInput(string? Name, string? TemplateId, string? SourceId, Dictionary<string, JsonElement>? Parameters, ReportSchedule? Schedule = null);

public sealed record ReportView(
    string Id, string Name, string TemplateId, string TemplateName, string SourceId, string SourceName, string SourceKind,
    Dictionary<string, JsonElement> Parameters, int? DatasetId, ReportSchedule? Schedule, string Frequency,
    DateTimeOffset? LastRunAt, DateTimeOffset? NextRunAt, string? LastStatus, long? LastRowCount, string? LastExecutionId,
    string OwnerId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int TemplateVersion, int TemplateCurrentVersion,
    int? LastAttempts = null, DateTimeOffset? LastNextAttemptAt = null)
{
    /// <summary>The template has a newer version than the one this report runs; its owner (or an admin) may accept it.</summary>
    public bool TemplateUpdateAvailable => TemplateCurrentVersion > TemplateVersion;
}

/// <summary><c>POST /reports/{id}/accept-template-version</c>: the version to run from now on (default: the newest), and parameter values for it when they must change.</summary>
public sealed record AcceptTemplateVersionInput(int? Version = null, Dictionary<string, JsonElement>? Parameters = null);

/// <summary>A report's pending template update: what accepting it would change, and whether the caller may accept it.</summary>
public sealed record TemplateUpdateView(string ReportId, string TemplateId, string TemplateName, TemplateChange Change, string Summary, bool CanAccept);

/// <summary>
/// Reports: a template bound to a source with parameter values. The instance rule holds everywhere: a user sees, runs
/// and edits only reports on instances granted to them (a report elsewhere is "not found"). Each report owns the
/// dataset its rows merge into, shaped by the template's <c>reportConfig</c>.
/// </summary>
public sealed class ReportService(IDbContextFactory<AnalyticsDbContext> factory, AuditLog audit, TimeProvider clock)
{
    public async Task<Page<ReportView>> ListAsync(Actor actor, PageRequest page, string? sourceId, string? search, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = Visible(db.Reports.AsNoTracking(), actor);
        if (!string.IsNullOrWhiteSpace(sourceId)) query = query.Where(r => r.SourceId == sourceId);
        if (!string.IsNullOrWhiteSpace(search)) query = query.Where(r => r.Name.ToLower().Contains(search.ToLower()));
        if (page.After is { } after) query = query.Where(r => string.Compare(r.Id, after) > 0);
        var reports = await query.OrderBy(r => r.Id).Take(page.Limit + 1).ToListAsync(ct);
        var views = await ViewsAsync(db, reports.Take(page.Limit).ToList(), ct);
        return new Page<ReportView>(views, reports.Count > page.Limit ? views[^1].Id : null);
    }

    public async Task<ReportView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return (await ViewsAsync(db, [await FindVisibleAsync(db, actor, id, ct)], ct))[0];
    }

    public async Task<ReportView> CreateAsync(Actor actor, ReportInput input, CancellationToken ct)
    {
        actor.EnsureCanAuthor("create reports");
        await using var db = await factory.CreateDbContextAsync(ct);
        var (template, source) = await ValidateAsync(db, actor, input, null, ct);
        var now = clock.GetUtcNow();
        var id = Ids.New();
        var config = ReportConfig.FromJson(template.ReportConfigJson);
        var (dimensions, measures) = config.ToDatasetFields();
        var dataset = new Dataset
        {
            Key = FactTableConnector.ReportDatasetPrefix + id, Name = input.Name!.Trim(), SourceId = source.Id, Grain = config.Grain.ToLowerInvariant(),
            Dimensions = dimensions, Measures = measures, CreatedAt = now, UpdatedAt = now,
        };
        dataset.Validate();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync(ct);
        var report = new Report
        {
            Id = id, Name = input.Name!.Trim(), TemplateId = template.Id, TemplateVersion = template.Version, SourceId = source.Id, DatasetId = dataset.Id,
            ParametersJson = JsonSerializer.Serialize(input.Parameters ?? [], TemplateRules.Json),
            ScheduleJson = input.Schedule is null ? null : JsonSerializer.Serialize(input.Schedule, TemplateRules.Json),
            OwnerId = actor.UserId, CreatedAt = now, UpdatedAt = now,
        };
        db.Reports.Add(report);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (await ViewsAsync(db, [report], ct))[0];
    }

    /// <summary>Name, parameters and schedule change; the template and source are fixed (they decide the dataset's shape and instance).</summary>
    public async Task<ReportView> UpdateAsync(Actor actor, string id, ReportInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await FindVisibleAsync(db, actor, id, ct);
        EnsureCanEdit(actor, report);
        if (input.TemplateId is { } t && t != report.TemplateId) throw new ValidationException("templateId", "A report's template cannot change; create a new report instead.");
        if (input.SourceId is { } s && s != report.SourceId) throw new ValidationException("sourceId", "A report's source cannot change; duplicate the report onto the other source.");
        await ValidateAsync(db, actor, input with { TemplateId = report.TemplateId, SourceId = report.SourceId }, report.TemplateVersion, ct);
        report.Name = input.Name!.Trim();
        report.ParametersJson = JsonSerializer.Serialize(input.Parameters ?? [], TemplateRules.Json);
        report.ScheduleJson = input.Schedule is null ? null : JsonSerializer.Serialize(input.Schedule, TemplateRules.Json);
        report.UpdatedAt = clock.GetUtcNow();
        await db.Datasets.Where(d => d.Id == report.DatasetId).ExecuteUpdateAsync(u => u.SetProperty(d => d.Name, report.Name), ct);
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db, [report], ct))[0];
    }

    /// <summary>
    /// Makes the report run a newer version of its template (by default the newest): only its owner or an admin may,
    /// since it changes the SQL sent to the report's instance. The report's parameter values (or the ones given) must
    /// bind to that version's parameters (400 naming <c>parameters.x</c>), and its result shape must be the report's
    /// (409). Recorded in the audit trail.
    /// </summary>
    public async Task<ReportView> AcceptTemplateVersionAsync(Actor actor, string id, AcceptTemplateVersionInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await FindVisibleAsync(db, actor, id, ct);
        if (!actor.CanEditOwnedBy(report.OwnerId))
            throw new ForbiddenException($"Only the owner of '{report.Name}' or an admin can accept a new version of its template: it changes the SQL the report runs.");
        var template = await TemplateService.FindAsync(db, report.TemplateId, ct);
        var wanted = input.Version ?? template.Version;
        if (wanted < 1 || wanted > template.Version) throw new ValidationException("version", $"Template '{template.Name}' has versions 1 to {template.Version}.");
        var pinned = await TemplateService.FindVersionAsync(db, report.TemplateId, report.TemplateVersion, ct);
        var next = await TemplateService.FindVersionAsync(db, report.TemplateId, wanted, ct);
        if (ReportConfig.FromJson(next.ReportConfigJson).ToJson() != ReportConfig.FromJson(pinned.ReportConfigJson).ToJson())
            throw new ConflictException($"Version {wanted} of '{template.Name}' returns a different result shape than the report's dataset; create a new report for it.");
        var parameters = input.Parameters ?? TemplateRules.ParseValues(report.ParametersJson);
        var source = await db.Sources.AsNoTracking().SingleAsync(s => s.Id == report.SourceId, ct);
        var kinds = JsonSerializer.Deserialize<List<string>>(next.SourceKindsJson) ?? [];
        if (kinds.Count > 0 && !kinds.Contains(source.Kind.ToWire()))
            throw new ValidationException("version", $"Version {wanted} of '{template.Name}' is written for {string.Join(", ", kinds)} sources; '{source.Name}' is {source.Kind.ToWire()}.");
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        ParameterBinder.Bind(TemplateRules.ParseParameters(next.ParametersJson), parameters, new DateSpan(today.AddDays(-7), today));

        var from = report.TemplateVersion;
        report.TemplateVersion = wanted;
        report.ParametersJson = JsonSerializer.Serialize(parameters, TemplateRules.Json);
        report.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.TemplateVersionAccepted, "report", report.Id,
            $"{report.Name}: template {template.Name} version {from} → {wanted}", ct);
        return (await ViewsAsync(db, [report], ct))[0];
    }

    /// <summary>What accepting the template's newest version would change for this report (null when it runs the newest).</summary>
    public async Task<TemplateUpdateView?> TemplateUpdateAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await FindVisibleAsync(db, actor, id, ct);
        var template = await TemplateService.FindAsync(db, report.TemplateId, ct);
        if (template.Version <= report.TemplateVersion) return null;
        var change = TemplateChange.Between(await TemplateService.FindVersionAsync(db, template.Id, report.TemplateVersion, ct),
            await TemplateService.FindVersionAsync(db, template.Id, template.Version, ct));
        return new TemplateUpdateView(report.Id, template.Id, template.Name, change, change.Summary, actor.CanEditOwnedBy(report.OwnerId));
    }

    /// <summary>Pauses or resumes the report's schedule; a resumed schedule's next run is computed by the scheduler's next pass.</summary>
    public async Task<ReportView> SetSchedulePausedAsync(Actor actor, string id, bool paused, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await FindVisibleAsync(db, actor, id, ct);
        EnsureCanEdit(actor, report);
        if (report.ScheduleJson is null) throw new ConflictException($"Report '{report.Name}' has no schedule to {(paused ? "pause" : "resume")}.");
        var schedule = JsonSerializer.Deserialize<ReportSchedule>(report.ScheduleJson, TemplateRules.Json)! with { Paused = paused };
        report.ScheduleJson = JsonSerializer.Serialize(schedule, TemplateRules.Json);
        report.NextRunAt = null;
        report.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return (await ViewsAsync(db, [report], ct))[0];
    }

    /// <summary>A copy with "(copy)" in its name and its own, empty dataset.</summary>
    public async Task<ReportView> DuplicateAsync(Actor actor, string id, CancellationToken ct)
    {
        ReportView original;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            original = (await ViewsAsync(db, [await FindVisibleAsync(db, actor, id, ct)], ct))[0];
        }
        var name = original.Name.Length > 190 ? original.Name[..190] : original.Name;
        return await CreateAsync(actor, new ReportInput($"{name} (copy)", original.TemplateId, original.SourceId, original.Parameters, original.Schedule), ct);
    }

    /// <summary>Deletes the report, its executions and its dataset with the facts merged into it.</summary>
    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await FindVisibleAsync(db, actor, id, ct);
        EnsureCanEdit(actor, report);
        if (await db.Executions.AnyAsync(e => e.ReportId == id && (e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running), ct))
            throw new ConflictException($"Report '{report.Name}' has an execution in progress; cancel it or wait for it to finish.");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Executions.Where(e => e.ReportId == id).ExecuteDeleteAsync(ct);
        await db.Reports.Where(r => r.Id == id).ExecuteDeleteAsync(ct);
        if (report.DatasetId is { } datasetId)
        {
            await db.Facts.Where(f => f.DatasetId == datasetId).ExecuteDeleteAsync(ct);
            await db.Set<FactRollup>().Where(r => r.DatasetId == datasetId).ExecuteDeleteAsync(ct);
            await db.Datasets.Where(d => d.Id == datasetId).ExecuteDeleteAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    /// <summary>How many fact rows the report's dataset holds: re-running a window must not change it.</summary>
    public async Task<long> StoredRowCountAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var report = await FindVisibleAsync(db, actor, id, ct);
        return report.DatasetId is { } datasetId ? await db.Facts.LongCountAsync(f => f.DatasetId == datasetId, ct) : 0;
    }

    /// <summary>The one place the instance rule becomes a report query.</summary>
    internal static IQueryable<Report> Visible(IQueryable<Report> reports, Actor actor) =>
        actor.IsAdmin ? reports : reports.Where(r => actor.InstanceIds.Contains(r.SourceId));

    internal static async Task<Report> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct)
    {
        var report = await db.Reports.FirstOrDefaultAsync(r => r.Id == id, ct);
        return report is not null && actor.CanReadInstance(report.SourceId) ? report : throw new NotFoundException("Report", id);
    }

    private static void EnsureCanEdit(Actor actor, Report report)
    {
        if (!actor.CanEditOwnedBy(report.OwnerId)) throw new ForbiddenException($"Only the owner of '{report.Name}' or an admin can change it.");
    }

    /// <summary>Checks a report's fields against its template — the newest version for a new report, <paramref name="pinnedVersion"/> for an existing one.</summary>
    private async Task<(ReportTemplate Template, DataSource Source)> ValidateAsync(AnalyticsDbContext db, Actor actor, ReportInput input, int? pinnedVersion, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200) errors["name"] = ["A report needs a name of 1 to 200 characters."];
        if (string.IsNullOrWhiteSpace(input.TemplateId)) errors["templateId"] = ["Choose a template."];
        if (string.IsNullOrWhiteSpace(input.SourceId)) errors["sourceId"] = ["Choose a source."];
        if (input.Schedule is { } schedule)
        {
            try { schedule.Validate(); }
            catch (ValidationException e) { foreach (var (k, v) in e.Errors) errors[k] = v; }
        }
        if (errors.Count > 0) throw new ValidationException(errors);

        var template = await db.Templates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == input.TemplateId, ct)
            ?? throw new ValidationException("templateId", $"There is no template '{input.TemplateId}'.");
        if (!actor.CanReadInstance(input.SourceId!)) throw new ValidationException("sourceId", $"There is no source '{input.SourceId}' you can use.");
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == input.SourceId, ct)
            ?? throw new ValidationException("sourceId", $"There is no source '{input.SourceId}' you can use.");
        var view = pinnedVersion is { } pinned ? TemplateService.VersionView(await TemplateService.FindVersionAsync(db, template.Id, pinned, ct)) : null;
        var kinds = view?.SourceKinds ?? TemplateService.View(template).SourceKinds;
        if (kinds.Count > 0 && !kinds.Contains(source.Kind.ToWire()))
            throw new ValidationException("sourceId", $"Template '{template.Name}' is written for {string.Join(", ", kinds)} sources; '{source.Name}' is {source.Kind.ToWire()}.");
        // The values are checked now against a sample window; date expressions resolve per run.
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        ParameterBinder.Bind(view?.Parameters ?? TemplateService.View(template).Parameters, input.Parameters, new DateSpan(today.AddDays(-7), today));
        return (template, source);
    }

    private static async Task<List<ReportView>> ViewsAsync(AnalyticsDbContext db, List<Report> reports, CancellationToken ct)
    {
        var templateIds = reports.Select(r => r.TemplateId).Distinct().ToList();
        var sourceIds = reports.Select(r => r.SourceId).Distinct().ToList();
        var reportIds = reports.Select(r => r.Id).ToList();
        var templates = await db.Templates.AsNoTracking().Where(t => templateIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => new { t.Name, t.Version }, ct);
        var sources = await db.Sources.AsNoTracking().Where(s => sourceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var latest = (await db.Executions.AsNoTracking().Where(e => reportIds.Contains(e.ReportId))
                .Select(e => new { e.ReportId, e.Id, e.Status, e.RowCount, e.CreatedAt, e.Attempts, e.NextAttemptAt }).ToListAsync(ct))
            .GroupBy(e => e.ReportId).ToDictionary(g => g.Key, g => g.MaxBy(e => e.CreatedAt)!);
        return reports.Select(r =>
        {
            var schedule = r.ScheduleJson is null ? null : JsonSerializer.Deserialize<ReportSchedule>(r.ScheduleJson, TemplateRules.Json);
            latest.TryGetValue(r.Id, out var last);
            var source = sources[r.SourceId];
            var template = templates.GetValueOrDefault(r.TemplateId);
            return new ReportView(r.Id, r.Name, r.TemplateId, template?.Name ?? r.TemplateId, r.SourceId, source.Name,
                source.Kind.ToWire(), TemplateRules.ParseValues(r.ParametersJson), r.DatasetId, schedule, schedule?.Describe() ?? "On demand",
                r.LastRunAt, r.NextRunAt, last is null ? null : ExecutionStatuses.ToWire(last.Status), last?.RowCount, last?.Id,
                r.OwnerId, r.CreatedAt, r.UpdatedAt, r.TemplateVersion, template?.Version ?? r.TemplateVersion,
                last?.Attempts, last is { Status: ExecutionStatus.Pending } ? last.NextAttemptAt : null);
        }).ToList();
    }
}
