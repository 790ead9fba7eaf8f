using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Analytics.Domain.Query;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Identity;

/// <param name="Insights">Which insights notify this user; null on update leaves them as they are.</param>
/// <param name="Theme">The UI's colours: <c>light</c>, <c>dark</c> or <c>system</c> (follow the device); null on update leaves it as it is.</param>
public sealed record UserPreferences(string? TimeZone, InsightNotificationPreferences? Insights = null, string? Theme = null);

/// <summary>The UI's colour schemes a user can choose; <see cref="System"/> follows the device's setting.</summary>
public static class ThemeModes
{
    public const string Light = "light";
    public const string Dark = "dark";
    public const string System = "system";
    public static readonly IReadOnlyList<string> All = [Light, Dark, System];
}

/// <summary>A user's own settings: the IANA time zone queries bucket in when they name none, and which insights notify them.</summary>
public sealed class UserPreferencesService(IDbContextFactory<AnalyticsDbContext> factory)
{
    public async Task<UserPreferences> GetAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => new { u.TimeZone, u.InsightNotificationsJson, u.Theme }).FirstOrDefaultAsync(ct)
                   ?? throw new NotFoundException("User", actor.UserId);
        return new UserPreferences(user.TimeZone, ReadInsights(user.InsightNotificationsJson), user.Theme ?? ThemeModes.System);
    }

    /// <summary>Sets (or, with null, clears) the actor's time zone; an unknown zone is a validation error on <c>timeZone</c>.</summary>
    public async Task<UserPreferences> UpdateAsync(Actor actor, UserPreferences preferences, CancellationToken ct)
    {
        var zone = string.IsNullOrWhiteSpace(preferences.TimeZone) ? null : TimeBuckets.Zone(preferences.TimeZone).Id;
        preferences.Insights?.Validate();
        var theme = preferences.Theme?.Trim().ToLowerInvariant();
        if (theme is not null && !ThemeModes.All.Contains(theme))
            throw new ValidationException("theme", $"Theme must be one of {string.Join(", ", ThemeModes.All)}, not '{preferences.Theme}'.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == actor.UserId, ct) ?? throw new NotFoundException("User", actor.UserId);
        user.TimeZone = zone;
        if (preferences.Insights is { } insights) user.InsightNotificationsJson = JsonSerializer.Serialize(insights, Json);
        if (theme is not null) user.Theme = theme;
        await db.SaveChangesAsync(ct);
        return new UserPreferences(zone, ReadInsights(user.InsightNotificationsJson), user.Theme ?? ThemeModes.System);
    }

    /// <summary>Saves only the actor's theme (the header's switch), leaving the time zone and insight settings alone.</summary>
    public async Task<string> SetThemeAsync(Actor actor, string theme, CancellationToken ct)
    {
        var value = theme.Trim().ToLowerInvariant();
        if (!ThemeModes.All.Contains(value)) throw new ValidationException("theme", $"Theme must be one of {string.Join(", ", ThemeModes.All)}, not '{theme}'.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var updated = await db.Users.Where(u => u.Id == actor.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Theme, value), ct);
        if (updated == 0) throw new NotFoundException("User", actor.UserId);
        return value;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static InsightNotificationPreferences ReadInsights(string? json) =>
        json is null ? InsightNotificationPreferences.Default : JsonSerializer.Deserialize<InsightNotificationPreferences>(json, Json) ?? InsightNotificationPreferences.Default;
}
