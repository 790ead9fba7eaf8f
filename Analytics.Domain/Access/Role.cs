namespace Analytics.Domain.Access;

/// <summary>Viewers read what is shared with them; analysts author their own reports and dashboards; admins do everything.</summary>
public enum Role
{
    Viewer = 0,
    Analyst = 1,
    Admin = 2,
}

public static class Roles
{
    public static string ToWire(this Role role) => role switch
    {
        Role.Admin => "admin",
        Role.Analyst => "analyst",
        _ => "viewer",
    };

    public static bool TryParse(string? value, out Role role)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "admin": role = Role.Admin; return true;
            case "analyst": role = Role.Analyst; return true;
            case "viewer": role = Role.Viewer; return true;
            default: role = Role.Viewer; return false;
        }
    }
}
