using Analytics.Domain.Insights;
using Analytics.Web.Components.Pages.Insights;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace Analytics.Tests.Components;

/// <summary>The insight notification settings on MudBlazor, without a browser: ticking types edits the channel and its summary; e-mail says when it cannot be sent.</summary>
public sealed class InsightSettingsPanelTests : AppComponentTests
{
    [Fact]
    public void Unticking_a_type_takes_it_out_of_that_channel_only_and_the_summary_says_so()
    {
        var form = InsightPreferencesForm.From(InsightNotificationPreferences.Default);
        var saved = 0;
        var cut = Render<InsightSettingsPanel>(p => p.Add(e => e.Form, form).Add(e => e.EmailConfigured, true)
            .Add(e => e.OnSave, EventCallback.Factory.Create(this, () => saved++)));
        form.InApp.Has(InsightType.Trend).Should().BeTrue();
        cut.Find("[data-testid=inapp-summary]").TextContent.Should().Contain("trend");

        cut.Find("input[data-testid=inapp-type-trend]").Change(false);

        form.InApp.Has(InsightType.Trend).Should().BeFalse();
        form.Email.Has(InsightType.Trend).Should().Be(InsightNotificationPreferences.Default.Email.Types.Contains(InsightType.Trend));
        cut.Find("[data-testid=inapp-summary]").TextContent.Should().NotContain("trend");
        form.ToPreferences().Types.Should().NotContain(InsightType.Trend);
        cut.FindAll("[data-testid=email-not-configured]").Should().BeEmpty();

        cut.Find("[data-testid=insight-settings-save]").Click();
        saved.Should().Be(1);
    }

    [Fact]
    public void Without_a_mail_server_the_email_channel_says_nothing_is_sent_and_names_the_setting()
    {
        var cut = Render<InsightSettingsPanel>(p => p.Add(e => e.Form, InsightPreferencesForm.From(InsightNotificationPreferences.Default))
            .Add(e => e.EmailConfigured, false).Add(e => e.Message, "Saved."));

        cut.Find("[data-testid=email-not-configured]").TextContent.Should().Contain("Analytics:Smtp:Host");
        cut.Find("[data-testid=channel-email]").QuerySelector("[data-testid=email-not-configured]").Should().NotBeNull();
        cut.Find("[data-testid=insight-settings-message]").TextContent.Should().Be("Saved.");
        cut.FindAll("input[type=checkbox]").Should().HaveCount(2 * Enum.GetValues<InsightType>().Length)
            .And.OnlyContain(c => c.Closest("label") != null, "each checkbox is inside its label");
    }
}
