namespace Analytics.Domain.Chat;

public enum ChatIntent { Query, TopN, Compare, Trend, Anomalies, ListMetrics, ListDimensions, ListDatasets, DescribeMetric, Help, Unknown, Forecast }

/// <summary>
/// What the offline planner understood a question to ask, in the terms of the semantic layer. It is stored with the
/// answer as the conversation's context, so the next turn can lean on it ("and by campaign?", "and the month before?").
/// </summary>
public sealed record ChatPlan
{
    public ChatIntent Intent { get; init; }
    public IReadOnlyList<string> Metrics { get; init; } = [];
    public IReadOnlyList<string> GroupBy { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Filters { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    /// <summary>Instances (source ids) the question is limited to; empty = every visible instance.</summary>
    public IReadOnlyList<string> SourceIds { get; init; } = [];
    public DateRange? Range { get; init; }
    public DateRange? CompareTo { get; init; }
    /// <summary><c>day</c>, <c>week</c>, <c>month</c> for trends; null otherwise.</summary>
    public string? Granularity { get; init; }
    public int? Limit { get; init; }
    /// <summary>For top/bottom N: largest first.</summary>
    public bool Descending { get; init; } = true;
    /// <summary>For forecasts: buckets ahead (of <see cref="Granularity"/> <c>day</c> or <c>week</c>); with granularity <c>month</c>, where the current month lands.</summary>
    public int? Horizon { get; init; }
    /// <summary>The metric a "describe" question is about.</summary>
    public string? Subject { get; init; }
}

/// <summary>The words the planner knows: the actor's catalog (metrics, dimensions and their values, instances).</summary>
public sealed record ChatVocabulary(IReadOnlyList<VocabularyMetric> Metrics, IReadOnlyList<VocabularyDimension> Dimensions, IReadOnlyList<VocabularyInstance> Instances);

public sealed record VocabularyMetric(string Name, string Label, string Description, string Format, bool HigherIsBetter);

public sealed record VocabularyDimension(string Name, string Label, IReadOnlyList<string> Values);

public sealed record VocabularyInstance(string Id, string Name);

/// <summary>The planner's verdict: a plan, or (when <see cref="Plan"/> is null) a plain statement that it did not understand.</summary>
public sealed record PlanOutcome(ChatPlan? Plan, string? NotUnderstood);
