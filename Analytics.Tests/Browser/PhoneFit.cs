using Microsoft.Playwright;

namespace Analytics.Tests.Browser;

/// <summary>
/// What a 390×844 phone must show on a page: nothing scrolls the page sideways, and no visible button (or link drawn
/// as one) runs past the right edge of the screen.
/// </summary>
internal static class PhoneFit
{
    public const int Width = 390;
    public const int Height = 844;

    private sealed record Fit(int ScrollWidth, int InnerWidth, string[] CutOff);

    public static async Task AssertFitsAsync(IPage page, string what)
    {
        var fit = await page.EvaluateAsync<Fit>("""
            () => {
              const vw = window.innerWidth;
              const cutOff = [...document.querySelectorAll('button, a.mud-button-root, [role=button]')]
                .filter(b => { const r = b.getBoundingClientRect(); const s = getComputedStyle(b);
                               return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > vw + 0.5; })
                .map(b => (b.getAttribute('aria-label') || b.getAttribute('data-testid') || b.textContent.trim()).slice(0, 60) + ' (right edge ' + Math.round(b.getBoundingClientRect().right) + ')');
              return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, cutOff };
            }
            """);
        fit.InnerWidth.Should().Be(Width, "the page is on a phone-sized viewport");
        fit.ScrollWidth.Should().BeLessThanOrEqualTo(fit.InnerWidth, $"{what} does not scroll sideways on a phone");
        fit.CutOff.Should().BeEmpty($"no button of {what} is cut off the right edge of a phone");
    }
}
