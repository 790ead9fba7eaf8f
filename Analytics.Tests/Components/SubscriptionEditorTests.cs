using Analytics.Data.Dashboards;
using Analytics.Web.Components.Pages.Subscriptions;
using Bunit;

namespace Analytics.Tests.Components;

/// <summary>The subscription form on MudBlazor, without a browser: the schedule's fields follow "Repeat", days are chips, messages sit under their fields.</summary>
public sealed class SubscriptionEditorTests : AppComponentTests
{
    private static readonly IReadOnlyList<DashboardSummary> Dashboards = [];

    [Fact]
    public void Weekly_shows_day_chips_that_toggle_days_in_week_order()
    {
        var form = new SubscriptionForm { Days = ["mon"] };
        var cut = Render<SubscriptionEditor>(p => p.Add(e => e.Form, form).Add(e => e.Dashboards, Dashboards));

        cut.FindAll("[data-testid^=day-]").Select(c => c.TextContent.Trim()).Should().Equal("mon", "tue", "wed", "thu", "fri", "sat", "sun");
        cut.Find("[data-testid=day-fri]").Click();
        cut.Find("[data-testid=day-wed]").Click();
        form.Days.Should().Equal("mon", "wed", "fri");
        cut.Find("[data-testid=day-mon]").Click();
        form.Days.Should().Equal("wed", "fri");
        form.ToInput().Schedule!.Days.Should().Equal("wed", "fri");
    }

    [Fact]
    public void Repeat_decides_which_schedule_fields_show()
    {
        var popovers = RenderPopovers();
        var form = new SubscriptionForm();
        var cut = Render<SubscriptionEditor>(p => p.Add(e => e.Form, form).Add(e => e.Dashboards, Dashboards));
        cut.FindAll("input[data-testid=subscription-time]").Should().HaveCount(1);

        AlertRuleEditorTests.Choose(cut, popovers, "subscription-kind", "cron");
        cut.WaitForAssertion(() => cut.FindAll("input[data-testid=subscription-cron]").Should().HaveCount(1));
        cut.FindAll("input[data-testid=subscription-time]").Should().BeEmpty();
        cut.FindAll("[data-testid=subscription-days]").Should().BeEmpty();

        AlertRuleEditorTests.Choose(cut, popovers, "subscription-kind", "monthly");
        cut.WaitForAssertion(() => cut.FindAll("input[data-testid=subscription-day-of-month]").Should().HaveCount(1));
        cut.FindAll("input[data-testid=subscription-time]").Should().HaveCount(1);
        form.Kind.Should().Be("monthly");
    }

    [Fact]
    public void Each_bad_recipient_gets_its_own_message_under_the_recipients()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["recipients[1]"] = ["bob@elsewhere.test: deliveries may only go to the domains of this app's users."],
            ["schedule.time"] = ["Give the time as HH:mm, e.g. 08:00."],
        };
        var cut = Render<SubscriptionEditor>(p => p.Add(e => e.Form, new SubscriptionForm { Recipients = "a@localhost\nbob@elsewhere.test" })
            .Add(e => e.Errors, errors).Add(e => e.Dashboards, Dashboards));

        cut.Find(".field-error[data-field='recipients[1]']").TextContent.Should().Contain("bob@elsewhere.test");
        cut.Find(".field-error[data-field='schedule.time']").TextContent.Should().Be("Give the time as HH:mm, e.g. 08:00.");
        cut.Find("textarea[data-testid=subscription-recipients]").GetAttribute("aria-invalid").Should().Be("true");
        cut.Find("input[data-testid=subscription-time]").GetAttribute("aria-invalid").Should().Be("true");
        cut.Find("input[data-testid=subscription-name]").GetAttribute("aria-invalid").Should().Be("false");
    }
}
