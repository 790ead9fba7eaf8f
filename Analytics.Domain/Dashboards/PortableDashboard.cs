using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Analytics.Domain.Dashboards;

/// <summary>
/// A dashboard as a portable document (<c>GET /dashboards/{id}/export?format=json</c>, <c>POST /dashboards/import</c>):
/// the definition without anything that only means something in one workspace. Instances are named, not given by id
/// (<see cref="PortableInstance"/>: name, kind and the id the instance has outside this app), under <c>query.instances</c>
/// of a widget and <c>instances</c> of the instance filter; metrics, dimensions and datasets are named as the catalog
/// names them. <see cref="ToDefinition"/> resolves a document against the importer's workspace and reports every problem
/// at once, keyed by field as <see cref="DashboardDefinition.Validate"/> keys them.
/// </summary>
public sealed record PortableDashboard
{
    /// <summary>What <see cref="Document"/> says in every dashboard file.</summary>
    public const string DocumentKind = "analytics.dashboard";

    /// <summary>The format this version writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The largest dashboard file the UI reads (100 widgets of settings fit many times over).</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    public string? Document { get; init; }
    public int? FormatVersion { get; init; }
    public DateTimeOffset? ExportedAt { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public int? RefreshSeconds { get; init; }
    public DashboardSettings? Settings { get; init; }
    public IReadOnlyList<PortableFilter>? Filters { get; init; }
    public IReadOnlyList<PortableWidget>? Widgets { get; init; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A document from a file's text; a 400 keyed <c>file</c> saying why when it is not one.</summary>
    public static PortableDashboard Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<PortableDashboard>(text, Json)
                ?? throw new ValidationException("file", "The file is empty; choose a dashboard file exported as JSON.");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at {path.TrimStart('$', '.')}" : "";
            throw new ValidationException("file", $"This is not a dashboard JSON file: the JSON is malformed or has a value of the wrong kind{where} (line {(e.LineNumber ?? 0) + 1}).");
        }
    }

    /// <summary>
    /// The document of <paramref name="definition"/>: widgets' pinned instances and the instance filter's values become
    /// <see cref="PortableInstance"/>s (the <paramref name="workspace"/>'s instances by id; an instance the exporter cannot see is given by
    /// its id alone), and a dataset given by its local id becomes its key.
    /// </summary>
    public static PortableDashboard From(DashboardDefinition definition, PortableWorkspace workspace, DateTimeOffset now)
    {
        PortableInstance Describe(string id) =>
            workspace.Instances.FirstOrDefault(i => i.Id == id) is { } known ? new PortableInstance(known.Name, known.Kind, known.ExternalId) : new PortableInstance(null, null, id);

        var filters = (definition.Filters ?? []).Select(f => f.Dimension == DashboardFilter.Instance
            ? new PortableFilter(f.Dimension, Instances: (f.Values ?? []).OfType<string>().Select(Describe).ToList())
            : new PortableFilter(f.Dimension, f.Values, null, f.Preset, f.Start, f.End)).ToList();
        var widgets = (definition.Widgets ?? []).Select(w =>
        {
            var config = JsonSerializer.SerializeToNode(w.Config ?? new WidgetConfig(), DashboardDefinition.Json)!.AsObject();
            if (config["query"] is JsonObject query)
            {
                var ids = w.Config?.Query?.SourceIds?.OfType<string>().ToList() ?? [];
                query.Remove("sourceIds");
                if (query["dataset"] is JsonValue d && d.TryGetValue<string>(out var dataset) && workspace.DatasetKey(dataset) is { } key)
                {
                    query["dataset"] = key.Key;
                    // "source/key" or a local id named one source's dataset: it stays that source's.
                    if (key.SourceId is { } only && ids.Count == 0) ids = [only];
                }
                if (ids.Count > 0) query["instances"] = JsonSerializer.SerializeToNode(ids.Select(Describe).ToList(), Json);
            }
            return new PortableWidget(w.Id, w.Type, w.Position, config);
        }).ToList();
        return new PortableDashboard
        {
            Document = DocumentKind, FormatVersion = CurrentVersion, ExportedAt = now,
            Name = definition.Name, Description = definition.Description, RefreshSeconds = definition.RefreshSeconds,
            Settings = definition.Settings, Filters = filters, Widgets = widgets,
        };
    }

