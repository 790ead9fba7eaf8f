using Analytics.Tests.Exports;
using Analytics.Tests.Infrastructure;
using Analytics.Tests.Subscriptions;
using Microsoft.Playwright;
using MimeKit;

namespace Analytics.Tests.Browser;

/// <summary>The browser on an app whose SMTP settings point at a <see cref="FakeSmtpServer"/> on 127.0.0.1.</summary>
public sealed class MailBrowserFixture() : BrowserFixture(new SubscriptionsWebFactory())
{
    public FakeSmtpServer Smtp => ((SubscriptionsWebFactory)App).Smtp;
}

/// <summary>The dashboard page's export dialog in a real browser: page size, orientation and summary reach the PDF; "e-mail this now" reaches the mail server.</summary>
public sealed class ExportOptionsUiTests(MailBrowserFixture fixture) : IClassFixture<MailBrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDirectory, name);

    private static async Task<IPage> DashboardAsync(MailBrowserFixture fixture, bool phone = false)
    {
        var page = await fixture.SignedInPageAsync();
        if (phone) await page.SetViewportSizeAsync(PhoneFit.Width, PhoneFit.Height);
        await BrowserFixture.GotoInteractiveAsync(page, "/dashboards/demo-performance");
        await Assertions.Expect(page.Locator("[data-testid=widget][data-state=ok]").First).ToBeVisibleAsync(new() { Timeout = 15_000 });
        return page;
    }

    private static async Task<ILocator> OpenAsync(IPage page, string choice)
    {
        await page.Locator("[data-testid=download-button]").ClickAsync();
        await page.Locator($"[data-testid=download-{choice}]").ClickAsync();
        // The test id marks the dialog's content; its buttons are beside it, in the dialog.
        var dialog = page.Locator(".mud-dialog").Filter(new() { Has = page.Locator("[data-testid=export-dialog]") });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        return dialog;
    }

    [ChromiumFact]
    public async Task Letter_landscape_without_summary_gives_a_letter_landscape_pdf_with_no_summary_page_and_a4_portrait_with_summary_has_one()
    {
        var page = await DashboardAsync(fixture);
        var dialog = await OpenAsync(page, "options");
        await DashboardsUiTests.PickAsync(page, "export-page-size", "Letter");
        await dialog.Locator("[data-testid=export-landscape]").ClickAsync();
        await Assertions.Expect(dialog.Locator("[data-testid=export-summary]")).Not.ToBeCheckedAsync();
        await page.ScreenshotAsync(new() { Path = Shot("export-dialog.png") });
        var download = page.WaitForDownloadAsync();
        await dialog.Locator("[data-testid=export-download]").ClickAsync();
        var file = await download;
        file.SuggestedFilename.Should().EndWith(".pdf");
        var path = ExportTestFiles.PathFor("export-dialog-letter-landscape.pdf");
        await file.SaveAsAsync(path);
        ExportTestFiles.PageSize(path).Should().Be((792.0, 612.0), "US Letter, landscape");
        ExportTestFiles.PdfText(path).Should().NotContain("Executive summary");

        page = await DashboardAsync(fixture);
        dialog = await OpenAsync(page, "options");
        await dialog.Locator("[data-testid=export-portrait]").ClickAsync();
        await dialog.Locator("[data-testid=export-summary]").ClickAsync();
        download = page.WaitForDownloadAsync();
        await dialog.Locator("[data-testid=export-download]").ClickAsync();
        path = ExportTestFiles.PathFor("export-dialog-a4-portrait-summary.pdf");
        await (await download).SaveAsAsync(path);
        ExportTestFiles.PageSize(path).Should().Be((595.3, 841.9), "A4, portrait");
        ExportTestFiles.PdfText(path).Split('\f')[0].Should().Contain("Executive summary", "the summary comes first");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task E_mail_this_now_names_a_recipient_outside_the_allowed_domains_on_its_field_then_reaches_the_mail_server()
    {
        var page = await DashboardAsync(fixture);
        var dialog = await OpenAsync(page, "email");
        await dialog.Locator("[data-testid=export-recipients]").FillAsync("ana@example.com, eve@elsewhere.org");
        await dialog.Locator("[data-testid=export-recipients]").PressAsync("Tab");
        await dialog.Locator("[data-testid=export-send]").ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("elsewhere.org is not one of them");
        fixture.Smtp.Messages.Should().BeEmpty("nothing is sent while a recipient is refused");

        await dialog.Locator("[data-testid=export-recipients]").FillAsync("ana@example.com; bo@example.com");
        await dialog.Locator("[data-testid=export-recipients]").PressAsync("Tab");
        await DashboardsUiTests.PickAsync(page, "export-page-size", "Letter");
        await dialog.Locator("[data-testid=export-portrait]").ClickAsync();
        await page.ScreenshotAsync(new() { Path = Shot("export-email-dialog.png") });
        await dialog.Locator("[data-testid=export-send]").ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("ana@example.com, bo@example.com");

        var message = fixture.Smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m))).Single();
        message.To.Mailboxes.Select(m => m.Address).Should().BeEquivalentTo("ana@example.com", "bo@example.com");
        message.Subject.Should().Be("Performance overview (PDF)");
        var attachment = message.Attachments.OfType<MimePart>().Single();
        var path = ExportTestFiles.PathFor("export-email-now.pdf");
        await using (var stream = File.Create(path)) await attachment.Content!.DecodeToAsync(stream);
        ExportTestFiles.PageSize(path).Should().Be((612.0, 792.0), "the chosen US Letter portrait");

        await BrowserFixture.GotoInteractiveAsync(page, "/exports");
        await Assertions.Expect(page.Locator("[data-testid=export-grid]")).ToContainTextAsync("E-mailed to ana@example.com, bo@example.com");
        await page.Context.CloseAsync();
    }

    [ChromiumFact]
    public async Task On_a_phone_the_export_dialog_fits_the_screen()
    {
        var page = await DashboardAsync(fixture, phone: true);
        var dialog = await OpenAsync(page, "email");
        await Assertions.Expect(dialog.Locator("[data-testid=export-send]")).ToBeInViewportAsync();
        await PhoneFit.AssertFitsAsync(page, "the export dialog");
        await page.ScreenshotAsync(new() { Path = Shot("export-dialog-phone.png") });
        await page.Context.CloseAsync();
    }
}
