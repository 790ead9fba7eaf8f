namespace Analytics.Domain.Query;

public enum Granularity
{
    None,
    Hour,
    Day,
    Week,
    Month,
}

/// <summary>
/// Calendar buckets in a time zone, computed on instants (Unix seconds) so daylight-saving changes are exact: a local day
/// is from one local midnight to the next (23, 24 or 25 hours), weeks are ISO weeks starting Monday, months start on the
/// 1st. A local midnight that does not exist (a zone that springs forward at midnight) starts at the first instant after
/// it; an ambiguous one starts at its first occurrence. Hours keep the instant's own offset, so the repeated hour of a
/// fall-back night is two buckets.
/// </summary>
public static class TimeBuckets
{
    public static Granularity Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => Granularity.None,
        "hour" => Granularity.Hour,
        "day" => Granularity.Day,
        "week" => Granularity.Week,
        "month" => Granularity.Month,
        _ => throw new ValidationException("granularity", $"Granularity '{value}' is not one of none, hour, day, week, month."),
    };

    public static string ToWire(this Granularity granularity) => granularity.ToString().ToLowerInvariant();

    /// <summary>The start (Unix seconds) of the bucket holding <paramref name="ts"/>.</summary>
    public static long Start(long ts, Granularity granularity, TimeZoneInfo zone)
    {
        if (granularity == Granularity.None) return 0;
        var instant = DateTimeOffset.FromUnixTimeSeconds(ts);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        if (granularity == Granularity.Hour)
        {
            return new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset).ToUnixTimeSeconds();
        }
        var date = DateOnly.FromDateTime(local.DateTime);
        return LocalMidnight(FirstDay(date, granularity), zone);
    }

    /// <summary>The start of the bucket after the one starting at <paramref name="bucketStart"/>.</summary>
    public static long Next(long bucketStart, Granularity granularity, TimeZoneInfo zone)
    {
        switch (granularity)
        {
            case Granularity.None: return long.MaxValue;
            case Granularity.Hour: return Start(bucketStart + 3600, granularity, zone);
        }
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(bucketStart), zone);
        var date = FirstDay(DateOnly.FromDateTime(local.DateTime), granularity);
        var next = granularity switch
        {
            Granularity.Day => date.AddDays(1),
            Granularity.Week => date.AddDays(7),
            _ => date.AddMonths(1),
        };
        return LocalMidnight(next, zone);
    }

    /// <summary>Every bucket start overlapping [start, end), in order; throws when there would be more than <paramref name="max"/>.</summary>
    public static List<long> Enumerate(long start, long end, Granularity granularity, TimeZoneInfo zone, int max)
    {
        var buckets = new List<long>();
        if (granularity == Granularity.None || end <= start) return buckets;
        for (var b = Start(start, granularity, zone); b < end; b = Next(b, granularity, zone))
        {
            if (buckets.Count == max)
                throw new ValidationException("granularity", $"The time range holds more than {max} {granularity.ToWire()} buckets; choose a coarser granularity or a shorter range.");
            buckets.Add(b);
        }
        return buckets;
    }

    private static DateOnly FirstDay(DateOnly date, Granularity granularity) => granularity switch
    {
        Granularity.Week => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
        Granularity.Month => new DateOnly(date.Year, date.Month, 1),
        _ => date,
    };

    /// <summary>The instant a local date begins in <paramref name="zone"/>.</summary>
    internal static long LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // A skipped midnight: the day starts at the first local minute that exists.
        var guard = 0;
        while (zone.IsInvalidTime(local) && guard++ < 24 * 60) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUnixTimeSeconds();
    }

    /// <summary>Resolves an IANA (or Windows) zone id; a <see cref="ValidationException"/> on <paramref name="field"/> when unknown.</summary>
    public static TimeZoneInfo Zone(string? id, string field = "timeZone")
    {
        if (string.IsNullOrWhiteSpace(id) || id.Equals("UTC", StringComparison.OrdinalIgnoreCase) || id == "Etc/UTC") return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ValidationException(field, $"'{id}' is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC).");
        }
    }
}
