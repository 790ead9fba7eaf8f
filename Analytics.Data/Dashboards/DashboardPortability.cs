using System.Text.Json.Nodes;
using Analytics.Data.Exports;
using Analytics.Data.Query;
using Analytics.Data.Sources;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Metrics;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>A dashboard file: the document, and the name a download gives it.</summary>
public sealed record PortableDashboardFile(PortableDashboard Document, string FileName);

/// <summary>
/// Dashboards as portable JSON documents (<see cref="PortableDashboard"/>): export what the actor may view; import as a
/// new dashboard of the importer's, in their own scope, after the whole file is resolved against what they can read and
/// validated as any save is — so a file with a problem creates nothing. Creating goes through
/// <see cref="DashboardService.CreateAsync"/>, so imports obey the same rules as every other new dashboard.
/// </summary>
public sealed class DashboardPortability(
    IDbContextFactory<AnalyticsDbContext> factory,
    DashboardService dashboards,
    CatalogService catalog,
    SourceConnectors connectors,
    TimeProvider clock)
{
    /// <summary>The dashboard as a portable document; 404 when the actor may not view it.</summary>
    public async Task<PortableDashboardFile> ExportAsync(Actor actor, string id, CancellationToken ct)
    {
        var view = await dashboards.GetAsync(actor, id, ct);
        var definition = DashboardService.ToDefinition(view) with { FolderId = null, Version = null };
        var document = PortableDashboard.From(definition, await WorkspaceAsync(actor, [], ct), clock.GetUtcNow());
        return new PortableDashboardFile(document, $"{ExportFileNames.Slug(view.Name)}.dashboard.json");
    }

    /// <summary>
    /// A new dashboard from <paramref name="document"/>, owned by <paramref name="actor"/> and outside any folder. Every
    /// problem of the file comes back at once as a 400 keyed by field (<c>widgets[3].config.query.metrics[0]</c>), and
    /// then nothing is created.
    /// </summary>
    public async Task<DashboardView> ImportAsync(Actor actor, PortableDashboard document, CancellationToken ct)
    {
        actor.EnsureCanAuthor("import dashboards");
        var series = (document.Widgets ?? []).Select(w => w.Config?["series"]?["metricName"])
            .Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null).OfType<string>().Distinct().ToList();
        var definition = document.ToDefinition(await WorkspaceAsync(actor, series, ct));
        return await dashboards.CreateAsync(actor, definition, ct);
    }

    /// <summary>The instances the actor can read, their catalog's names, and which of <paramref name="series"/> have been recorded.</summary>
    private async Task<PortableWorkspace> WorkspaceAsync(Actor actor, IReadOnlyList<string> series, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var sources = await SourceService.Visible(db.Sources.AsNoTracking(), actor).ToListAsync(ct);
        var instances = sources.Select(s => new PortableWorkspaceInstance(s.Id, s.Name, s.Kind.ToWire(), ExternalId(s))).ToList();
        var known = await catalog.GetAsync(actor, ct);
        var metrics = known.Metrics.Select(m => m.Name).Concat(BuiltInMetrics.All.Select(m => m.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var dimensions = known.Datasets.SelectMany(d => d.Dimensions).Select(d => d.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var datasets = known.Datasets.Select(d => new PortableWorkspaceDataset(d.Id, d.Key, d.SourceId)).ToList();
        IReadOnlySet<string> recorded = series.Count == 0
            ? new HashSet<string>()
            : (await db.MetricSeries.AsNoTracking().Where(s => series.Contains(s.Name)).Select(s => s.Name).Distinct().ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        return new PortableWorkspace(instances, metrics, dimensions, datasets, recorded);
    }

    private string? ExternalId(DataSource source)
    {
        if (!connectors.Has(source.Kind)) return null;
        JsonObject settings;
        try { settings = JsonNode.Parse(source.SettingsJson) as JsonObject ?? []; }
        catch (System.Text.Json.JsonException) { settings = []; }
        return connectors.Get(source.Kind).ExternalId(source.Id, settings);
    }
}
