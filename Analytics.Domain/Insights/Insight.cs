using System.Security.Cryptography;
using System.Text;

namespace Analytics.Domain.Insights;

public enum InsightType { Trend, Anomaly, Summary, Opportunity, Forecast }

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
    /// <summary>The dashboard a dashboard summary is about; null for instance-level insights.</summary>
    public string? DashboardId { get; init; }
    /// <summary>
    /// Every instance the insight's numbers come from, as <c>,a,b,</c>, when it spans more than <see cref="SourceId"/>
    /// (a dashboard summary over several instances); null otherwise. Only actors who can read all of them see it.
    /// </summary>
    public string? Scope { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The instances the insight covers: <see cref="Scope"/>'s, or just <see cref="SourceId"/>.</summary>
    public IReadOnlyList<string> Instances =>
        Scope is { Length: > 0 } s ? s.Split(',', StringSplitOptions.RemoveEmptyEntries) : [SourceId];

    public static string ScopeOf(IEnumerable<string> instances) => "," + string.Join(',', instances.Order(StringComparer.Ordinal)) + ",";

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

/// <summary>How often one channel tells a user about new insights.</summary>
public static class InsightFrequency
{
    /// <summary>Each new insight as it is found.</summary>
    public const string Immediately = "immediately";
    /// <summary>One message a day listing the insights since the last one.</summary>
    public const string Daily = "daily";
    /// <summary>One message a week (Mondays) listing the insights since the last one.</summary>
    public const string Weekly = "weekly";
    public const string Off = "off";

    public static readonly string[] All = [Immediately, Daily, Weekly, Off];

    public static bool IsDigest(string frequency) => frequency is Daily or Weekly;
}

/// <summary>One channel's choice: which types, from which priority up, and how often.</summary>
public record InsightChannelPreferences
{
    public IReadOnlyList<InsightType> Types { get; init; } = [InsightType.Anomaly, InsightType.Trend, InsightType.Summary, InsightType.Opportunity];
    public InsightPriority MinPriority { get; init; } = InsightPriority.Critical;
    /// <summary><c>immediately</c>, <c>daily</c>, <c>weekly</c> (digests) or <c>off</c> (the feed still lists everything).</summary>
    public string Frequency { get; init; } = InsightFrequency.Immediately;

    public static readonly string[] Frequencies = InsightFrequency.All;

    /// <summary>Whether an insight of this type and priority reaches the user on this channel at all (now or in a digest).</summary>
    public bool Wants(InsightType type, InsightPriority priority) =>
        Frequency != InsightFrequency.Off && Types.Contains(type) && priority >= MinPriority;

    public void Validate(string field)
    {
        if (!Frequencies.Contains(Frequency))
            throw new ValidationException($"{field}.frequency", $"'{Frequency}' is not a frequency; use immediately, daily, weekly or off.");
        if (Types is null) throw new ValidationException($"{field}.types", "Give the insight types as a list (it may be empty).");
    }
}

/// <summary>
/// What one user wants to be told about as insights appear. The top-level members are the in-app bell (as they always
/// were); <see cref="Email"/> is the e-mail channel. Without a choice: every type, critical only, at once, on both.
/// </summary>
public sealed record InsightNotificationPreferences : InsightChannelPreferences
{
    public InsightChannelPreferences Email { get; init; } = new();

    public static InsightNotificationPreferences Default { get; } = new();

    public InsightChannelPreferences For(InsightChannel channel) => channel == InsightChannel.Email ? Email : this;

    public void Validate()
    {
        Validate("insights");
        (Email ?? throw new ValidationException("insights.email", "Give the e-mail channel's settings.")).Validate("insights.email");
    }
}

public enum InsightChannel { InApp, Email }

public enum InsightDeliveryStatus { Pending, Sent, Failed, Skipped }

/// <summary>
/// One insight on its way to one user through one channel. There is at most one per (insight, user, channel), so no
/// insight reaches anyone twice on a channel; it is <see cref="InsightDeliveryStatus.Sent"/> only once the bell has it or
/// the SMTP server accepted the message, <see cref="InsightDeliveryStatus.Failed"/> (with the reason) otherwise.
/// </summary>
public sealed class InsightDelivery
{
    public required string Id { get; init; }
    public required string InsightId { get; init; }
    public required string UserId { get; init; }
    public InsightChannel Channel { get; init; }
    /// <summary>The frequency it was queued under: <c>immediately</c>, <c>daily</c> or <c>weekly</c>.</summary>
    public required string Frequency { get; set; }
    public InsightDeliveryStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? Error { get; set; }
    /// <summary>The message (digest or single) it went out in: deliveries sent together share it.</summary>
    public string? MessageId { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SentAt { get; set; }
}
