using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Analytics.Domain.Query;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Identity;

/// <param name="Insights">Which insights notify this user; null on update leaves them as they are.</param>
public sealed record UserPreferences(string? TimeZone, InsightNotificationPreferences? Insights = null);

/// <summary>A user's own settings: the IANA time zone queries bucket in when they name none, and which insights notify them.</summary>
public sealed class UserPreferencesService(IDbContextFactory<AnalyticsDbContext> factory)
{
    public async Task<UserPreferences> GetAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => new { u.TimeZone, u.InsightNotificationsJson }).FirstOrDefaultAsync(ct)
                   ?? throw new NotFoundException("User", actor.UserId);
        return new UserPreferences(user.TimeZone, ReadInsights(user.InsightNotificationsJson));
    }

    /// <summary>Sets (or, with null, clears) the actor's time zone; an unknown zone is a validation error on <c>timeZone</c>.</summary>
    public async Task<UserPreferences> UpdateAsync(Actor actor, UserPreferences preferences, CancellationToken ct)
    {
        var zone = string.IsNullOrWhiteSpace(preferences.TimeZone) ? null : TimeBuckets.Zone(preferences.TimeZone).Id;
        preferences.Insights?.Validate();
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == actor.UserId, ct) ?? throw new NotFoundException("User", actor.UserId);
        user.TimeZone = zone;
        if (preferences.Insights is { } insights) user.InsightNotificationsJson = JsonSerializer.Serialize(insights, Json);
        await db.SaveChangesAsync(ct);
        return new UserPreferences(zone, ReadInsights(user.InsightNotificationsJson));
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static InsightNotificationPreferences ReadInsights(string? json) =>
        json is null ? InsightNotificationPreferences.Default : JsonSerializer.Deserialize<InsightNotificationPreferences>(json, Json) ?? InsightNotificationPreferences.Default;
}
