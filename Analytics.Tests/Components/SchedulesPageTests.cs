using System.Security.Claims;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Data.Schedules;
using Analytics.Data.Subscriptions;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Auth;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using SchedulesPage = Analytics.Web.Components.Pages.Schedules.Schedules;

namespace Analytics.Tests.Components;

/// <summary>The schedules page rendered with bUnit over the real services of a fresh SQLite database.</summary>
public sealed class SchedulesPageTests : AppComponentTests
{
    private async Task<AnalyticsTestHost> SignedInAsync(bool seedDemo)
    {
        var host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite, seedDemo);
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        foreach (var type in new[] { typeof(ScheduleOverview), typeof(ReportService), typeof(ExecutionService), typeof(ExecutionNotifier),
                     typeof(SubscriptionService), typeof(DashboardService), typeof(ActorResolver) })
            Services.AddSingleton(type, host.Services.GetRequiredService(type));
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<CurrentActor>();
        AddAuthorization().SetAuthorized(admin.DisplayName).SetClaims(new Claim(ClaimTypes.NameIdentifier, admin.UserId));
        Render<MudBlazor.MudPopoverProvider>();
        return host;
    }

    [Fact]
    public async Task Without_schedules_the_page_says_how_to_create_one()
    {
        await using var host = await SignedInAsync(seedDemo: false);
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => page.Markup.Should().Contain("No schedules yet"));
        page.Markup.Should().Contain("Recurring tab");
        page.Find("[data-testid=empty-reports]").GetAttribute("href").Should().Be("/reports");
        page.Find("[data-testid=empty-subscriptions]").GetAttribute("href").Should().Be("/subscriptions");
    }

    [Fact]
    public async Task A_scheduled_report_shows_its_frequency_and_pausing_it_turns_its_next_run_into_paused()
    {
        await using var host = await SignedInAsync(seedDemo: true);
        await host.Services.GetRequiredService<ReportService>().CreateAsync(await host.AdminAsync(), new ReportInput("Morning campaigns", "tpl-demo-campaign-daily",
            "demo-northwind", [], new ReportSchedule { Kind = "daily", Time = "06:00", TimeZone = "UTC" }), CancellationToken.None);
        var page = Render<SchedulesPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=schedule-grid]").TextContent.Should().Contain("Morning campaigns"));
        page.Find("[data-testid=schedule-grid]").TextContent.Should().Contain("Daily at 06:00 (UTC)").And.Contain("not run yet");

        page.Find("[data-testid=schedule-pause]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=schedule-next]").TextContent.Should().Be("paused"));
        page.Find("[data-testid=schedule-message]").TextContent.Should().Contain("Paused “Morning campaigns”");
        page.Find("[data-testid=schedule-resume]").Click();
        page.WaitForAssertion(() => page.Find("[data-testid=schedule-next]").TextContent.Should().EndWith("UTC"));
    }
}
