using System.Security.Cryptography;
using System.Text;

namespace Analytics.Domain.Insights;

public enum InsightType { Trend, Anomaly, Summary, Opportunity }

public enum InsightPriority { Low, Medium, High, Critical }

/// <summary>
/// Something the product noticed, stored so the feed, the bell and the API tell the same story. One insight per
/// (type, instance, metric, segment, period): finding it again updates it (<see cref="Key"/> is unique).
/// </summary>
public sealed class Insight
{
    public required string Id { get; init; }
    /// <summary>Hash of type, instance, metric, segment and period: the idempotency key.</summary>
    public required string Key { get; init; }
    public InsightType Type { get; init; }
    /// <summary>The instance (source) it is about; only actors who can read it see it.</summary>
    public required string SourceId { get; init; }
    public required string Dataset { get; init; }
    /// <summary>Dimension the segment belongs to (e.g. <c>campaign</c>), or empty for the whole instance.</summary>
    public required string SegmentDimension { get; init; }
    /// <summary>The segment's value (a campaign name), or empty for the whole instance.</summary>
    public required string Segment { get; init; }
    public required string Metric { get; init; }
    public DateOnly PeriodStart { get; init; }
    /// <summary>Last day of the period, inclusive.</summary>
    public DateOnly PeriodEnd { get; init; }
    /// <summary>Relative size of the change (2.5 = +250%, −0.9 = −90%).</summary>
    public double Magnitude { get; set; }
    /// <summary>0..1: how sure the detector is (1 − p, or the z-score's normal confidence).</summary>
    public double Confidence { get; set; }
    public InsightPriority Priority { get; set; }
    public string Title { get; set; } = "";
    /// <summary>Plain language with the numbers.</summary>
    public string Text { get; set; } = "";
    /// <summary>A <c>POST /api/v1/query</c> body (JSON) that charts what the insight is about.</summary>
    public string ChartQuery { get; set; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static string KeyOf(InsightType type, string sourceId, string metric, string segmentDimension, string segment, DateOnly start, DateOnly end)
    {
        var text = string.Join('\u001f', type, sourceId, metric, segmentDimension, segment, start.ToString("O"), end.ToString("O"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>One user's marks on one insight.</summary>
public sealed class InsightUserState
{
    public required string InsightId { get; init; }
    public required string UserId { get; init; }
    public DateTimeOffset? ReadAt { get; set; }
    public DateTimeOffset? DismissedAt { get; set; }
    public DateTimeOffset? PinnedAt { get; set; }
}

/// <summary>
/// What one user wants to be told about as insights appear: which types, from which priority up, and whether at all.
/// Without a choice: every type, critical only, at once — the default the product started with.
/// </summary>
public sealed record InsightNotificationPreferences
{
    public IReadOnlyList<InsightType> Types { get; init; } = [InsightType.Anomaly, InsightType.Trend, InsightType.Summary, InsightType.Opportunity];
    public InsightPriority MinPriority { get; init; } = InsightPriority.Critical;
    /// <summary><c>immediately</c>, or <c>off</c> (the feed still lists everything).</summary>
    public string Frequency { get; init; } = "immediately";

    public static readonly string[] Frequencies = ["immediately", "off"];

    public static InsightNotificationPreferences Default { get; } = new();

    public bool Wants(InsightType type, InsightPriority priority) =>
        Frequency == "immediately" && Types.Contains(type) && priority >= MinPriority;

    public void Validate()
    {
        if (!Frequencies.Contains(Frequency))
            throw new ValidationException("insights.frequency", $"'{Frequency}' is not a frequency; use immediately or off.");
    }
}
