using System.Security.Claims;
using Analytics.Data;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Data.Insights;
using Analytics.Data.Sources;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Insights;
using Analytics.Domain.Sources;
using Analytics.Jobs;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Auth;
using Analytics.Web.Components.Pages;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Analytics.Tests.Components;

/// <summary>One SQLite database without the demo workspace: users start with no dashboards, sources or insights.</summary>
public sealed class HomeHostFixture : IAsyncLifetime
{
    public AnalyticsTestHost Host { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite);
        await Host.InitializeAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Home rendered with bUnit over the real services (and a real, in-memory Quartz scheduler behind the job console): each
/// section shows what the signed-in user may see, the jobs only to admins, and an empty section says what to do.
/// </summary>
public sealed class HomeComponentTests(HomeHostFixture fixture) : AppComponentTests, IClassFixture<HomeHostFixture>
{
    private AnalyticsTestHost Host => fixture.Host;

    private async Task<Actor> NewUserAsync(string role, params string[] instances)
    {
        var admin = await Host.AdminAsync();
        var email = $"{role}-{Guid.NewGuid():N}@example.test";
        var created = await Host.WithScopeAsync<UserService, CreatedUser>(s =>
            s.CreateAsync(admin, new CreateUserCommand(email, $"{role} {email[..12]}", role, instances, "Home-Passw0rd!"), CancellationToken.None));
        return await Host.ActorAsync(created.User.Id);
    }

    private IRenderedComponent<Home> RenderHomeAs(Actor actor)
    {
        var scope = Host.Services.CreateScope();
        foreach (var type in new[] { typeof(SourceService), typeof(DashboardService), typeof(InsightFeed), typeof(ActorResolver) })
            Services.AddSingleton(type, scope.ServiceProvider.GetRequiredService(type));
        Services.AddLogging();
        Services.AddQuartz(q => q.UseInMemoryStore());
        Services.AddSingleton<JobConsole>();
        Services.AddSingleton<TimeProvider>(Host.Clock);
        Services.AddScoped<HomeService>();
        Services.AddScoped<CurrentActor>();
        AddAuthorization().SetAuthorized(actor.DisplayName).SetClaims(new Claim(ClaimTypes.NameIdentifier, actor.UserId));
        return Render<Home>();
    }

    [Fact]
    public async Task A_new_analyst_without_dashboards_sources_or_insights_is_told_what_to_do_and_sees_no_jobs()
    {
        var analyst = await NewUserAsync("analyst");

        var home = RenderHomeAs(analyst);

        home.WaitForAssertion(() => home.Find("[data-testid=home-recent-empty]"));
        home.Find("[data-testid=home-recent-empty]").TextContent.Should().Contain("create one, or start from a template");
        home.Find("[data-testid=home-favorites-empty]").TextContent.Should().Contain("create one");
        home.Find("[data-testid=home-insights-empty]").TextContent.Should().Contain("ask an admin to grant you one");
        home.Find("[data-testid=source-count]").TextContent.Should().Be("0");
        home.Find("[data-testid=home-no-sources]").TextContent.Should().Contain("ask an admin to grant you an instance");
        home.FindAll("[data-testid=home-jobs]").Should().BeEmpty("only admins see the jobs");
        home.Markup.Should().NotContain("report builder arrives", "no stale promises");
    }

    [Fact]
    public async Task An_admin_sees_the_jobs_section_and_says_when_nothing_runs_or_failed()
    {
        var home = RenderHomeAs(await Host.AdminAsync());

        home.WaitForAssertion(() => home.Find("[data-testid=home-jobs]"));
        home.Find("[data-testid=home-jobs-empty]").TextContent.Should().Contain("Nothing is running");
        home.Find("[data-testid=home-jobs] a[href='/admin/jobs']").Should().NotBeNull();
    }

