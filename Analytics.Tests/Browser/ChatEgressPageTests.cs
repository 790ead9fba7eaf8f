using Analytics.Data.Chat;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>The data-sharing admin page and the chat's badge in a real browser.</summary>
public sealed class ChatEgressPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [ChromiumFact]
    public async Task Admin_sets_an_instance_mode_on_the_page_and_the_chat_shows_which_mode_applies()
    {
        var page = await fixture.SignedInPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/admin/chat-egress");
        var row = page.Locator("[data-testid=chat-egress-instance][data-source=demo-northwind]");
        await Assertions.Expect(row).ToContainTextAsync("demo-northwind");
        await row.Locator("[data-testid=chat-egress-mode]").ClickAsync();
        await page.Locator("[data-testid=chat-egress-mode-schema-only]").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("UTC");

        var egress = fixture.App.Services.GetRequiredService<ChatEgressService>();
        var modes = await egress.ListAsync(Actor.System, CancellationToken.None);
        modes.Single(m => m.SourceId == "demo-northwind").Mode.Should().Be("schema-only");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-testid=chat-egress-instance][data-source=demo-northwind] [data-testid=chat-egress-mode]")).ToHaveValueAsync("schema-only");

        await BrowserFixture.GotoInteractiveAsync(page, "/chat");
        await Assertions.Expect(page.Locator("[data-testid=chat-egress]")).ToContainTextAsync("nothing is sent to an outside model");
        await egress.SetAsync(Actor.System, "demo-northwind", "default", CancellationToken.None);
        await page.Context.CloseAsync();
    }
}
