using Analytics.Data.Dashboards;
using Analytics.Domain;
using Analytics.Domain.Dashboards;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The public page: opens the link through <see cref="PublicDashboardService"/> (the same rule and computation as
/// <c>GET /api/v1/public/dashboards/{token}</c>) and offers only what <see cref="PublicView"/> allows — a time preset.
/// </summary>
public sealed partial class PublicDashboard
{
    [Inject] public required PublicDashboardService Public { get; init; }

    [Parameter] public string Token { get; set; } = "";

    private PublicLink? _link;
    private WidgetContext? _context;
    private Analytics.Data.Dashboards.PublicDashboard? _described;
    private string? _preset;
    private string? _error;

    private sealed record Choice(string Value, string Text);

    private static readonly IReadOnlyList<Choice> Presets = DateRangePresets.Names.Select(n => new Choice(n, DateRangePresets.Label(n))).ToList();

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _link = await Public.OpenAsync(Token, default);
            _preset = _link.View.Filters.FirstOrDefault(f => f.Dimension == DashboardFilter.Time)?.Preset ?? DashboardFilters.DefaultPreset;
            _context = await Public.ContextAsync(_link, new PublicViewRequest(Preset: _preset), default);
            _described = await Public.DescribeAsync(_link, _context, default);
        }
        catch (NotFoundException)
        {
            _error = "The dashboard's owner may have revoked it. Ask them for a new link.";
        }
    }

    private async Task SetPresetAsync(string preset)
    {
        if (_link is null) return;
        try
        {
            _context = await Public.ContextAsync(_link, new PublicViewRequest(Preset: preset), default);
            _preset = preset;
        }
        catch (DomainException)
        {
            _error = "This time range cannot be shown; reload the page to start again.";
        }
    }
}