    /// <summary>
    /// The dashboard this document describes, in <paramref name="workspace"/>: instances resolved to the importer's,
    /// metrics, dimensions, datasets and operational metrics checked to exist there, then the definition validated as any
    /// save is. Throws one <see cref="ValidationException"/> naming every field at fault (<c>formatVersion</c>,
    /// <c>widgets[3].config.query.metrics[0]</c>, <c>widgets[1].config.query.instances[0]</c>, <c>widgets[2].type</c>, …).
    /// </summary>
    public DashboardDefinition ToDefinition(PortableWorkspace workspace)
    {
        var errors = new Dictionary<string, string[]>();
        if (Document is not null && Document != DocumentKind)
            errors["document"] = [$"This is not a dashboard file (it says '{Document}'); export one with Export as JSON on a dashboard."];
        if (FormatVersion is not { } version)
            errors["formatVersion"] = [$"Required: the file's format version (this app reads {CurrentVersion}); export the dashboard again with Export as JSON."];
        else if (version > CurrentVersion)
            errors["formatVersion"] = [$"This file has format version {version}, written by a newer version of Analytics; this one reads up to version {CurrentVersion}. Upgrade this app, or export the dashboard from an app of the same version."];
        else if (version < 1)
            errors["formatVersion"] = [$"Format version {version} does not exist; this app reads version {CurrentVersion}."];

        var filters = new List<DashboardFilter>();
        var portableFilters = Filters ?? [];
        for (var i = 0; i < portableFilters.Count; i++)
        {
            var f = portableFilters[i];
            if (f.Dimension == DashboardFilter.Instance)
            {
                var ids = Resolve(f.Instances ?? [], $"filters[{i}].instances", workspace, errors);
                filters.Add(new DashboardFilter(f.Dimension, ids.Cast<string?>().ToList()));
            }
            else filters.Add(new DashboardFilter(f.Dimension, f.Values, f.Preset, f.Start, f.End));
        }

        var widgets = new List<WidgetDefinition>();
        var portableWidgets = Widgets ?? [];
        for (var i = 0; i < portableWidgets.Count; i++)
        {
            var w = portableWidgets[i];
            widgets.Add(new WidgetDefinition { Id = w.Id, Type = w.Type, Position = w.Position, Config = ConfigOf(w.Config, $"widgets[{i}].config", workspace, errors) });
        }

        var definition = new DashboardDefinition
        {
            Name = Name, Description = Description, RefreshSeconds = RefreshSeconds, Settings = Settings, Filters = filters, Widgets = widgets,
        };
        try
        {
            definition.Validate();
        }
        catch (ValidationException v)
        {
            // What resolving found comes first: it says more than a shape check of the same field.
            foreach (var (field, messages) in v.Errors) errors.TryAdd(field, messages);
        }
        if (errors.Count > 0) throw new ValidationException(errors);
        return definition;
    }

