using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Sources;

public sealed record DatasetView(int Id, string Key, string Name, string Grain, IReadOnlyList<DimensionField> Dimensions,
    IReadOnlyList<MeasureField> Measures, long DataVersion, long? RowCount);

/// <summary>
/// A source as the API shows it. <see cref="Settings"/> never holds a secret: secrets are null, <c>secretsSet</c> lists those
/// stored, and a connector may add plain descriptions of them (PostgreSQL: <c>connectionStringRedacted</c>).
/// </summary>
public sealed record SourceView(string Id, string Name, string Kind, string? Description, DateTimeOffset CreatedAt, IReadOnlyList<DatasetView> Datasets,
    JsonObject Settings, string OwnerId, DateTimeOffset UpdatedAt);

/// <summary>A source as a client sends it (CONTRACT.md: <c>{ name, kind, settings }</c>, plus <c>description</c>).</summary>
public sealed record SourceInput(string? Name, string? Kind, JsonObject? Settings, string? Description = null);

/// <summary>
/// Data sources (instances) and their datasets. Everyone reads only the sources they may see (<see cref="Visible"/>; a
/// source not granted is "not found"); only admins create, change and delete sources, since a source's settings reach
/// outside the app (files, database servers, AMC credentials). Settings are validated by the kind's connector and its
/// secrets encrypted at rest (<see cref="SourceSecrets"/>). A source with reports cannot be deleted (409 naming them).
/// </summary>
public sealed class SourceService(IDbContextFactory<AnalyticsDbContext> factory, SourceConnectors connectors, SourceSecrets secrets, AuditLog audit, TimeProvider clock)
{
    public async Task<Page<SourceView>> ListAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = Visible(db.Sources.AsNoTracking(), actor).OrderBy(s => s.Id).AsQueryable();
        if (page.After is { } after) query = query.Where(s => string.Compare(s.Id, after) > 0);
        var sources = await query.Take(page.Limit + 1).ToListAsync(ct);
        var ids = sources.Select(s => s.Id).ToList();
        var datasets = await db.Datasets.AsNoTracking().Where(d => ids.Contains(d.SourceId)).ToListAsync(ct);
        var views = sources.Take(page.Limit)
            .Select(s => View(s, datasets.Where(d => d.SourceId == s.Id).OrderBy(d => d.Id).Select(d => View(d, null))))
            .ToList();
        return new Page<SourceView>(views, sources.Count > page.Limit ? views[^1].Id : null);
    }

    public async Task<SourceView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await FindVisibleAsync(db, actor, id, ct);
        return await ViewAsync(db, source, ct);
    }

    public async Task<SourceView> CreateAsync(Actor actor, SourceInput input, CancellationToken ct)
    {
        actor.EnsureAdmin("create sources");
        var errors = new Dictionary<string, string[]>();
        ValidateCommon(input, errors);
        var kind = SourceKind.Demo;
        if (string.IsNullOrWhiteSpace(input.Kind) || !SourceKinds.TryParse(input.Kind, out kind) || !connectors.Has(kind))
            errors["kind"] = [$"'{input.Kind}' is not a source kind; use one of {string.Join(", ", CreatableKinds())}."];
        else if (connectors.Get(kind).BuiltIn)
            errors["kind"] = [$"'{kind.ToWire()}' sources are built in (the demo workspace is seeded at start) and cannot be created; use one of {string.Join(", ", CreatableKinds())}."];
        if (errors.Count > 0) throw new ValidationException(errors);

        var connector = connectors.Get(kind);
        var settings = Clean(input.Settings ?? []);
        connector.ValidateSettings(settings);
        await connector.ValidateAccessAsync(settings, ct);
        var now = clock.GetUtcNow();
        var name = input.Name!.Trim();
        var source = new DataSource
        {
            Id = Ids.New(), Name = name, Kind = kind, Description = Description(input),
            SettingsJson = secrets.Protect(kind, connector.WithPublicSettings(settings)).ToJsonString(),
            OwnerId = actor.UserId, CreatedAt = now, UpdatedAt = now,
        };
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Sources.Add(source);
        db.Datasets.AddRange(connector.OwnedDatasets(source.Id, name, settings, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await audit.RecordAsync(actor, AuditActions.SourceCreated, "source", source.Id,
            $"'{name}' ({kind.ToWire()}); settings: {string.Join(", ", settings.Select(p => p.Key).Order(StringComparer.Ordinal))}", ct);
        return await ViewAsync(db, source, ct);
    }

    /// <summary>
    /// Name, description and settings change; the kind does not. A secret left out (or null, or empty) keeps its stored
    /// value; <c>settings</c> left out keeps all settings. The shape of a CSV source's rows changes only while it holds none.
    /// </summary>
    public async Task<SourceView> UpdateAsync(Actor actor, string id, SourceInput input, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await FindVisibleAsync(db, actor, id, ct);
        actor.EnsureAdmin("change sources");
        var errors = new Dictionary<string, string[]>();
        ValidateCommon(input, errors);
        if (input.Kind is { } kind && (!SourceKinds.TryParse(kind, out var parsed) || parsed != source.Kind))
            errors["kind"] = [$"A source's kind cannot change ('{source.Name}' is {source.Kind.ToWire()}); create a new source instead."];
        if (errors.Count > 0) throw new ValidationException(errors);

        var connector = connectors.Get(source.Kind);
        JsonObject settings;
        try
        {
            settings = input.Settings is null ? secrets.Unprotect(source) : secrets.MergeForUpdate(source, Clean(input.Settings));
        }
        catch (SourceQueryException e)
        {
            throw new ValidationException("settings", e.Message);
        }
        connector.ValidateSettings(settings);
        if (input.Settings is not null) await connector.ValidateAccessAsync(settings, ct);
        var changed = new List<string>();
        if (source.Name != input.Name!.Trim()) changed.Add("name");
        if (source.Description != Description(input)) changed.Add("description");
        changed.AddRange(secrets.ChangedSettings(source, connector.WithPublicSettings(settings)).Select(k => $"settings.{k}"));
        var now = clock.GetUtcNow();
        source.Name = input.Name!.Trim();
        source.Description = Description(input);
        source.SettingsJson = secrets.Protect(source.Kind, connector.WithPublicSettings(settings)).ToJsonString();
        source.UpdatedAt = now;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var wanted in connector.OwnedDatasets(source.Id, source.Name, settings, now))
        {
            var existing = await db.Datasets.FirstOrDefaultAsync(d => d.SourceId == source.Id && d.Key == wanted.Key, ct);
            if (existing is null)
            {
                db.Datasets.Add(wanted);
                continue;
            }
            existing.Name = wanted.Name;
            existing.UpdatedAt = now;
            if (Shape(existing) == Shape(wanted)) continue;
            if (await db.Facts.AnyAsync(f => f.DatasetId == existing.Id, ct))
                throw new ConflictException($"Source '{source.Name}' holds rows in the old shape; the shape of its rows cannot change while it holds any. Create a new source for the new shape.");
            existing.Grain = wanted.Grain;
            existing.Dimensions = wanted.Dimensions;
            existing.Measures = wanted.Measures;
        }
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await audit.RecordAsync(actor, AuditActions.SourceUpdated, "source", source.Id,
            $"'{source.Name}' ({source.Kind.ToWire()}); changed: {(changed.Count == 0 ? "nothing" : string.Join(", ", changed))}", ct);
        return await ViewAsync(db, source, ct);
    }

    /// <summary>Deletes the source with its datasets, facts and grants. A source that reports run on answers 409 naming them: delete those first.</summary>
    public async Task DeleteAsync(Actor actor, string id, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await FindVisibleAsync(db, actor, id, ct);
        actor.EnsureAdmin("delete sources");
        var reports = await db.Reports.AsNoTracking().Where(r => r.SourceId == id).OrderBy(r => r.Name).Select(r => r.Name).Take(11).ToListAsync(ct);
        if (reports.Count > 0)
        {
            var names = string.Join(", ", reports.Take(10).Select(n => $"'{n}'")) + (reports.Count > 10 ? " and more" : "");
            throw new ConflictException($"Source '{source.Name}' has reports: {names}. Delete them first; they own datasets on this source.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var datasetIds = await db.Datasets.Where(d => d.SourceId == id).Select(d => d.Id).ToListAsync(ct);
        await db.Facts.Where(f => datasetIds.Contains(f.DatasetId)).ExecuteDeleteAsync(ct);
        await db.Set<FactRollup>().Where(r => datasetIds.Contains(r.DatasetId)).ExecuteDeleteAsync(ct);
        await db.Datasets.Where(d => d.SourceId == id).ExecuteDeleteAsync(ct);
        await db.InstanceGrants.Where(g => g.SourceId == id).ExecuteDeleteAsync(ct);
        await db.Sources.Where(s => s.Id == id).ExecuteDeleteAsync(ct);
        await transaction.CommitAsync(ct);
        await audit.RecordAsync(actor, AuditActions.SourceDeleted, "source", id, $"'{source.Name}' ({source.Kind.ToWire()})", ct);
    }

    /// <summary>The one place the instance rule becomes a query: admins see all, others their grants.</summary>
    internal static IQueryable<DataSource> Visible(IQueryable<DataSource> sources, Actor actor) =>
        actor.IsAdmin ? sources : sources.Where(s => actor.InstanceIds.Contains(s.Id));

    /// <summary>The source if the actor may see it; "not found" otherwise, so a hidden source's existence is not revealed.</summary>
    internal static async Task<DataSource> FindVisibleAsync(AnalyticsDbContext db, Actor actor, string id, CancellationToken ct) =>
        await Visible(db.Sources, actor).FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Source", id);

    private IEnumerable<string> CreatableKinds() =>
        Enum.GetValues<SourceKind>().Where(k => connectors.Has(k) && !connectors.Get(k).BuiltIn).Select(k => k.ToWire());

    private static void ValidateCommon(SourceInput input, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 200) errors["name"] = ["A source needs a name of 1 to 200 characters."];
        if (input.Description is { Length: > 2000 }) errors["description"] = ["At most 2000 characters."];
    }

    private static string? Description(SourceInput input) => string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();

    /// <summary>What GET adds is not input: <c>secretsSet</c> and descriptions the connector derives are dropped and derived again.</summary>
    private static JsonObject Clean(JsonObject settings)
    {
        var copy = (JsonObject)settings.DeepClone();
        copy.Remove("secretsSet");
        foreach (var derived in copy.Where(p => p.Key.EndsWith("Redacted", StringComparison.Ordinal)).Select(p => p.Key).ToList()) copy.Remove(derived);
        return copy;
    }

    private static string Shape(Dataset d) => JsonSerializer.Serialize(new { d.Grain, d.Dimensions, d.Measures });

    private async Task<SourceView> ViewAsync(AnalyticsDbContext db, DataSource source, CancellationToken ct)
    {
        var datasets = await db.Datasets.AsNoTracking().Where(d => d.SourceId == source.Id).OrderBy(d => d.Id).ToListAsync(ct);
        var views = new List<DatasetView>();
        foreach (var dataset in datasets)
        {
            var rows = await db.Facts.LongCountAsync(f => f.DatasetId == dataset.Id, ct);
            views.Add(View(dataset, rows));
        }
        return View(source, views);
    }

    private SourceView View(DataSource s, IEnumerable<DatasetView> datasets) =>
        new(s.Id, s.Name, s.Kind.ToWire(), s.Description, s.CreatedAt, datasets.ToList(), secrets.Redact(s), s.OwnerId, s.UpdatedAt);

    private static DatasetView View(Dataset d, long? rows) =>
        new(d.Id, d.Key, d.Name, d.Grain, d.Dimensions, d.Measures, d.DataVersion, rows);
}
