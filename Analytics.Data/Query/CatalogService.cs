using System.Globalization;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Facts;
using Analytics.Domain.Metrics;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Query;

public sealed record CatalogDimension(string Name, string Label);

public sealed record CatalogMeasure(string Name, string Label, string Aggregation, bool Additive);

public sealed record CatalogDataset(string Id, string Key, string Name, string SourceId, string SourceName, string Grain,
    IReadOnlyList<CatalogDimension> Dimensions, IReadOnlyList<CatalogMeasure> Measures, long DataVersion);

/// <param name="Datasets">Ids of the visible datasets that have every base measure the metric needs (by name).</param>
public sealed record MetricView(string Name, string Label, string Description, string Formula, string Format, string? Unit,
    bool HigherIsBetter, bool Derived, bool BuiltIn, string? OwnerId, IReadOnlyList<string> BaseMeasures, IReadOnlyList<string> Datasets);

public sealed record Catalog(IReadOnlyList<CatalogDataset> Datasets, IReadOnlyList<MetricView> Metrics);

public sealed record MetricDefinitionInput(string? Name, string? Label, string? Description, string? Formula, string? Format, string? Unit, bool? HigherIsBetter);

/// <summary>
/// The semantic layer: the datasets an actor may see, with dimensions and measures, and every metric definition (built in
/// and custom) with the datasets it applies to. Custom metrics are authored by analysts and admins and validated whole.
/// </summary>
public sealed class CatalogService(IDbContextFactory<AnalyticsDbContext> factory)
{
    public async Task<Catalog> GetAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var sources = await SourceService.Visible(db.Sources.AsNoTracking(), actor).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var ids = sources.Select(s => s.Id).ToList();
        var datasets = await db.Datasets.AsNoTracking().Where(d => ids.Contains(d.SourceId)).OrderBy(d => d.SourceId).ThenBy(d => d.Id).ToListAsync(ct);
        var definitions = await db.MetricDefinitions.AsNoTracking().ToListAsync(ct);
        var names = sources.ToDictionary(s => s.Id, s => s.Name);
        var views = datasets.Select(d => new CatalogDataset(
            d.Id.ToString(CultureInfo.InvariantCulture), d.Key, d.Name, d.SourceId, names[d.SourceId], d.Grain,
            d.Dimensions.OrderBy(x => x.Slot).Select(x => new CatalogDimension(x.Name, x.Label)).ToList(),
            d.Measures.OrderBy(x => x.Slot).Select(x => new CatalogMeasure(x.Name, x.Label, x.Aggregation.ToString().ToLowerInvariant(), x.Additive)).ToList(),
            d.DataVersion)).ToList();

