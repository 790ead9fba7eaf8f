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

    public static async Task AssertFitsAsync(IPage page, string what)
    {
        var fit = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            () => {
              const vw = window.innerWidth;
              const cutOff = [...document.querySelectorAll('button, a.mud-button-root, [role=button]')]
                .filter(b => { const r = b.getBoundingClientRect(); const s = getComputedStyle(b);
                               return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > vw + 0.5; })
                .map(b => (b.getAttribute('aria-label') || b.getAttribute('data-testid') || b.textContent.trim()).slice(0, 60) + ' (right edge ' + Math.round(b.getBoundingClientRect().right) + ')');
              return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, cutOff };
            }
            """);
        var innerWidth = fit.GetProperty("innerWidth").GetInt32();
        innerWidth.Should().Be(Width, "the page is on a phone-sized viewport");
        fit.GetProperty("scrollWidth").GetInt32().Should().BeLessThanOrEqualTo(innerWidth, $"{what} does not scroll sideways on a phone");
        fit.GetProperty("cutOff").EnumerateArray().Select(b => b.GetString()).Should().BeEmpty($"no button of {what} is cut off the right edge of a phone");
    }
}
