using Analytics.Domain.Sources;

namespace Analytics.Data.Sources;

/// <summary>The registry of source kinds: one connector per <see cref="SourceKind"/>.</summary>
public sealed class SourceConnectors(IEnumerable<ISourceConnector> connectors)
{
    private readonly Dictionary<SourceKind, ISourceConnector> _byKind = connectors.ToDictionary(c => c.Kind);

    public ISourceConnector Get(SourceKind kind) =>
        _byKind.TryGetValue(kind, out var connector)
            ? connector
            : throw new InvalidOperationException($"No connector is registered for source kind '{kind.ToWire()}'.");

    public bool Has(SourceKind kind) => _byKind.ContainsKey(kind);
}
