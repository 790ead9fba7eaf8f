using Analytics.Domain;
using Analytics.Domain.Insights;
using Analytics.Web.Components.Pages.Insights;

namespace Analytics.Tests.Insights;

/// <summary>The notification settings panel's rules without a browser, and the preferences' own validation.</summary>
public sealed class InsightPreferencesFormTests
{
    [Fact]
    public void Editing_each_channel_writes_the_preferences_the_api_takes()
    {
        var form = InsightPreferencesForm.From(InsightNotificationPreferences.Default);
        form.InApp.Frequency.Should().Be("immediately");
        form.Email.MinPriority.Should().Be(InsightPriority.Critical);

        form.InApp.Set(InsightType.Trend, false);
        form.InApp.Frequency = InsightFrequency.Daily;
        form.Email.Types.Clear();
        form.Email.Set(InsightType.Opportunity, true);
        form.Email.Set(InsightType.Anomaly, true);
        form.Email.MinPriority = InsightPriority.High;
        form.Email.Frequency = InsightFrequency.Weekly;
        var saved = form.ToPreferences();

        saved.Types.Should().Equal(InsightType.Anomaly, InsightType.Summary, InsightType.Opportunity);
        saved.Frequency.Should().Be("daily");
        saved.Email.Types.Should().Equal(InsightType.Anomaly, InsightType.Opportunity);
        saved.Email.Frequency.Should().Be("weekly");
        saved.Email.Wants(InsightType.Opportunity, InsightPriority.High).Should().BeTrue();
        saved.Email.Wants(InsightType.Opportunity, InsightPriority.Medium).Should().BeFalse();
        saved.Email.Wants(InsightType.Summary, InsightPriority.Critical).Should().BeFalse();
        form.Email.Summary.Should().Be("One digest a week (Mondays): anomaly, opportunity insights of high priority and above.");
        InsightPreferencesForm.From(saved).ToPreferences().Should().BeEquivalentTo(saved);

        form.Email.Frequency = InsightFrequency.Off;
        form.Email.Summary.Should().StartWith("Nothing is sent");
        form.ToPreferences().Email.Wants(InsightType.Anomaly, InsightPriority.Critical).Should().BeFalse();
    }

    [Fact]
    public void A_bad_frequency_on_either_channel_is_refused_naming_the_field()
    {
        new InsightNotificationPreferences().Invoking(p => p.Validate()).Should().NotThrow();
        new InsightNotificationPreferences { Frequency = "hourly" }.Invoking(p => p.Validate())
            .Should().Throw<ValidationException>().Which.Errors.Keys.Should().Equal("insights.frequency");
        new InsightNotificationPreferences { Email = new InsightChannelPreferences { Frequency = "monthly" } }.Invoking(p => p.Validate())
            .Should().Throw<ValidationException>().Which.Errors.Keys.Should().Equal("insights.email.frequency");
    }
}