    [Fact]
    public async Task Dashboards_opened_are_listed_newest_first_and_starred_ones_under_favourites_and_a_deleted_one_goes()
    {
        var analyst = await NewUserAsync("analyst");
        var dashboards = Host.Services.GetRequiredService<DashboardService>();
        async Task<DashboardView> CreateAsync(string name) =>
            await dashboards.CreateAsync(analyst, new DashboardDefinition { Name = name }, CancellationToken.None);
        var first = await CreateAsync("Weekly spend");
        var second = await CreateAsync("Campaign health");
        var gone = await CreateAsync("Old experiment");
        await dashboards.RecordOpenAsync(analyst, first.Id, CancellationToken.None);
        Host.Clock.Advance(TimeSpan.FromMinutes(5));
        await dashboards.RecordOpenAsync(analyst, gone.Id, CancellationToken.None);
        Host.Clock.Advance(TimeSpan.FromMinutes(5));
        await dashboards.RecordOpenAsync(analyst, second.Id, CancellationToken.None);
        await dashboards.SetFavoriteAsync(analyst, first.Id, true, CancellationToken.None);
        await dashboards.DeleteAsync(analyst, gone.Id, CancellationToken.None);
        // Someone else's dashboard, not shared: opening it is refused and it never shows.
        var other = await NewUserAsync("analyst");
        var hidden = await dashboards.CreateAsync(other, new DashboardDefinition { Name = "Not yours" }, CancellationToken.None);
        var refused = () => dashboards.RecordOpenAsync(analyst, hidden.Id, CancellationToken.None);
        await refused.Should().ThrowAsync<NotFoundException>();

        var home = RenderHomeAs(analyst);

        home.WaitForAssertion(() => home.FindAll("[data-testid=home-recent-item]").Should().HaveCount(2));
        home.FindAll("[data-testid=home-recent-item] a").Select(a => a.TextContent).Should().Equal("Campaign health", "Weekly spend");
        home.FindAll("[data-testid=home-favorite-item] a").Select(a => a.TextContent).Should().Equal("Weekly spend");
        home.FindAll("[data-testid=home-favorite-item] a")[0].GetAttribute("href").Should().Be($"/dashboards/{first.Id}");
        home.Find("[data-testid=dashboard-count]").TextContent.Should().Be("2");
    }

    [Fact]
    public async Task The_latest_insights_are_those_of_the_users_own_feed()
    {
        var now = Host.Clock.GetUtcNow();
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        await using (var db = await Host.DbAsync())
        {
            foreach (var (source, title) in new[] { ("home-granted", "Spend spike in Tents"), ("home-other", "Sales drop in Rugs") })
            {
                db.Sources.Add(new DataSource
                {
                    Id = source, Name = source, Kind = SourceKind.Demo, OwnerId = DashboardAccess.WorkspaceOwner, Description = "",
                    SettingsJson = "{}", CreatedAt = now, UpdatedAt = now,
                });
                db.Insights.Add(new Insight
                {
                    Id = Ids.New(), Key = Insight.KeyOf(InsightType.Anomaly, source, "spend", "campaign", "Tents", day, day), Type = InsightType.Anomaly,
                    SourceId = source, Dataset = "ad_performance", SegmentDimension = "campaign", Segment = "Tents", Metric = "spend",
                    PeriodStart = day, PeriodEnd = day, Priority = InsightPriority.High, Title = title, Text = title, CreatedAt = now, UpdatedAt = now,
                });
            }
            await db.SaveChangesAsync();
        }
        var viewer = await NewUserAsync("viewer", "home-granted");

        var home = RenderHomeAs(viewer);

        home.WaitForAssertion(() => home.FindAll("[data-testid=home-insight-item]").Should().ContainSingle());
        var link = home.Find("[data-testid=home-insight-item] a");
        link.TextContent.Should().Be("Spend spike in Tents");
        link.GetAttribute("href").Should().StartWith("/insights?id=");
        home.Markup.Should().NotContain("Sales drop in Rugs", "an instance not granted stays out of the feed");
        home.Find("[data-testid=home-recent-empty]").TextContent.Should().Contain("Ask an analyst to share one", "a viewer cannot create dashboards");
    }
}
