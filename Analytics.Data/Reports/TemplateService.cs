using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Reports;

public sealed record TemplateView(
    string Id, string Name, string Category, string ReportType, string? Description, string Sql,
    IReadOnlyList<ParameterDefinition> Parameters, JsonElement UiSchema, ReportConfig ReportConfig, IReadOnlyList<string> SourceKinds,
    bool BuiltIn, string OwnerId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version = 1)
{
    /// <summary>Whether reports of this template can run on a source of <paramref name="kind"/>.</summary>
    public bool Supports(SourceKind kind) => SourceKinds.Count == 0 || SourceKinds.Contains(kind.ToWire());
}

/// <summary>One version of a template as clients read it (<c>GET /templates/{id}/versions</c>).</summary>
public sealed record TemplateVersionView(string TemplateId, int Version, string Sql, IReadOnlyList<ParameterDefinition> Parameters,
    ReportConfig ReportConfig, IReadOnlyList<string> SourceKinds, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>
/// Report templates: everyone signed in reads them (they hold SQL, not data); analysts create them and edit their own,
/// admins edit all; built-ins are read-only (duplicate one to change it). A template in use keeps its result shape.
/// Each edit of what runs (SQL, parameters, reportConfig, source kinds) makes a new immutable
/// <see cref="ReportTemplateVersion"/>; reports keep running the version they pinned (<see cref="ReportService.AcceptTemplateVersionAsync"/>).
/// </summary>
public sealed class TemplateService(IDbContextFactory<AnalyticsDbContext> factory, TimeProvider clock)
{
    public async Task<IReadOnlyList<TemplateView>> ListAsync(Actor actor, string? category, string? reportType, string? sourceKind, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Templates.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(category)) query = query.Where(t => t.Category == category);
        if (!string.IsNullOrWhiteSpace(reportType)) query = query.Where(t => t.ReportType == reportType);
        var views = (await query.ToListAsync(ct)).Select(View);
        if (!string.IsNullOrWhiteSpace(sourceKind))
        {
            if (!SourceKinds.TryParse(sourceKind, out var kind)) throw new ValidationException("sourceKind", $"'{sourceKind}' is not a source kind.");
            views = views.Where(v => v.Supports(kind));
        }
        return views.OrderByDescending(v => v.BuiltIn).ThenBy(v => v.Category).ThenBy(v => v.Name).ToList();
    }

    public async Task<TemplateView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        return View(await FindAsync(db, id, ct));
    }

    /// <summary>The template with the executable parts (SQL, parameters, reportConfig, source kinds) of one of its versions.</summary>
    public async Task<TemplateView> GetAsync(Actor actor, string id, int version, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var template = await FindAsync(db, id, ct);
        var v = VersionView(await FindVersionAsync(db, id, version, ct));
        return View(template) with { Sql = v.Sql, Parameters = v.Parameters, ReportConfig = v.ReportConfig, SourceKinds = v.SourceKinds, Version = v.Version };
    }

    public async Task<TemplateView> CreateAsync(Actor actor, TemplateInput input, CancellationToken ct)
    {
        actor.EnsureCanAuthor("create report templates");
        var valid = TemplateRules.Validate(input);
        var now = clock.GetUtcNow();
        var template = new ReportTemplate { Id = Ids.New(), Name = valid.Name, Sql = valid.Sql, OwnerId = actor.UserId, CreatedAt = now };
        Apply(template, valid, now);
        await using var db = await factory.CreateDbContextAsync(ct);
        db.Templates.Add(template);
        db.TemplateVersions.Add(NewVersion(template, 1, actor.UserId, now));
        await db.SaveChangesAsync(ct);
        return View(template);
    }

    /// <summary>Every version of a template, newest first.</summary>
    public async Task<IReadOnlyList<TemplateVersionView>> ListVersionsAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await FindAsync(db, id, ct);
        var versions = await db.TemplateVersions.AsNoTracking().Where(v => v.TemplateId == id).OrderByDescending(v => v.Version).ToListAsync(ct);
        return versions.Select(VersionView).ToList();
    }

    public async Task<TemplateView> UpdateAsync(Actor actor, string id, TemplateInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var template = await FindAsync(db, id, ct);
        EnsureCanEdit(actor, template);
        var valid = TemplateRules.Validate(input);
        if (valid.Config.ToJson() != ReportConfig.FromJson(template.ReportConfigJson).ToJson()
            && await db.Reports.AnyAsync(r => r.TemplateId == id, ct))
            throw new ConflictException($"Template '{template.Name}' is used by reports, so its reportConfig (the result's shape) cannot change; duplicate the template instead.");
        var now = clock.GetUtcNow();
        await ApplyVersionedAsync(db, template, valid, actor.UserId, now, now, ct);
        await db.SaveChangesAsync(ct);
        return View(template);
    }

    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var template = await FindAsync(db, id, ct);
        EnsureCanEdit(actor, template);
        var used = await db.Reports.CountAsync(r => r.TemplateId == id, ct);
        if (used > 0) throw new ConflictException($"Template '{template.Name}' is used by {used} report{(used == 1 ? "" : "s")}; delete those first.");
        db.Templates.Remove(template);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Adds the built-in templates that are missing and refreshes the ones that changed — a change of what runs is a new
    /// version, which reports pinned to an earlier one take only when accepted. Idempotent.
    /// </summary>
    public async Task SeedBuiltInsAsync(CancellationToken ct)
    {
        await EnsureVersionsAsync(ct);
        await using var db = await factory.CreateDbContextAsync(ct);
        var existing = await db.Templates.Where(t => t.BuiltIn).ToDictionaryAsync(t => t.Id, ct);
        var now = clock.GetUtcNow();
        foreach (var builtIn in BuiltInTemplates.All)
        {
            var valid = TemplateRules.Validate(builtIn.Input);
            if (!existing.TryGetValue(builtIn.Id, out var template))
            {
                template = new ReportTemplate { Id = builtIn.Id, Name = valid.Name, Sql = valid.Sql, OwnerId = "system", CreatedAt = now, BuiltIn = true };
                Apply(template, valid, now);
                db.Templates.Add(template);
                db.TemplateVersions.Add(NewVersion(template, 1, "system", now));
                continue;
            }
            await ApplyVersionedAsync(db, template, valid, "system", template.UpdatedAt == default ? now : template.UpdatedAt, now, ct);
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Templates stored before templates had versions get their current parts as version 1 (which their reports pin by
    /// default). Idempotent; run at start.
    /// </summary>
    public async Task EnsureVersionsAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var missing = await db.Templates.Where(t => !db.TemplateVersions.Any(v => v.TemplateId == t.Id)).ToListAsync(ct);
        foreach (var template in missing)
        {
            template.Version = 1;
            db.TemplateVersions.Add(NewVersion(template, 1, template.OwnerId, template.UpdatedAt == default ? clock.GetUtcNow() : template.UpdatedAt));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>One version of a template (404 when it has no such version).</summary>
    internal static async Task<ReportTemplateVersion> FindVersionAsync(AnalyticsDbContext db, string templateId, int version, CancellationToken ct) =>
        await db.TemplateVersions.AsNoTracking().FirstOrDefaultAsync(v => v.TemplateId == templateId && v.Version == version, ct)
            ?? throw new NotFoundException("Template version", $"{templateId} v{version}");

    internal static async Task<ReportTemplate> FindAsync(AnalyticsDbContext db, string id, CancellationToken ct) =>
        await db.Templates.FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Template", id);

    private static void EnsureCanEdit(Actor actor, ReportTemplate template)
    {
        if (template.BuiltIn) throw new ForbiddenException($"'{template.Name}' is a built-in template; duplicate it to make changes.");
        if (!actor.CanEditOwnedBy(template.OwnerId)) throw new ForbiddenException($"Only the owner of '{template.Name}' or an admin can change it.");
    }

    /// <summary>
    /// Applies an edit (stamped <paramref name="updatedAt"/>); when what runs changed, the template's next version is
    /// recorded, made by <paramref name="by"/> at <paramref name="now"/>.
    /// </summary>
    private static async Task ApplyVersionedAsync(AnalyticsDbContext db, ReportTemplate template, ValidTemplate valid, string by,
        DateTimeOffset updatedAt, DateTimeOffset now, CancellationToken ct)
    {
        Apply(template, valid, updatedAt);
        var current = await db.TemplateVersions.AsNoTracking().FirstOrDefaultAsync(v => v.TemplateId == template.Id && v.Version == template.Version, ct);
        if (current is not null && current.Runs(template.Sql, template.ParametersJson, template.ReportConfigJson, template.SourceKindsJson)) return;
        var latest = await db.TemplateVersions.Where(v => v.TemplateId == template.Id).MaxAsync(v => (int?)v.Version, ct) ?? 0;
        template.Version = latest + 1;
        template.UpdatedAt = now;
        db.TemplateVersions.Add(NewVersion(template, template.Version, by, now));
    }

    private static ReportTemplateVersion NewVersion(ReportTemplate t, int version, string by, DateTimeOffset now) => new()
    {
        TemplateId = t.Id, Version = version, Sql = t.Sql, ParametersJson = t.ParametersJson, ReportConfigJson = t.ReportConfigJson,
        SourceKindsJson = t.SourceKindsJson, CreatedBy = by, CreatedAt = now,
    };

    public static TemplateVersionView VersionView(ReportTemplateVersion v) => new(v.TemplateId, v.Version, v.Sql, TemplateRules.ParseParameters(v.ParametersJson),
        ReportConfig.FromJson(v.ReportConfigJson), JsonSerializer.Deserialize<List<string>>(v.SourceKindsJson) ?? [], v.CreatedBy, v.CreatedAt);

    private static void Apply(ReportTemplate t, ValidTemplate valid, DateTimeOffset now)
    {
        t.Name = valid.Name;
        t.Category = valid.Category;
        t.ReportType = valid.ReportType;
        t.Description = valid.Description;
        t.Sql = valid.Sql;
        t.ParametersJson = TemplateRules.SerializeParameters(valid.Parameters);
        t.UiSchemaJson = valid.UiSchemaJson;
        t.ReportConfigJson = valid.Config.ToJson();
        t.SourceKindsJson = JsonSerializer.Serialize(valid.SourceKinds.Select(k => k.ToWire()));
        t.UpdatedAt = now;
    }

    public static TemplateView View(ReportTemplate t) => new(
        t.Id, t.Name, t.Category, t.ReportType, t.Description, t.Sql, TemplateRules.ParseParameters(t.ParametersJson),
        JsonDocument.Parse(string.IsNullOrWhiteSpace(t.UiSchemaJson) ? "{}" : t.UiSchemaJson).RootElement.Clone(),
        ReportConfig.FromJson(t.ReportConfigJson), JsonSerializer.Deserialize<List<string>>(t.SourceKindsJson) ?? [],
        t.BuiltIn, t.OwnerId, t.CreatedAt, t.UpdatedAt, t.Version);
}
