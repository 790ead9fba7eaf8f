using System.Security.Claims;
using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Domain.Dashboards;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Auth;
using Analytics.Web.Components.Pages.Dashboards;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Components;

/// <summary>
/// The dashboard's comments panel in bUnit over the real dashboard service and a fresh SQLite database, signed in as the
/// first admin: a refused comment says why under the comment box and keeps the text; an accepted one joins the thread
/// and empties the box.
/// </summary>
public sealed class DashboardPanelTests : AppComponentTests
{
    private async Task<(AnalyticsTestHost Host, string DashboardId)> SignedInAsync()
    {
        var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite);
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        var dashboard = await host.Services.GetRequiredService<DashboardService>().CreateAsync(admin, new DashboardDefinition
        {
            Name = "Commented", Filters = [new DashboardFilter(DashboardFilter.Time, Preset: DashboardFilters.DefaultPreset)],
        }, CancellationToken.None);
        Services.AddSingleton(host.Services.GetRequiredService<DashboardService>());
        Services.AddSingleton(host.Services.GetRequiredService<DashboardComments>());
        Services.AddSingleton(host.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>());
        Services.AddSingleton<TimeProvider>(host.Clock);
        Services.AddScoped<ActorResolver>();
        Services.AddScoped<CurrentActor>();
        var auth = AddAuthorization();
        auth.SetAuthorized(admin.DisplayName);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId));
        return (host, dashboard.Id);
    }

    [Fact]
    public async Task A_comment_the_service_refuses_shows_why_under_the_box_and_keeps_the_text()
    {
        var (host, id) = await SignedInAsync();
        await using var _ = host;
        RenderPopovers();
        var panel = Render<CommentsPanel>(p => p.Add(x => x.DashboardId, id));
        panel.WaitForAssertion(() => panel.Markup.Should().Contain("No comments yet"));

        var tooLong = new string('a', 4001);
        panel.Find("textarea[data-testid=comment-body]").Input(tooLong);
        await panel.Find("[data-testid=comment-submit]").ClickAsync(new());

        panel.WaitForAssertion(() =>
        {
            var box = panel.Find("textarea[data-testid=comment-body]");
            box.Closest(".mud-input-control")!.TextContent.Should().Contain("At most 4,000 characters.");
            box.GetAttribute("aria-invalid").Should().Be("true");
        });
        panel.Find("textarea[data-testid=comment-body]").GetAttribute("value").Should().Be(tooLong, "nothing typed is lost");
        panel.FindAll("[data-testid=comment]").Should().BeEmpty();
    }

    [Fact]
    public async Task An_accepted_comment_joins_the_thread_and_empties_the_box()
    {
        var (host, id) = await SignedInAsync();
        await using var _ = host;
        RenderPopovers();
        var panel = Render<CommentsPanel>(p => p.Add(x => x.DashboardId, id));
        panel.WaitForAssertion(() => panel.Markup.Should().Contain("No comments yet"));

        panel.Find("textarea[data-testid=comment-body]").Input("ROAS dipped on the 3rd; see the campaign table.");
        await panel.Find("[data-testid=comment-submit]").ClickAsync(new());

        panel.WaitForAssertion(() => panel.FindAll("[data-testid=comment]").Should().ContainSingle()
            .Which.TextContent.Should().Contain("ROAS dipped on the 3rd"));
        panel.Find("textarea[data-testid=comment-body]").GetAttribute("value").Should().BeNullOrEmpty();
        panel.Find("[data-testid=comment-submit]").HasAttribute("disabled").Should().BeTrue("an empty comment cannot be sent");
        (await host.Services.GetRequiredService<DashboardComments>().ListCommentsAsync(await host.AdminAsync(), id, CancellationToken.None))
            .Should().ContainSingle().Which.Body.Should().StartWith("ROAS dipped");
    }
}
