using System.Text.RegularExpressions;
using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// The report builder in a real browser (issue 3's "done when", UI half): create a template, create a report on the demo
/// source, run it, see the rows; run the same window again and the stored row count does not change.
/// </summary>
public sealed class ReportsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    /// <summary>Picks an option of a MudBlazor select (its popover lists the options with role <c>option</c>).</summary>
    private static async Task PickAsync(IPage page, string select, string option)
    {
        await page.ClickAsync(select);
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
    }

    /// <summary>
    /// The page on a 390×844 phone: it does not scroll sideways, every visible button lies whole inside the screen (those
    /// inside a table or grid that scrolls by itself, and the navigation drawer, which slides off screen when closed,
    /// excepted), and its key content is on screen.
    /// </summary>
    /// <summary>Starting a run navigates inside the circuit (no load event) to the execution page; a refusal shows in the page instead.</summary>
    private static async Task WaitForExecutionPageAsync(IPage page, string? previous)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(page.Url.Contains("/reports/executions/") && page.Url != previous))
        {
            foreach (var error in new[] { "[data-testid=run-error]", "[data-testid=execution-message]" })
                if (await page.Locator(error).CountAsync() > 0)
                    throw new InvalidOperationException($"The run was refused: {await page.Locator(error).InnerTextAsync()}");
            if (DateTime.UtcNow > deadline)
            {
                await page.ScreenshotAsync(new() { Path = Shot("reports-run-timeout.png") });
                throw new TimeoutException($"No execution page within 60 s; still at {page.Url}.");
            }
            await Task.Delay(100);
        }
    }

    [ChromiumFact]
    public async Task An_analyst_duplicates_a_built_in_template_and_a_missing_name_is_named_under_its_field()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/reports/templates/tpl-demo-campaign-daily");
        await Assertions.Expect(page.Locator("[data-testid=template-sql]")).ToContainTextAsync("FROM ad_performance");
        await Assertions.Expect(page.Locator("[data-testid=template-form]")).ToHaveCountAsync(0); // built-ins are read-only

        await page.ClickAsync("[data-testid=duplicate-template]");
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/reports/templates/new\\?from="));
        var form = page.Locator("[data-testid=template-form]");
        await Assertions.Expect(form.Locator("[data-testid=tpl-name]")).ToHaveValueAsync("Performance by campaign (copy)");
        await form.Locator("[data-testid=tpl-name]").FillAsync("");
        await page.ClickAsync("[data-testid=save-template]");
        await Assertions.Expect(form.Locator(".field-error[data-field=name]")).ToContainTextAsync("needs a name");
        await Assertions.Expect(form.Locator("[data-testid=tpl-name]")).ToHaveAttributeAsync("aria-invalid", "true");

        var name = $"Campaigns {Guid.NewGuid():N}"[..20];
        await form.Locator("[data-testid=tpl-name]").FillAsync(name);
        await page.ScreenshotAsync(new() { Path = Shot("template-form.png"), FullPage = true });
        await PhoneFit.AssertFitsAsync(page, page.Url, "[data-testid=tpl-name]");
        await PhoneFit.BackToDesktopAsync(page);
        await page.ClickAsync("[data-testid=save-template]");
        await BrowserFixture.WaitForAddressAsync(page, new Regex("/reports$"));
        await Assertions.Expect(page.Locator("[data-testid=template-card]", new() { HasText = name })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task A_report_from_the_demo_template_runs_shows_its_rows_and_a_rerun_of_the_window_is_unchanged()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/reports");

        // The gallery filtered to the demo instance offers the demo templates, not the AMC ones.
        await PickAsync(page, "[data-testid=filter-instance]", "Northwind Outdoor (US)");
        var card = page.Locator("[data-template-id=tpl-demo-campaign-daily]");
        await Assertions.Expect(card).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-template-id=tpl-amc-campaign-performance]")).ToHaveCountAsync(0);
        await card.Locator("[data-testid=use-template]").ClickAsync();

        var form = page.Locator("[data-testid=report-form]");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await Assertions.Expect(form.Locator("[data-testid=report-source]")).ToHaveValueAsync("Northwind Outdoor (US)");
        var minSpend = form.Locator("#param-minSpend");
        await minSpend.FillAsync("-5");
        await Assertions.Expect(form.Locator(".field-error[data-field='parameters.minSpend']")).ToHaveTextAsync("At least 0.");
        await minSpend.FillAsync("0");
        await Assertions.Expect(form.Locator(".field-error[data-field='parameters.minSpend']")).ToHaveCountAsync(0);
        var name = $"Northwind {Guid.NewGuid():N}"[..20];
        await form.Locator("[data-testid=report-name]").FillAsync(name);
        await page.ClickAsync("[data-testid=save-report]");
        await Assertions.Expect(page.Locator("[data-testid=report-form]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Created report “{name}”");

        var row = page.Locator("[data-testid=report-grid] tr", new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("never run");
        await row.Locator("[data-testid=run-report]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-dialog]")).ToBeVisibleAsync();
        await page.Locator("[data-testid=run-dialog]").GetByText("Last week (Mon–Sun)").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=window-summary]")).ToContainTextAsync("(7 days, UTC)");
        await page.ScreenshotAsync(new() { Path = Shot("reports-run-dialog.png") });
        await page.ClickAsync("[data-testid=run-now]");
        await WaitForExecutionPageAsync(page, previous: null);
        await Assertions.Expect(page.Locator("[data-testid=execution-status]")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=row-count]")).ToHaveTextAsync("56"); // 8 campaigns × 7 days
        await Assertions.Expect(page.Locator("[data-testid=stored-rows]")).ToHaveTextAsync("56");
        await Assertions.Expect(page.Locator("[data-testid=preview-table] tbody tr")).ToHaveCountAsync(56);
        await Assertions.Expect(page.Locator("[data-testid=preview-table] thead")).ToContainTextAsync("campaign_type");
        await Assertions.Expect(page.Locator("[data-testid=unchanged]")).ToHaveCountAsync(0);
        var firstRun = page.Url;
        await page.ScreenshotAsync(new() { Path = Shot("reports-execution.png"), FullPage = true });
        await PhoneFit.AssertFitsAsync(page, page.Url, "[data-testid=execution-status]");
        await PhoneFit.BackToDesktopAsync(page);

        await page.ClickAsync("[data-testid=run-again]");
        await WaitForExecutionPageAsync(page, previous: firstRun);
        await Assertions.Expect(page.Locator("[data-testid=execution-status]")).ToHaveAttributeAsync("data-status", "succeeded", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=unchanged]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=row-count]")).ToHaveTextAsync("56");
        await Assertions.Expect(page.Locator("[data-testid=stored-rows]")).ToHaveTextAsync("56");
        await Assertions.Expect(page.Locator("[data-testid=history-table] tbody tr")).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Shot("reports-execution-unchanged.png"), FullPage = true });

        await BrowserFixture.GotoInteractiveAsync(page, "/reports");
        row = page.Locator("[data-testid=report-grid] tr", new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("succeeded");
        await Assertions.Expect(row).ToContainTextAsync("56");
        await PhoneFit.AssertFitsAsync(page, page.Url, "[data-testid=report-grid] .report-name");
        await Assertions.Expect(row.Locator(".report-name")).ToContainTextAsync(name); // the row is a card on a phone: its name first
        await row.Locator("[data-testid=run-report]").ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(row.Locator("[data-testid=run-report]")).ToBeInViewportAsync(new() { Ratio = 1 }); // actions stay whole on a phone
        await page.ScreenshotAsync(new() { Path = Shot("reports-narrow.png"), FullPage = true });

        // The run dialog takes the whole phone screen; its tabs and buttons stay on it.
        await row.Locator("[data-testid=run-report]").ClickAsync();
        var dialog = page.Locator(".mud-dialog", new() { Has = page.Locator("[data-testid=run-dialog]") });
        await Assertions.Expect(page.Locator("[data-testid=run-dialog]")).ToBeVisibleAsync();
        var width = 0f;
        for (var i = 0; i < 30 && Math.Abs(width - 390) > 1; i++) // the dialog grows in with a short animation
        {
            width = (await dialog.BoundingBoxAsync())?.Width ?? 0;
            if (Math.Abs(width - 390) > 1) await Task.Delay(100);
        }
        width.Should().BeApproximately(390, 1, "the dialog takes the whole width of a phone");
        await PhoneFit.AssertFitsAsync(page, page.Url, "[data-testid=run-now]");
        await page.Context.CloseAsync();
    }
}
