using System.Text.RegularExpressions;
using Analytics.Data.Collections;
using Analytics.Data.Identity;
using Analytics.Data.Reports;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Analytics.Web.Components.Pages.Collections;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The job console and the data collection pages in a real browser, live updates included.</summary>
public sealed class JobsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    private async Task<Actor> AdminAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var admin = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(AnalyticsWebFactory.AdminEmail);
        return new Actor(admin!.Id, AnalyticsWebFactory.AdminEmail, Role.Admin, new HashSet<string>());
    }

    private async Task<ReportView> DemoReportAsync(Actor admin, string name) =>
        await fixture.App.Services.GetRequiredService<ReportService>().CreateAsync(admin,
            new ReportInput(name, "tpl-demo-campaign-daily", "demo-northwind", []), default);

    [ChromiumFact]
    public async Task Admin_sees_the_supervisor_job_triggers_it_and_its_manual_run_appears_in_the_history_without_a_reload()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/jobs");
        await page.EvaluateAsync("() => window.__marker = 'same-document'");

        var supervisor = page.Locator("[data-testid=job-grid] tr", new() { Has = page.Locator("[data-job='system.supervisor']") });
        await Assertions.Expect(supervisor).ToContainTextAsync("Fires due report schedules");
        await Assertions.Expect(supervisor.Locator("[data-testid=job-state]")).ToHaveTextAsync(new Regex("normal|blocked|executing"));

        await page.ClickAsync("[data-testid='trigger-system.supervisor']");
        await Assertions.Expect(page.Locator("[data-testid=jobs-message]")).ToContainTextAsync("Started system.supervisor");

        var manualRun = page.Locator("[data-testid=history-grid] tr", new() { Has = page.Locator("[data-job='system.supervisor']"), HasText = "manual" });
        await Assertions.Expect(manualRun.First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(manualRun.First).ToContainTextAsync("succeeded");
        (await page.EvaluateAsync<string>("() => window.__marker")).Should().Be("same-document", "the timer refreshes the page in place");

        // Filter the history by job and failures: nothing failed, so the empty state says so.
        await page.ClickAsync("[data-testid=history-failures]");
        await Assertions.Expect(page.Locator(".empty-state")).ToContainTextAsync("No failed runs");

        await page.ScreenshotAsync(new() { Path = Shot("jobs-desktop.png"), FullPage = true });
        // On a phone each job is a card, and its row actions are whole on screen (they were cut off in the old grid).
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/jobs");
        var run = supervisor.Locator("[data-testid='trigger-system.supervisor']");
        await run.ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(run).ToBeInViewportAsync(new() { Ratio = 1 });
        var box = (await run.BoundingBoxAsync())!;
        (box.X + box.Width).Should().BeLessThanOrEqualTo(390);
        await page.ScreenshotAsync(new() { Path = Shot("jobs-narrow.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task A_collection_created_through_the_service_appears_live_and_runs_to_succeeded_with_its_segment_grid()
    {
        var admin = await AdminAsync();
        var report = await DemoReportAsync(admin, "Browser backfill");
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/collections");
        await page.EvaluateAsync("() => window.__marker = 'same-document'");

        var (start, end) = BackfillPreset.All.Single(p => p.Key == "4w").Period(DateTimeOffset.UtcNow);
        var created = await fixture.App.Services.GetRequiredService<CollectionService>().CreateAsync(admin,
            new CollectionInput(report.Id, new DateTimeOffset(start, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero), "week", 2), default);

        var row = page.Locator($"[data-testid=collection-grid] tr:has([data-collection='{created.Id}'])");
        await Assertions.Expect(row).ToContainTextAsync("Browser backfill", new() { Timeout = 20_000 });
        await Assertions.Expect(row.Locator("[data-testid=collection-status]")).ToHaveTextAsync("succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(row.Locator("[data-testid=collection-progress-text]")).ToContainTextAsync("4/4");
        (await page.EvaluateAsync<string>("() => window.__marker")).Should().Be("same-document", "the list updated live");
        await page.ScreenshotAsync(new() { Path = Shot("collections-list.png"), FullPage = true });

        await row.Locator("[data-testid=collection-link]").ClickAsync();
        await BrowserFixture.WaitForAddressAsync(page, new Regex($"/collections/{created.Id}$"));
        var cells = page.Locator("[data-testid=segment-grid] [data-testid=segment-cell]");
        await Assertions.Expect(cells).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("[data-testid=segment-grid] [data-status=succeeded]")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("[data-testid=collection-done]")).ToHaveTextAsync("4 / 4 succeeded");
        await Assertions.Expect(page.Locator("[data-testid=collection-pause]")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator("[data-testid=collection-retry]")).ToBeDisabledAsync();
        (await cells.First.GetAttributeAsync("title")).Should().MatchRegex(@"^\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d · succeeded · 1 attempt · [\d,]+ rows?$");

        // Keyboard: the cells are buttons; Enter on a focused cell shows its details.
        await cells.Nth(1).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=segment-detail]")).ToContainTextAsync("Segment 2");
        await Assertions.Expect(page.Locator("[data-testid=segment-table]")).ToContainTextAsync("succeeded");

        await page.ScreenshotAsync(new() { Path = Shot("collection-detail-desktop.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.GotoInteractiveAsync(page, $"/collections/{created.Id}");
        await Assertions.Expect(cells).ToHaveCountAsync(4);
        await PhoneFit.AssertFitsAsync(page, page.Url, "[data-testid=collection-header]");
        // On a phone the controls fold: Pause stays, the others are in the "More" menu.
        await Assertions.Expect(page.Locator("[data-testid=collection-pause]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=collection-cancel]")).ToBeHiddenAsync();
        await page.Locator("[data-testid=collection-more] button").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=collection-cancel-menu]")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await page.ScreenshotAsync(new() { Path = Shot("collection-detail-narrow.png"), FullPage = true });
        await BrowserFixture.GotoInteractiveAsync(page, "/collections");
        await Assertions.Expect(row).ToBeAttachedAsync();
        await PhoneFit.AssertFitsAsync(page, page.Url, "[data-testid=collection-link]");
        await page.ScreenshotAsync(new() { Path = Shot("collections-list-narrow.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task The_new_backfill_dialog_shows_the_services_field_errors_then_starts_a_backfill_and_opens_it()
    {
        var admin = await AdminAsync();
        await DemoReportAsync(admin, "Dialog report A");
        await DemoReportAsync(admin, "Dialog report B");
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/collections");

        await page.ClickAsync("[data-testid=new-backfill]");
        var form = page.Locator("[data-testid=backfill-form]");
        await Assertions.Expect(form.Locator("[data-testid=backfill-preview]")).ToHaveTextAsync("52 week segments, at most 10 at once.");
        await form.Locator("[data-testid=preset-4w]").ClickAsync();
        await Assertions.Expect(form.Locator("[data-testid=backfill-preview]")).ToHaveTextAsync("4 week segments, at most 10 at once.");
        await page.ScreenshotAsync(new() { Path = Shot("backfill-dialog.png") });

        await page.ClickAsync("[data-testid=backfill-create]");
        await Assertions.Expect(form.Locator(".field-error[data-field=reportId]")).ToContainTextAsync("Choose the report");

        var report = form.Locator("[data-testid=backfill-report]");
        await report.FillAsync("report B");
        // The list narrows to what was typed (a search round trip), then the choice fills the field and clears its error.
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = "Dialog report A" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Option, new() { Name = "Dialog report B" }).First.ClickAsync();
        await Assertions.Expect(report).ToHaveValueAsync(new Regex("^Dialog report B ·"));
        await page.ClickAsync("[data-testid=backfill-create]");
        await Assertions.Expect(form.Locator(".field-error[data-field=reportId]")).ToHaveCountAsync(0);

        await BrowserFixture.WaitForAddressAsync(page, new Regex("/collections/[^/]+$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Backfill: Dialog report B");
        await Assertions.Expect(page.Locator("[data-testid=collection-header] [data-testid=collection-status]")).ToHaveTextAsync("succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=segment-grid] [data-status=succeeded]")).ToHaveCountAsync(4);
        await page.Context.CloseAsync();
    }
}
