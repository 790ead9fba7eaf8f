using Analytics.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>/alerts in a real browser: the form shows the service's message under the field, a rule is created, paused and deleted; on a phone each rule is a card that fits.</summary>
public sealed class AlertsUiTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task A_rule_is_created_through_the_form_paused_and_deleted_and_the_page_fits_a_phone()
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await BrowserFixture.GotoInteractiveAsync(page, "/alerts");
        await page.Locator("[data-testid=new-rule]").ClickAsync();
        var form = page.Locator("[data-testid=rule-form]");
        await Assertions.Expect(form).ToBeVisibleAsync();
        await PhoneFit.AssertFitsAsync(page, "the alert rule form");

        await page.Locator("[data-testid=create-rule]").ClickAsync();
        await Assertions.Expect(form.Locator(".field-error[data-field=name]")).ToContainTextAsync("name");
        await Assertions.Expect(page.Locator("input[data-testid=rule-name]")).ToHaveAttributeAsync("aria-invalid", "true");

        var name = $"ROAS floor {Guid.NewGuid():N}"[..18];
        await page.Locator("[data-testid=rule-name]").FillAsync(name);
        await page.Locator("[data-testid=create-rule]").ClickAsync();
        await Assertions.Expect(form).ToHaveCountAsync(0);
        var row = page.Locator("[data-testid=rule-grid] tbody tr", new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("below 2 over 7d");
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Created rule {name}");

        // On a phone the rule is a card: its name and both actions are on screen.
        await row.Locator("[data-testid=rule-toggle]").ScrollIntoViewIfNeededAsync();
        await Assertions.Expect(row.Locator("[data-testid=rule-toggle]")).ToBeInViewportAsync();
        await Assertions.Expect(row.Locator("[data-testid=rule-delete]")).ToBeInViewportAsync();
        await PhoneFit.AssertFitsAsync(page, "the alert rules");

        await row.Locator("[data-testid=rule-toggle]").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("paused");
        await Assertions.Expect(row.Locator("[data-testid=rule-toggle]")).ToHaveAttributeAsync("aria-label", $"Resume {name}");
        await row.Locator("[data-testid=rule-delete]").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
