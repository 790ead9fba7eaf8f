using Analytics.Data.Identity;
using Analytics.Web.Auth;
using Analytics.Web.Instrumentation;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;

namespace Analytics.Web.Components.Layout;

/// <summary>
/// The shell: app bar, a navigation drawer that is docked on wide screens and slides over the page on phones, and the
/// user's colour scheme (light, dark or the device's), saved per user and applied to charts too.
/// </summary>
public sealed partial class MainLayout : IDisposable
{
    [Inject] public required NavigationManager Navigation { get; init; }
    [Inject] public required FeatureUseTracker FeatureUse { get; init; }
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required UserPreferencesService Preferences { get; init; }
    [Inject] public required IJSRuntime Js { get; init; }

    private AppThemeProvider? _themeProvider;
    private bool _drawerOpen = true;
    private string _mode = ThemeModes.System;
    private bool _dark;
    private bool _systemDark;

    protected override async Task OnInitializedAsync()
    {
        try
        {
            _mode = (await Preferences.GetAsync(await CurrentActor.GetAsync(), CancellationToken.None)).Theme ?? ThemeModes.System;
        }
        catch (UnauthorizedAccessException)
        {
            // Signed out (the public page has no layout of this kind; a sign-in page has EmptyLayout): defaults.
        }
        _dark = _mode == ThemeModes.Dark;
        if (!RendererInfo.IsInteractive) return; // count each page once: when its circuit renders it, not at prerender
        FeatureUse.Visited(Navigation.ToBaseRelativePath(Navigation.Uri));
        Navigation.LocationChanged += OnLocationChanged;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender || _themeProvider is null) return;
        // The device's preference matters only to "system"; its changes arrive through the provider's watch.
        if (_mode == ThemeModes.System) _systemDark = await _themeProvider.GetSystemDarkModeAsync();
        await ApplyAsync();
    }

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    private static string? DisplayName(System.Security.Claims.ClaimsPrincipal user) => user.FindFirst("display_name")?.Value ?? user.Identity?.Name;

    private async Task OnModeChangedAsync(string mode)
    {
        _mode = await Preferences.SetThemeAsync(await CurrentActor.GetAsync(), mode, CancellationToken.None);
        if (_mode == ThemeModes.System && _themeProvider is not null) _systemDark = await _themeProvider.GetSystemDarkModeAsync();
        await ApplyAsync();
    }

    private async Task OnSystemDarkModeChangedAsync(bool dark)
    {
        _systemDark = dark;
        await ApplyAsync();
    }

    private async Task ApplyAsync()
    {
        var dark = _mode == ThemeModes.Dark || (_mode == ThemeModes.System && _systemDark);
        if (dark != _dark)
        {
            _dark = dark;
            StateHasChanged(); // the whole shell re-renders: only when the scheme changed
        }
        try
        {
            await Js.InvokeVoidAsync("analyticsTheme.set", _dark ? "dark" : "light");
        }
        catch (JSDisconnectedException)
        {
        }
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => FeatureUse.Visited(Navigation.ToBaseRelativePath(e.Location));

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
