using Analytics.Domain.Access;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Analytics.Web.Components.Pages;

/// <summary>
/// <c>/</c>: where a user starts — a quick question for the chat, the dashboards they opened last and their favourites,
/// the newest insights of their feed, and for admins the jobs running now or whose last run failed. Each empty section
/// says what to do. The sections come from <see cref="HomeService"/>; this page only draws them and hands the question on.
/// </summary>
public sealed partial class Home
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required HomeService HomeService { get; init; }
    [Inject] public required NavigationManager Nav { get; init; }
    [Inject] public required TimeProvider Clock { get; init; }

    private Actor _actor = Actor.System;
    private HomeOverview? _overview;
    private string? _question;
    private string? _error;
    private DateTimeOffset _now;

    private string Subtitle => _actor == Actor.System ? "" : $"Signed in as {_actor.DisplayName} · {Roles.ToWire(_actor.Role)}";

    private string RecentEmptyText => _overview is { HasDashboards: false }
        ? NoDashboardsText
        : "Dashboards you open show up here. Open one from All dashboards.";

    private string FavoritesEmptyText => _overview is { HasDashboards: false }
        ? NoDashboardsText
        : "Star a dashboard (the ☆ beside its name, on the dashboard or in the list) to keep it here.";

    private string NoDashboardsText => _actor.CanAuthor
        ? "No dashboards yet: create one, or start from a template, on the Dashboards page."
        : "No dashboards yet: dashboards shared with you appear here. Ask an analyst to share one.";

    private string InsightsEmptyText => _overview is { SourceCount: 0 }
        ? "Insights appear once you can read an instance with data: ask an admin to grant you one."
        : "No insights yet: anomalies, trends and weekly summaries appear here after the daily scan (06:30 UTC) and the Monday summary.";

    private string NoSourcesText => _actor.IsAdmin
        ? "add one on the Sources page"
        : "ask an admin to grant you an instance";

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        _now = Clock.GetUtcNow();
        try
        {
            _overview = await HomeService.LoadAsync(_actor, CancellationToken.None);
        }
        catch (Exception e) when (Analytics.Data.TransientDatabase.Is(e))
        {
            _error = Analytics.Data.TransientDatabase.Message;
        }
    }

    /// <summary>Opens the chat, which asks the question in a new conversation.</summary>
    private void Ask()
    {
        var question = _question?.Trim();
        if (string.IsNullOrEmpty(question)) return;
        Nav.NavigateTo($"/chat?ask={Uri.EscapeDataString(question)}");
    }

    /// <summary>As the insight feed colours priorities.</summary>
    private static Color PriorityColor(string priority) => Insights.Insights.ColorFor(priority);
}