    private static WidgetConfig? ConfigOf(JsonObject? portable, string at, PortableWorkspace workspace, Dictionary<string, string[]> errors)
    {
        if (portable is null) return null;
        var config = portable.DeepClone().AsObject();
        if (config["query"] is JsonObject query)
        {
            if (query.ContainsKey("sourceIds"))
                errors[$"{at}.query.sourceIds"] = ["A dashboard file names instances under query.instances ({ name, kind, externalId }), not by this workspace's ids."];
            List<PortableInstance> instances = [];
            if (query["instances"] is { } node)
            {
                try { instances = node.Deserialize<List<PortableInstance>>(Json) ?? []; }
                catch (JsonException) { errors[$"{at}.query.instances"] = ["A list of instances, each { name, kind, externalId }."]; }
            }
            query.Remove("instances");
            var ids = Resolve(instances, $"{at}.query.instances", workspace, errors);
            if (ids.Count > 0) query["sourceIds"] = new JsonArray(ids.Select(JsonNode? (id) => JsonValue.Create(id)).ToArray());
            CheckNames(query, at, workspace, errors);
        }
        if (config["series"] is JsonObject series && series["metricName"] is JsonValue m && m.TryGetValue<string>(out var metric)
            && !string.IsNullOrWhiteSpace(metric) && !workspace.Series.Contains(metric.Trim()))
            errors[$"{at}.series.metricName"] = [$"No operational metric '{metric}' has been recorded here; send its points to /metrics/ingest first, or choose another metric."];
        try
        {
            return config.Deserialize<WidgetConfig>(DashboardDefinition.Json);
        }
        catch (JsonException e)
        {
            errors.TryAdd(at, [$"Not a widget's settings: a value has the wrong kind{(e.Path is { Length: > 1 } p ? $" at {p.TrimStart('$', '.')}" : "")}."]);
            return null;
        }
    }

    /// <summary>Metrics, group-by and filter dimensions, sort columns and the dataset, by name against the importer's catalog.</summary>
    private static void CheckNames(JsonObject query, string at, PortableWorkspace workspace, Dictionary<string, string[]> errors)
    {
        var metrics = Strings(query["metrics"]);
        for (var j = 0; j < metrics.Count; j++)
        {
            if (metrics[j] is { } name && name.Trim().Length > 0 && !workspace.Metrics.Contains(name.Trim()))
                errors[$"{at}.query.metrics[{j}]"] = [$"Unknown metric '{name}': no metric or measure of the instances you can read has that name. Define it under Metrics, or change the file to one of {Sample(workspace.Metrics)}."];
        }
        var groupBy = Strings(query["groupBy"]);
        for (var j = 0; j < groupBy.Count; j++)
        {
            if (groupBy[j] is { } name && name.Trim().Length > 0 && !workspace.Dimensions.Contains(name.Trim()))
                errors[$"{at}.query.groupBy[{j}]"] = [$"Unknown dimension '{name}': no dataset of the instances you can read has it; use one of {Sample(workspace.Dimensions)}."];
        }
        if (query["filters"] is JsonObject filters)
        {
            foreach (var (name, _) in filters)
            {
                if (name.Trim().Length > 0 && !workspace.Dimensions.Contains(name.Trim()))
                    errors[$"{at}.query.filters.{name}"] = [$"Unknown dimension '{name}': no dataset of the instances you can read has it."];
            }
        }
        if (query["dataset"] is JsonValue d && d.TryGetValue<string>(out var dataset) && !string.IsNullOrWhiteSpace(dataset)
            && !workspace.Datasets.Any(x => x.Key.Equals(dataset.Trim(), StringComparison.OrdinalIgnoreCase)))
            errors[$"{at}.query.dataset"] = [$"No dataset '{dataset}' on the instances you can read; remove dataset from the file or name one of {Sample(workspace.Datasets.Select(x => x.Key))}."];
    }

    private static List<string?> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).ToList() : [];

    private static string Sample(IEnumerable<string> names)
    {
        var list = names.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        return list.Count == 0 ? "(none: no instance is granted to you)" : string.Join(", ", list.Take(12)) + (list.Count > 12 ? ", …" : "");
    }

    private static List<string> Resolve(IReadOnlyList<PortableInstance> instances, string at, PortableWorkspace workspace, Dictionary<string, string[]> errors)
    {
        var ids = new List<string>();
        for (var j = 0; j < instances.Count; j++)
        {
            var (id, problem) = workspace.Resolve(instances[j]);
            if (id is not null) ids.Add(id);
            else errors[$"{at}[{j}]"] = [problem!];
        }
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }
}

/// <summary>An instance as a dashboard file names it: by the id it has outside this app (AMC instance id) where it has one, else by name and kind.</summary>
public sealed record PortableInstance(string? Name, string? Kind = null, string? ExternalId = null)
{
    public override string ToString() => Name is { Length: > 0 } name ? $"'{name}'" : $"'{ExternalId}'";
}

