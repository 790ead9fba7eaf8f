using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Sources;

public sealed record DatasetView(int Id, string Key, string Name, string Grain, IReadOnlyList<DimensionField> Dimensions,
    IReadOnlyList<MeasureField> Measures, long DataVersion, long? RowCount);

public sealed record SourceView(string Id, string Name, string Kind, string? Description, DateTimeOffset CreatedAt, IReadOnlyList<DatasetView> Datasets);

/// <summary>Reads data sources (instances) and their datasets, only those the actor may see.</summary>
public sealed class SourceService(IDbContextFactory<AnalyticsDbContext> factory)
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
        actor.EnsureCanReadInstance(id);
        await using var db = await factory.CreateDbContextAsync(ct);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("Source", id);
        var datasets = await db.Datasets.AsNoTracking().Where(d => d.SourceId == id).OrderBy(d => d.Id).ToListAsync(ct);
        var views = new List<DatasetView>();
        foreach (var dataset in datasets)
        {
            var rows = await db.Facts.LongCountAsync(f => f.DatasetId == dataset.Id, ct);
            views.Add(View(dataset, rows));
        }
        return View(source, views);
    }

    /// <summary>The one place the instance rule becomes a query: admins see all, others their grants.</summary>
    internal static IQueryable<DataSource> Visible(IQueryable<DataSource> sources, Actor actor) =>
        actor.IsAdmin ? sources : sources.Where(s => actor.InstanceIds.Contains(s.Id));

    private static SourceView View(DataSource s, IEnumerable<DatasetView> datasets) =>
        new(s.Id, s.Name, s.Kind.ToWire(), s.Description, s.CreatedAt, datasets.ToList());

    private static DatasetView View(Dataset d, long? rows) =>
        new(d.Id, d.Key, d.Name, d.Grain, d.Dimensions, d.Measures, d.DataVersion, rows);
}
