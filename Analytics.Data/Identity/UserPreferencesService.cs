using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Identity;

public sealed record UserPreferences(string? TimeZone);

/// <summary>A user's own settings; today the IANA time zone that queries bucket in when they name none.</summary>
public sealed class UserPreferencesService(IDbContextFactory<AnalyticsDbContext> factory)
{
    public async Task<UserPreferences> GetAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => new { u.TimeZone }).FirstOrDefaultAsync(ct)
                   ?? throw new NotFoundException("User", actor.UserId);
        return new UserPreferences(user.TimeZone);
    }

    /// <summary>Sets (or, with null, clears) the actor's time zone; an unknown zone is a validation error on <c>timeZone</c>.</summary>
    public async Task<UserPreferences> UpdateAsync(Actor actor, UserPreferences preferences, CancellationToken ct)
    {
        var zone = string.IsNullOrWhiteSpace(preferences.TimeZone) ? null : TimeBuckets.Zone(preferences.TimeZone).Id;
        await using var db = await factory.CreateDbContextAsync(ct);
        var updated = await db.Users.Where(u => u.Id == actor.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.TimeZone, zone), ct);
        if (updated == 0) throw new NotFoundException("User", actor.UserId);
        return new UserPreferences(zone);
    }
}
