using Analytics.Data.Subscriptions;
using Analytics.Web.Components.Pages.Subscriptions;

namespace Analytics.Tests.Subscriptions;

/// <summary>The page's form state: what it sends to the service, and editing an existing subscription.</summary>
public sealed class SubscriptionFormTests
{
    [Fact]
    public void Recipients_split_on_lines_commas_and_semicolons_and_only_the_kinds_own_fields_are_sent()
    {
        var form = new SubscriptionForm
        {
            DashboardId = "d1", Format = "xlsx", Kind = "monthly", Time = "07:30", Days = ["mon"], DayOfMonth = 3, TimeZone = "Europe/Berlin",
            Recipients = "ana@example.com\nbo@example.com, cy@example.com;\r\n  ", Preset = "lastMonth",
        };
        var input = form.ToInput();
        input.Recipients.Should().Equal("ana@example.com", "bo@example.com", "cy@example.com");
        input.Schedule.Should().Be(new SubscriptionScheduleInput("monthly", "07:30", null, 3, null));
        input.Name.Should().BeNull("an empty name means the dashboard's");
        input.Preset.Should().Be("lastMonth");
        input.Enabled.Should().BeTrue();
    }

    [Fact]
    public void Editing_starts_from_the_saved_subscription_and_sends_it_back_unchanged()
    {
        var view = new SubscriptionView("s1", "d1", "Spend", "u1", "Weekly spend", "pdf",
            new SubscriptionScheduleView("weekly", "08:00", ["mon", "thu"], null, null), "Weekly on Mon, Thu at 08:00 (America/New_York)",
            "America/New_York", ["ana@example.com", "bo@example.com"], "lastWeek", [], false, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        var input = SubscriptionForm.From(view).ToInput();
        input.Should().BeEquivalentTo(new SubscriptionInput("d1", "pdf", new SubscriptionScheduleInput("weekly", "08:00", ["mon", "thu"]),
            "America/New_York", ["ana@example.com", "bo@example.com"], "Weekly spend", "lastWeek", Enabled: false));
    }

    [Fact]
    public void Filters_are_typed_one_dimension_per_line_and_round_trip()
    {
        var form = new SubscriptionForm { Filters = "campaign: Brand A, Brand B\r\ninstance = demo-contoso\n\n" };
        var filters = form.ParsedFilters()!;
        filters["campaign"].Should().Equal("Brand A", "Brand B");
        filters["instance"].Should().Equal("demo-contoso");
        new SubscriptionForm().ParsedFilters().Should().BeNull();

        var view = new SubscriptionView("s1", "d1", "Spend", "u1", "n", "csv", new SubscriptionScheduleView("daily", "08:00", [], null, null), "daily",
            "UTC", ["a@example.com"], "lastWeek", new Dictionary<string, List<string>> { ["campaign"] = ["X", "Y"] }, true, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
        SubscriptionForm.From(view).ToInput().Filters!["campaign"].Should().Equal("X", "Y");
    }
}
