using MudBlazor;

namespace Analytics.Web.Components.Layout;

/// <summary>
/// The app's one MudBlazor theme: an indigo primary, neutral surfaces, and a dark palette with the same hues. Charts
/// follow the mode (ECharts' own dark theme, see <c>charts.js</c> <c>setTheme</c>).
/// </summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#00897b",
            AppbarBackground = "#3f51b5",
            Background = "#f5f6fa",
            DrawerBackground = "#ffffff",
            TextPrimary = "#1f2430",
            TextSecondary = "#5c6272",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            // Dark text on the light primary and secondary: white on #8c9eff is 2.4:1, this is 7.5:1 (WCAG AA needs 4.5:1).
            PrimaryContrastText = "#14161f",
            Secondary = "#4db6ac",
            SecondaryContrastText = "#14161f",
            AppbarBackground = "#1e2130",
            Background = "#14161f",
            Surface = "#1c1f2b",
            DrawerBackground = "#181a25",
            TextPrimary = "#e6e8ef",
            TextSecondary = "#a9afc0",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "232px", AppbarHeight = "56px" },
    };
}
