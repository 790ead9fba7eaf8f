using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;

namespace Analytics.Data.Identity;

/// <summary>A local account (ASP.NET Core Identity) with the product's role.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public Role Role { get; set; } = Role.Viewer;
    public DateTimeOffset CreatedAt { get; set; }
    public bool Disabled { get; set; }
    /// <summary>
    /// Set when someone other than the user chose the password (the generated first admin, an admin creating or
    /// resetting it): every page leads to the change form until the user picks their own.
    /// </summary>
    public bool MustChangePassword { get; set; }
    /// <summary>IANA time zone for calendar buckets (queries, dashboards); null means UTC.</summary>
    public string? TimeZone { get; set; }
    /// <summary>JSON <see cref="Analytics.Domain.Insights.InsightNotificationPreferences"/>; null means the defaults.</summary>
    public string? InsightNotificationsJson { get; set; }
    /// <summary><c>light</c>, <c>dark</c> or <c>system</c> (null: system): the UI's colours, charts included.</summary>
    public string? Theme { get; set; }
}
