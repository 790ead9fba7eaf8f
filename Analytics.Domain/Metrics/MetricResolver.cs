using System.Text.RegularExpressions;

namespace Analytics.Domain.Metrics;

/// <summary>A metric ready to compute: its formula with every metric inlined, so it references base measures only.</summary>
public sealed record ResolvedMetric(string Name, MetricDefinition? Definition, Formula Formula, IReadOnlyList<string> BaseMeasures)
{
    /// <summary>True when the metric is one base measure as stored (no arithmetic).</summary>
    public bool IsBaseMeasure => Formula is Formula.Reference;
}

/// <summary>
/// Turns metric names into formulas over base measures. A name is a metric definition (inlined recursively, with cycle
/// detection) or else a base measure. A definition whose formula is its own name (the built-in <c>spend</c>) is the
/// base measure of that name.
/// </summary>
public sealed partial class MetricResolver
{
    public static readonly IReadOnlyList<string> Formats = ["number", "integer", "currency", "percent", "ratio"];

    private readonly Dictionary<string, MetricDefinition> _definitions;
    private readonly Dictionary<string, Formula> _parsed = new(StringComparer.OrdinalIgnoreCase);

    public MetricResolver(IEnumerable<MetricDefinition> definitions)
    {
        _definitions = new Dictionary<string, MetricDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in definitions) _definitions[definition.Name] = definition;
    }

    public IReadOnlyCollection<MetricDefinition> Definitions => _definitions.Values;

    public MetricDefinition? Definition(string name) => _definitions.GetValueOrDefault(name);

    /// <summary>Resolves <paramref name="name"/>; throws <see cref="ValidationException"/> for a cycle or a formula that does not parse.</summary>
    public ResolvedMetric Resolve(string name, string field = "metrics")
    {
        var key = name.Trim().ToLowerInvariant();
        var formula = Expand(key, [], field);
        return new ResolvedMetric(key, Definition(key), formula, formula.References());
    }

    private Formula Expand(string name, List<string> path, string field)
    {
        if (!_definitions.TryGetValue(name, out var definition)) return new Formula.Reference(name);
        var formula = Parsed(definition, field);
        if (formula is Formula.Reference self && self.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return self;
        if (path.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new ValidationException(field, $"Metric '{name}' refers to itself: {string.Join(" → ", path.Append(name))}.");
        path.Add(name);
        var expanded = formula.Substitute(r => Expand(r.Name, path, field));
        path.RemoveAt(path.Count - 1);
        return expanded;
    }

    private Formula Parsed(MetricDefinition definition, string field)
    {
        if (_parsed.TryGetValue(definition.Name, out var formula)) return formula;
        try
        {
            formula = Formula.Parse(definition.Formula);
        }
        catch (FormulaException e)
        {
            throw new ValidationException(field, $"Metric '{definition.Name}' has a bad formula: {e.Message}");
        }
        _parsed[definition.Name] = formula;
        return formula;
    }

    /// <summary>
    /// Validates a custom definition against the others and the measures known to the catalog: name pattern, format,
    /// unit, a formula that parses and references only known measures or metrics, and no cycle. Throws
    /// <see cref="ValidationException"/> listing every problem.
    /// </summary>
    public static void ValidateDefinition(MetricDefinition candidate, IEnumerable<MetricDefinition> others, IReadOnlySet<string> knownMeasures)
    {
        var errors = new Dictionary<string, string[]>();
        if (!NamePattern().IsMatch(candidate.Name ?? ""))
            errors["name"] = ["Use 1-64 characters: a lowercase letter, then lowercase letters, digits or '_'."];
        if (string.IsNullOrWhiteSpace(candidate.Label) || candidate.Label.Length > 200) errors["label"] = ["A label of 1-200 characters is required."];
        if (!Formats.Contains(candidate.Format)) errors["format"] = [$"Format must be one of {string.Join(", ", Formats)}."];
        if (candidate.Unit is { Length: > 20 }) errors["unit"] = ["The unit is at most 20 characters."];
        if (candidate.Description.Length > 1000) errors["description"] = ["The description is at most 1000 characters."];

        Formula? formula = null;
        try
        {
            formula = Formula.Parse(candidate.Formula ?? "");
        }
        catch (FormulaException e)
        {
            errors["formula"] = [e.Message];
        }
        if (formula is not null && errors.Count == 0)
        {
            var all = others.Where(o => !o.Name.Equals(candidate.Name, StringComparison.OrdinalIgnoreCase)).Append(candidate).ToList();
            var names = all.Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unknown = formula.References().Where(r => !names.Contains(r) && !knownMeasures.Contains(r)).ToList();
            if (formula is Formula.Reference only && only.Name.Equals(candidate.Name, StringComparison.OrdinalIgnoreCase) && !knownMeasures.Contains(only.Name))
                unknown = [only.Name];
            if (unknown.Count > 0)
            {
                errors["formula"] = [$"Unknown measure or metric: {string.Join(", ", unknown)}."];
            }
            else
            {
                try
                {
                    new MetricResolver(all).Resolve(candidate.Name!, "formula");
                }
                catch (ValidationException e)
                {
                    errors["formula"] = e.Errors.SelectMany(x => x.Value).ToArray();
                }
            }
        }
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();
}