/// <summary>A dashboard filter in a file: as <see cref="DashboardFilter"/>, with the instance filter's instances named.</summary>
public sealed record PortableFilter(string? Dimension, IReadOnlyList<string?>? Values = null, IReadOnlyList<PortableInstance>? Instances = null,
    string? Preset = null, DateTimeOffset? Start = null, DateTimeOffset? End = null);

/// <summary>A widget in a file: its type, place on the grid and settings (<c>config.query.instances</c> instead of <c>sourceIds</c>).</summary>
public sealed record PortableWidget(string? Id, string? Type, WidgetPosition? Position, JsonObject? Config);

/// <summary>One instance of a workspace as files name it.</summary>
public sealed record PortableWorkspaceInstance(string Id, string Name, string Kind, string? ExternalId);

/// <summary>A dataset of a workspace: its local id, key and instance.</summary>
public sealed record PortableWorkspaceDataset(string Id, string Key, string SourceId);

/// <summary>
/// What a dashboard file is resolved against: the instances the importer can read (or the exporter can see), and the
/// metric, dimension and dataset names of their catalog, and the operational metrics a file asks for that exist.
/// </summary>
public sealed record PortableWorkspace(
    IReadOnlyList<PortableWorkspaceInstance> Instances,
    IReadOnlySet<string> Metrics,
    IReadOnlySet<string> Dimensions,
    IReadOnlyList<PortableWorkspaceDataset> Datasets,
    IReadOnlySet<string> Series)
{
    /// <summary>
    /// The importer's instance a file names: by kind and external id when the file gives one, else by name (and kind);
    /// an instance the importer cannot read is not found (as elsewhere, its existence is not revealed).
    /// </summary>
    public (string? Id, string? Problem) Resolve(PortableInstance instance)
    {
        var kind = instance.Kind?.Trim();
        var candidates = Instances.Where(i => string.IsNullOrEmpty(kind) || i.Kind.Equals(kind, StringComparison.OrdinalIgnoreCase)).ToList();
        if (instance.ExternalId is { Length: > 0 } external)
        {
            var byExternal = candidates.Where(i => i.ExternalId is not null && i.ExternalId.Equals(external.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
            if (byExternal.Count == 1) return (byExternal[0].Id, null);
            if (byExternal.Count > 1) return (null, $"More than one of your instances is {instance}; keep one of them or ask an admin.");
            if (string.IsNullOrWhiteSpace(instance.Name))
                return (null, $"No instance {instance} that you can read exists here; ask an admin for access to it, or change the file to one of {Names()}.");
        }
        if (string.IsNullOrWhiteSpace(instance.Name)) return (null, "Name the instance: { name, kind, externalId }.");
        var byName = candidates.Where(i => i.Name.Trim().Equals(instance.Name.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count switch
        {
            1 => (byName[0].Id, null),
            0 => (null, $"No instance {instance}{(kind is { Length: > 0 } ? $" ({kind})" : "")} that you can read exists here; ask an admin for access to it, or change the file to one of {Names()}."),
            _ => (null, $"More than one of your instances is called {instance}; give its externalId in the file."),
        };
    }

    private string Names() => Instances.Count == 0 ? "yours (none is granted to you)" : string.Join(", ", Instances.Select(i => $"'{i.Name}'").Order(StringComparer.Ordinal));

    /// <summary>A dataset given by its local id, or as <c>source/key</c>: its key, and the one instance it belongs to. Null when <paramref name="dataset"/> is already a key.</summary>
    public (string Key, string? SourceId)? DatasetKey(string dataset)
    {
        var byId = Datasets.FirstOrDefault(d => d.Id == dataset);
        if (byId is not null) return (byId.Key, byId.SourceId);
        var slash = dataset.IndexOf('/');
        if (slash > 0 && Datasets.FirstOrDefault(d => d.SourceId == dataset[..slash] && d.Key.Equals(dataset[(slash + 1)..], StringComparison.OrdinalIgnoreCase)) is { } pair)
            return (pair.Key, pair.SourceId);
        return null;
    }
}