        // Measures without a definition of their own (e.g. a CSV source's "reach") are metrics too.
        var implicitMeasures = datasets.SelectMany(d => d.Measures)
            .Where(m => !definitions.Any(x => x.Name.Equals(m.Name, StringComparison.OrdinalIgnoreCase)))
            .GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new MetricDefinition { Name = g.Key.ToLowerInvariant(), Label = g.First().Label, Formula = g.Key.ToLowerInvariant(), Format = "number" });
        var all = definitions.Concat(implicitMeasures).ToList();
        var resolver = new MetricResolver(all);
        var metrics = all
            .OrderBy(m => m.BuiltIn ? 0 : 1).ThenBy(m => m.IsDerived ? 1 : 0).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => View(m, resolver, datasets)).ToList();
        return new Catalog(views, metrics);
    }

    public async Task<Page<MetricView>> ListDefinitionsAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var definitions = await db.MetricDefinitions.AsNoTracking().ToListAsync(ct);
        var datasets = await VisibleDatasetsAsync(db, actor, ct);
        var resolver = new MetricResolver(definitions);
        var ordered = definitions.OrderBy(m => m.Name, StringComparer.Ordinal).Where(m => page.After is null || string.CompareOrdinal(m.Name, page.After) > 0).ToList();
        var items = ordered.Take(page.Limit).Select(m => View(m, resolver, datasets)).ToList();
        return new Page<MetricView>(items, ordered.Count > page.Limit ? items[^1].Name : null);
    }

    public async Task<MetricView> GetDefinitionAsync(Actor actor, string name, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var definitions = await db.MetricDefinitions.AsNoTracking().ToListAsync(ct);
        var definition = definitions.FirstOrDefault(m => m.Name == name.ToLowerInvariant()) ?? throw new NotFoundException("Metric", name);
        return View(definition, new MetricResolver(definitions), await VisibleDatasetsAsync(db, actor, ct));
    }

    public async Task<MetricView> CreateDefinitionAsync(Actor actor, MetricDefinitionInput input, CancellationToken ct)
    {
        actor.EnsureCanAuthor("define metrics");
        await using var db = await factory.CreateDbContextAsync(ct);
        var name = input.Name?.Trim().ToLowerInvariant() ?? "";
        var definitions = await db.MetricDefinitions.ToListAsync(ct);
        if (definitions.Any(m => m.Name == name)) throw new ConflictException($"A metric named '{name}' already exists.");
        var formula = input.Formula?.Trim() ?? "";
        var definition = new MetricDefinition
        {
            Name = name, Label = input.Label?.Trim() ?? name, Description = input.Description?.Trim() ?? "", Formula = formula,
            Format = input.Format?.Trim().ToLowerInvariant() ?? "number", Unit = string.IsNullOrWhiteSpace(input.Unit) ? null : input.Unit.Trim(),
            HigherIsBetter = input.HigherIsBetter ?? true, IsDerived = !formula.Equals(name, StringComparison.OrdinalIgnoreCase), BuiltIn = false, OwnerId = actor.UserId,
        };
        MetricResolver.ValidateDefinition(definition, definitions, await KnownMeasuresAsync(db, ct));
        db.MetricDefinitions.Add(definition);
        await db.SaveChangesAsync(ct);
        definitions.Add(definition);
        return View(definition, new MetricResolver(definitions), await VisibleDatasetsAsync(db, actor, ct));
    }

    public async Task<MetricView> UpdateDefinitionAsync(Actor actor, string name, MetricDefinitionInput input, CancellationToken ct)
    {
        actor.EnsureCanAuthor("change metrics");
        await using var db = await factory.CreateDbContextAsync(ct);
        var definitions = await db.MetricDefinitions.ToListAsync(ct);
        var definition = definitions.FirstOrDefault(m => m.Name == name.ToLowerInvariant()) ?? throw new NotFoundException("Metric", name);
        EnsureEditable(actor, definition);
        if (input.Name is { } rename && !rename.Trim().Equals(definition.Name, StringComparison.OrdinalIgnoreCase))
            throw new ValidationException("name", "A metric cannot be renamed; create a new one and delete this one.");
        if (input.Label is not null) definition.Label = input.Label.Trim();
        if (input.Description is not null) definition.Description = input.Description.Trim();
        if (input.Formula is not null) definition.Formula = input.Formula.Trim();
        if (input.Format is not null) definition.Format = input.Format.Trim().ToLowerInvariant();
        if (input.Unit is not null) definition.Unit = input.Unit.Trim().Length == 0 ? null : input.Unit.Trim();
        if (input.HigherIsBetter is { } higher) definition.HigherIsBetter = higher;
        definition.IsDerived = !definition.Formula.Equals(definition.Name, StringComparison.OrdinalIgnoreCase);
        MetricResolver.ValidateDefinition(definition, definitions, await KnownMeasuresAsync(db, ct));
        await db.SaveChangesAsync(ct);
        return View(definition, new MetricResolver(definitions), await VisibleDatasetsAsync(db, actor, ct));
    }

    public async Task DeleteDefinitionAsync(Actor actor, string name, CancellationToken ct)
    {
        actor.EnsureCanAuthor("delete metrics");
        await using var db = await factory.CreateDbContextAsync(ct);
        var definitions = await db.MetricDefinitions.ToListAsync(ct);
        var definition = definitions.FirstOrDefault(m => m.Name == name.ToLowerInvariant()) ?? throw new NotFoundException("Metric", name);
        EnsureEditable(actor, definition);
        var users = definitions.Where(m => m != definition && ReferencesSafely(m).Contains(definition.Name, StringComparer.OrdinalIgnoreCase)).Select(m => m.Name).ToList();
        if (users.Count > 0) throw new ConflictException($"Metric '{definition.Name}' is used by {string.Join(", ", users)}; change or delete those first.");
        db.MetricDefinitions.Remove(definition);
        await db.SaveChangesAsync(ct);
    }

    private static void EnsureEditable(Actor actor, MetricDefinition definition)
    {
        if (definition.BuiltIn) throw new ForbiddenException($"'{definition.Name}' is a built-in metric and cannot be changed or deleted.");
        if (!actor.CanEditOwnedBy(definition.OwnerId ?? "")) throw new ForbiddenException($"Only the author of '{definition.Name}' or an admin can change it.");
    }

    private static IReadOnlyList<string> ReferencesSafely(MetricDefinition m)
    {
        try { return Formula.Parse(m.Formula).References(); }
        catch (FormulaException) { return []; }
    }

    private static async Task<List<Dataset>> VisibleDatasetsAsync(AnalyticsDbContext db, Actor actor, CancellationToken ct)
    {
        var ids = await SourceService.Visible(db.Sources.AsNoTracking(), actor).Select(s => s.Id).ToListAsync(ct);
        return await db.Datasets.AsNoTracking().Where(d => ids.Contains(d.SourceId)).OrderBy(d => d.SourceId).ThenBy(d => d.Id).ToListAsync(ct);
    }

    /// <summary>Measures any formula may name: those of every dataset, and the built-in base measures.</summary>
    private static async Task<IReadOnlySet<string>> KnownMeasuresAsync(AnalyticsDbContext db, CancellationToken ct)
    {
        var measures = await db.Datasets.AsNoTracking().Select(d => d.Measures).ToListAsync(ct);
        var names = measures.SelectMany(m => m).Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        names.UnionWith(BuiltInMetrics.All.Where(m => !m.IsDerived).Select(m => m.Name));
        return names;
    }

    private static MetricView View(MetricDefinition m, MetricResolver resolver, IReadOnlyList<Dataset> datasets)
    {
        IReadOnlyList<string> baseMeasures;
        try { baseMeasures = resolver.Resolve(m.Name).BaseMeasures; }
        catch (ValidationException) { baseMeasures = []; }
        var applies = baseMeasures.Count == 0
            ? []
            : datasets.Where(d => baseMeasures.All(b => d.Measure(b) is not null)).Select(d => d.Id.ToString(CultureInfo.InvariantCulture)).ToList();
        return new MetricView(m.Name, m.Label, m.Description, m.Formula, m.Format, m.Unit, m.HigherIsBetter, m.IsDerived, m.BuiltIn, m.OwnerId, baseMeasures, applies);
    }
}
