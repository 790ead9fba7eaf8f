using Analytics.Data;
using Analytics.Data.Reports;
using Analytics.Data.Subscriptions;
using Analytics.Domain.Access;
using Analytics.Domain.Reports;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using AppUser = Analytics.Data.Identity.AppUser;

namespace Analytics.Tests.Browser;

/// <summary>
/// The /schedules page in a real browser over the running app: a report schedule and a subscription in one list, pause
/// then resume, run-now followed live to its outcome, and a failed scheduled window's retries below its row.
/// </summary>
public sealed class SchedulesUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private async Task<Actor> AdminAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(AnalyticsWebFactory.AdminEmail);
        return new Actor(admin!.Id, AnalyticsWebFactory.AdminEmail, Role.Admin, new HashSet<string>());
    }

    [ChromiumFact]
    public async Task Both_kinds_are_listed_pause_and_resume_change_the_state_run_now_shows_the_outcome_and_a_failed_window_its_retries()
    {
        var admin = await AdminAsync();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var reportName = $"Schedules UI report {suffix}";
        var mailName = $"Schedules UI mail {suffix}";
        var report = await fixture.App.Services.GetRequiredService<ReportService>().CreateAsync(admin, new ReportInput(reportName, "tpl-demo-campaign-daily",
            "demo-northwind", [], new ReportSchedule { Kind = "daily", Time = "06:00", TimeZone = "UTC" }), default);
        await fixture.App.Services.GetRequiredService<SubscriptionService>().CreateAsync(admin, new SubscriptionInput("demo-performance", "csv",
            new SubscriptionScheduleInput("weekly", "08:00", ["mon"]), "UTC", ["team@example.com"], Name: mailName), default);
        // A scheduled window that failed after three attempts (the runner would have retried it with backoff).
        var failedAt = DateTimeOffset.UtcNow.AddHours(-2);
        await using (var db = await fixture.App.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync())
        {
            db.Executions.Add(new Execution
            {
                Id = Guid.CreateVersion7(failedAt).ToString("N"), ReportId = report.Id, Trigger = "schedule", Status = ExecutionStatus.Failed, Attempts = 3,
                Error = "Failed after 3 attempts: the instance answered 503", TimeWindowStart = failedAt.AddDays(-2), TimeWindowEnd = failedAt.AddDays(-1),
                RequestedBy = admin.UserId, CreatedAt = failedAt, StartedAt = failedAt, FinishedAt = failedAt.AddMinutes(30),
            });
            await db.SaveChangesAsync();
        }

        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/schedules");
        var grid = page.Locator("[data-testid=schedule-grid]");
        var reportRow = grid.Locator("tbody tr").Filter(new() { HasText = reportName }).First;
        var mailRow = grid.Locator("tbody tr").Filter(new() { HasText = mailName }).First;
        await Assertions.Expect(reportRow).ToContainTextAsync("Daily at 06:00 (UTC)");
        await Assertions.Expect(reportRow).ToContainTextAsync("Northwind Outdoor (US)");
        await Assertions.Expect(mailRow).ToContainTextAsync("Weekly on Mon at 08:00 (UTC)");
        await Assertions.Expect(mailRow).ToContainTextAsync("Performance overview");

        // The failed window's retries, below its row.
        await Assertions.Expect(reportRow.Locator("[data-testid=schedule-outcome]")).ToHaveTextAsync("failed after 3 attempts");
        await reportRow.Locator("[data-testid=schedule-runs]").ClickAsync();
        var runs = page.Locator("[data-testid=schedule-run-list]");
        await Assertions.Expect(runs).ToContainTextAsync("3 attempts");
        await Assertions.Expect(runs.Locator("[data-testid=schedule-run-error]")).ToHaveTextAsync("Failed after 3 attempts: the instance answered 503");
        await Assertions.Expect(runs).ToContainTextAsync($"started {failedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

        // Pause, then resume.
        await mailRow.Locator("[data-testid=schedule-pause]").ClickAsync();
        await Assertions.Expect(mailRow.Locator("[data-testid=schedule-next]")).ToHaveTextAsync("paused");
        await Assertions.Expect(page.Locator("[data-testid=schedule-message]")).ToContainTextAsync($"Paused “{mailName}”");
        await mailRow.Locator("[data-testid=schedule-resume]").ClickAsync();
        await Assertions.Expect(mailRow.Locator("[data-testid=schedule-next]")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$"));
        await Assertions.Expect(mailRow.Locator("[data-testid=schedule-pause]")).ToBeVisibleAsync();

        // Run now: the report's execution is followed live to its outcome, and the row's last run is it.
        await reportRow.Locator("[data-testid=schedule-run]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=schedule-message]")).ToContainTextAsync($"“{reportName}” ran", new() { Timeout = 30_000 });
        await Assertions.Expect(reportRow.Locator("[data-testid=schedule-outcome]")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(page.Locator("[data-testid=schedule-running]")).ToHaveCountAsync(0);

        // This app has no SMTP server: the subscription's delivery fails, and says why.
        await mailRow.Locator("[data-testid=schedule-run]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=schedule-message]")).ToContainTextAsync("Analytics:Smtp:Host", new() { Timeout = 30_000 });
        await Assertions.Expect(mailRow.Locator("[data-testid=schedule-outcome]")).ToContainTextAsync("failed");

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "schedules.png"), FullPage = true });
        await page.Context.CloseAsync();
    }
}
