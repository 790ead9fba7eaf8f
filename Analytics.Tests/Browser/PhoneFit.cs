using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// What a 390×844 phone must show on a page, one rule for every browser test: the page never scrolls sideways, and no
/// visible control runs past the screen's edge — unless it sits in a wide table that scrolls sideways in its own box (it
/// can be scrolled to) or in a closed drawer. A toolbar that scrolls is not excused: its buttons must fit.
/// </summary>
internal static class PhoneFit
{
    public const int Width = 390;
    public const int Height = 844;

    /// <summary>Lists what breaks the phone layout: the page's own overflow, then each control whose box leaves the screen sideways.</summary>
    private const string ProblemsScript = """
        () => {
          const problems = [];
          const doc = document.documentElement;
          if (doc.scrollWidth > innerWidth) problems.push(`the page scrolls sideways: scrollWidth ${doc.scrollWidth} > ${innerWidth}`);
          const excused = el => {
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              const s = getComputedStyle(p);
              const scrolls = (s.overflowX === 'auto' || s.overflowX === 'scroll') && p.scrollWidth > p.clientWidth;
              if (scrolls && (p.querySelector('table, [role=grid]') || p.closest('table'))) return true;
              if (p.classList.contains('mud-drawer') && !p.classList.contains('mud-drawer--open')) return true;
            }
            return false;
          };
          const controls = document.querySelectorAll('button, [role=button], a.mud-button-root, input[type=submit], input[type=button]');
          for (const el of controls) {
            const r = el.getBoundingClientRect();
            const s = getComputedStyle(el);
            if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none') continue;
            if (el.closest('[aria-hidden=true], [inert], dialog:not([open])')) continue;
            if (r.left >= -0.5 && r.right <= innerWidth + 0.5) continue;
            if (excused(el)) continue;
            const name = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
            const id = el.getAttribute('data-testid') || el.className.toString().slice(0, 60);
            problems.push(`'${name}' (${el.tagName.toLowerCase()} ${id}) spans ${Math.round(r.left)}–${Math.round(r.right)} px`);
          }
          return problems;
        }
        """;

    /// <summary>
    /// What is still wrong once the page has settled on the phone's size: a resize, a late chart or a grid re-lays out for a
    /// moment, so a problem counts only if it is still there after looking again for up to three seconds.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(IPage page)
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            var problems = await page.EvaluateAsync<string[]>(ProblemsScript);
            if (problems.Length == 0 || DateTime.UtcNow > deadline) return problems;
            await page.WaitForTimeoutAsync(250);
        }
    }

    /// <summary>Puts the page on a 390×844 screen, checks that <paramref name="keyContent"/> (if given) can be brought on screen, and that the page fits.</summary>
    public static async Task AssertFitsAsync(IPage page, string what, string? keyContent = null)
    {
        if (page.ViewportSize is not { Width: Width, Height: Height }) await page.SetViewportSizeAsync(Width, Height);
        if (keyContent is not null)
        {
            var key = page.Locator(keyContent).First;
            await key.ScrollIntoViewIfNeededAsync();
            await Assertions.Expect(key).ToBeInViewportAsync();
        }
        (await page.EvaluateAsync<int>("innerWidth")).Should().Be(Width, "the page is on a phone-sized viewport");
        (await ProblemsAsync(page)).Should().BeEmpty($"{what} fits a 390 px phone: no sideways scrolling and no control cut off");
    }
    /// <summary>
    /// Puts the page back on a desktop screen and waits until the layout has settled: the responsive drawer opens through a
    /// circuit round trip and slides the content sideways, so a click aimed before it lands can hit the wrong spot.
    /// </summary>
    public static async Task BackToDesktopAsync(IPage page, int width = 1366, int height = 900)
    {
        await page.SetViewportSizeAsync(width, height);
        await Assertions.Expect(page.Locator("main.app-main")).ToHaveAttributeAsync("data-sidebar", "expanded");
        await page.WaitForFunctionAsync("""
            () => new Promise(resolve => {
              const main = document.querySelector('main.app-main');
              const left = () => main.getBoundingClientRect().left;
              let last = left(), still = 0;
              const tick = () => { const now = left(); still = now === last ? still + 1 : 0; last = now; still >= 10 ? resolve(true) : requestAnimationFrame(tick); };
              requestAnimationFrame(tick);
            })
            """);
    }
}
