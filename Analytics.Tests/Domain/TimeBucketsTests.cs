using Analytics.Domain;
using Analytics.Domain.Query;

namespace Analytics.Tests.Domain;

public sealed class TimeBucketsTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static long T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    [Fact]
    public void New_York_day_buckets_start_at_local_midnight_and_the_spring_forward_day_has_23_hours()
    {
        TimeBuckets.Start(T("2025-03-10T03:59:59Z"), Granularity.Day, NewYork).Should().Be(T("2025-03-09T05:00:00Z"));
        TimeBuckets.Start(T("2025-03-10T04:00:00Z"), Granularity.Day, NewYork).Should().Be(T("2025-03-10T04:00:00Z"));
        var day = T("2025-03-09T05:00:00Z");
        (TimeBuckets.Next(day, Granularity.Day, NewYork) - day).Should().Be(23 * 3600);
    }

    [Fact]
    public void The_fall_back_day_has_25_hourly_buckets_with_the_repeated_hour_twice()
    {
        var start = T("2025-11-02T04:00:00Z"); // midnight EDT
        var end = TimeBuckets.Next(start, Granularity.Day, NewYork);
        (end - start).Should().Be(25 * 3600);
        var hours = TimeBuckets.Enumerate(start, end, Granularity.Hour, NewYork, 100);
        hours.Should().HaveCount(25);
        hours.Should().Contain([T("2025-11-02T05:00:00Z"), T("2025-11-02T06:00:00Z")]); // 01:00 EDT and 01:00 EST
    }

    [Fact]
    public void A_week_across_the_DST_change_runs_Monday_to_Monday_local_and_is_167_hours()
    {
        var start = TimeBuckets.Start(T("2025-03-09T12:00:00Z"), Granularity.Week, NewYork);
        start.Should().Be(T("2025-03-03T05:00:00Z")); // Monday 3 March, 00:00 EST
        (TimeBuckets.Next(start, Granularity.Week, NewYork) - start).Should().Be(167 * 3600);
    }

    [Fact]
    public void ISO_weeks_start_on_Monday_even_across_a_year_boundary()
    {
        TimeBuckets.Start(T("2025-01-01T10:00:00Z"), Granularity.Week, TimeZoneInfo.Utc).Should().Be(T("2024-12-30T00:00:00Z"));
        TimeBuckets.Start(T("2025-01-05T23:59:59Z"), Granularity.Week, TimeZoneInfo.Utc).Should().Be(T("2024-12-30T00:00:00Z"));
        TimeBuckets.Start(T("2025-01-06T00:00:00Z"), Granularity.Week, TimeZoneInfo.Utc).Should().Be(T("2025-01-06T00:00:00Z"));
    }

    [Fact]
    public void Berlin_month_buckets_follow_local_midnight_on_both_sides_of_the_DST_change()
    {
        TimeBuckets.Start(T("2025-03-31T21:59:59Z"), Granularity.Month, Berlin).Should().Be(T("2025-02-28T23:00:00Z"));
        TimeBuckets.Start(T("2025-03-31T22:00:00Z"), Granularity.Month, Berlin).Should().Be(T("2025-03-31T22:00:00Z"));
        TimeBuckets.Enumerate(T("2025-01-01T00:00:00+01:00"), T("2026-01-01T00:00:00+01:00"), Granularity.Month, Berlin, 100).Should().HaveCount(12);
    }

    [Fact]
    public void Enumerate_includes_the_partial_first_bucket_and_refuses_too_many_buckets()
    {
        var days = TimeBuckets.Enumerate(T("2025-03-01T12:00:00Z"), T("2025-03-04T00:00:00Z"), Granularity.Day, TimeZoneInfo.Utc, 10);
        days.Should().Equal(T("2025-03-01T00:00:00Z"), T("2025-03-02T00:00:00Z"), T("2025-03-03T00:00:00Z"));
        var tooMany = () => TimeBuckets.Enumerate(T("2020-01-01T00:00:00Z"), T("2025-01-01T00:00:00Z"), Granularity.Hour, TimeZoneInfo.Utc, 1000);
        tooMany.Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("granularity");
    }

    [Fact]
    public void Unknown_time_zones_are_a_validation_error_naming_the_field()
    {
        var act = () => TimeBuckets.Zone("Mars/Olympus_Mons");
        act.Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("timeZone");
        TimeBuckets.Zone(null).Should().Be(TimeZoneInfo.Utc);
    }
}
