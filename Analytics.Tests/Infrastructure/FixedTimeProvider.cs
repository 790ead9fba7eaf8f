namespace Analytics.Tests.Infrastructure;

/// <summary>A clock that stands still until told to move; registered over the domain's <see cref="TimeProvider.System"/>.</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public static readonly DateTimeOffset DefaultNow = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    private DateTimeOffset _now = now;

    public FixedTimeProvider() : this(DefaultNow) { }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
