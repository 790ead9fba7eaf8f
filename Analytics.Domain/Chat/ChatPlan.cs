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
    /// <summary>An average per <c>day</c> or <c>week</c> ("average daily spend in August"): the total over the days with data, divided.</summary>
    public string? Per { get; init; }
    /// <summary>Each group's share of the total ("share of spend by campaign").</summary>
    public bool Share { get; init; }
}

/// <summary>The words the planner knows: the actor's catalog (metrics, dimensions and their values, instances).</summary>
/// <param name="Coverage">The days that have data for the asker (dates without a year lean on it); null when unknown or none.</param>
public sealed record ChatVocabulary(IReadOnlyList<VocabularyMetric> Metrics, IReadOnlyList<VocabularyDimension> Dimensions, IReadOnlyList<VocabularyInstance> Instances,
    DataCoverage? Coverage = null);

public sealed record VocabularyMetric(string Name, string Label, string Description, string Format, bool HigherIsBetter);

public sealed record VocabularyDimension(string Name, string Label, IReadOnlyList<string> Values);

public sealed record VocabularyInstance(string Id, string Name);

/// <summary>
/// The planner's verdict: a plan, or (when <see cref="Plan"/> is null) a plain statement that it did not understand,
/// or a short question back (<see cref="Clarify"/>) when the words fit more than one reading.
/// </summary>
public sealed record PlanOutcome(ChatPlan? Plan, string? NotUnderstood, ChatClarification? Clarify = null);

/// <summary>A clarifying question with one choice per likely reading; each choice asks the question again, unambiguously.</summary>
public sealed record ChatClarification(string Question, IReadOnlyList<ChatChoice> Choices);

/// <summary>A button under a clarifying question: its label, and the question it asks.</summary>
public sealed record ChatChoice(string Label, string Question);
