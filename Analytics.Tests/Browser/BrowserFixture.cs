using Analytics.Tests.Infrastructure;
using Analytics.Tests.Web;
using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// The app on a real loopback port and Debian's Chromium driven by Playwright (never a downloaded browser).
/// Screenshots go to <c>TestResults/screenshots</c> as test artifacts.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public BrowserFixture() : this(new AnalyticsWebFactory()) { }

    /// <summary>The browser on an app with its own settings (e.g. SMTP pointed at a fake server).</summary>
    protected BrowserFixture(AnalyticsWebFactory app) => App = app;

    public AnalyticsWebFactory App { get; }
    public Uri BaseAddress { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    private IPlaywright? _playwright;

    public static string ScreenshotDirectory
    {
        get
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public async Task InitializeAsync()
    {
        if (TestEnvironment.ChromiumSkipReason is not null) return; // the tests themselves are skipped
        BaseAddress = App.StartKestrel();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser context signed in as the seeded admin, on the home page.</summary>
    public async Task<IPage> SignedInPageAsync(string email = AnalyticsWebFactory.AdminEmail, string password = AnalyticsWebFactory.AdminPassword)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login"));
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Goes to a page and waits until its circuit is live (prerendered HTML ignores typing until then).</summary>
    public static async Task GotoInteractiveAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    /// <summary>
    /// Waits until the page's address matches: Blazor navigates inside the document (no load event), and on a loaded
    /// CI machine a circuit round trip can take a while, so this polls the address for up to a minute and leaves a
    /// screenshot when it never gets there.
    /// </summary>
    public static async Task WaitForAddressAsync(IPage page, System.Text.RegularExpressions.Regex address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!address.IsMatch(page.Url))
        {
            if (DateTime.UtcNow > deadline)
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, $"address-timeout-{Guid.NewGuid():N}.png") });
                throw new TimeoutException($"The page never reached {address}; it is at {page.Url}.");
            }
            await Task.Delay(100);
        }
    }

    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("main[data-interactive=true]").WaitForAsync(new() { Timeout = 15_000 });

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }
        await App.DisposeAsync();
    }

    /// <summary>
    /// Drags a palette item onto a grid with mouse events dispatched in the page. Playwright's own mouse hangs here:
    /// gridstack's drag-in announces itself with a bubbling DOM event named <c>dragstart</c>, which Playwright takes for
    /// a native HTML5 drag and then waits forever for Chromium to intercept it. Real browsers are unaffected.
    /// </summary>
    public static Task DragPaletteItemAsync(IPage page, string paletteSelector, string gridSelector, int offsetX, int offsetY) =>
        page.EvaluateAsync("""
            async ([palette, grid, dx, dy]) => {
              const item = document.querySelector(palette), target = document.querySelector(grid);
              const r = item.getBoundingClientRect(), g = target.getBoundingClientRect();
              const at = (x, y) => ({ bubbles: true, cancelable: true, composed: true, clientX: x, clientY: y, button: 0, buttons: 1, view: window });
              const pause = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 20)));
              item.dispatchEvent(new MouseEvent('mousedown', at(r.x + 5, r.y + 5)));
              await pause();
              for (let i = 1; i <= 12; i++) {
                const x = r.x + 5 + (g.x + dx - r.x - 5) * i / 12, y = r.y + 5 + (g.y + dy - r.y - 5) * i / 12;
                document.dispatchEvent(new MouseEvent('mousemove', at(x, y)));
                await pause();
              }
              document.dispatchEvent(new MouseEvent('mouseup', at(g.x + dx, g.y + dy)));
              await pause();
            }
            """, new object[] { paletteSelector, gridSelector, offsetX, offsetY });
}
