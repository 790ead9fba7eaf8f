using Analytics.Data.Identity;
using Analytics.Web.Components.Layout;
using Bunit;

namespace Analytics.Tests.Components;

public sealed class ThemeSwitchTests : AppComponentTests
{
    [Fact]
    public void Choosing_dark_in_the_menu_reports_the_mode_and_the_current_one_is_checked()
    {
        var popovers = RenderPopovers();
        string? chosen = null;
        var cut = Render<ThemeSwitch>(p => p.Add(s => s.Mode, ThemeModes.Light).Add(s => s.ModeChanged, mode => chosen = mode));

        var button = cut.Find("[data-testid=theme-switch] button");
        button.GetAttribute("aria-label").Should().Be("Colour scheme: light");
        button.Click();
        popovers.WaitForAssertion(() => popovers.FindAll("[data-testid^=theme-]").Should().HaveCount(3));
        popovers.Find("[data-testid=theme-light]").GetAttribute("aria-checked").Should().Be("true");
        popovers.Find("[data-testid=theme-dark]").GetAttribute("aria-checked").Should().Be("false");
        popovers.Find("[data-testid=theme-dark]").Click();

        chosen.Should().Be(ThemeModes.Dark);
    }
}
