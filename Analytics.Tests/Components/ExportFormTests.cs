using Analytics.Data.Dashboards;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Exports;
using Analytics.Web.Components.Pages.Dashboards;

namespace Analytics.Tests.Components;

/// <summary>The export dialog's and the alert widget panel's state, without a browser.</summary>
public class ExportFormTests
{
    [Fact]
    public void A_pdf_download_carries_page_orientation_and_summary_tables_carry_underlying_rows_and_json_no_filters()
    {
        var form = new ExportForm(email: false) { PageSize = ExportPageSize.Letter, Orientation = ExportOrientation.Portrait, Summary = true };
        form.DownloadLink("d1", f => $"/downloads/dashboards/d1?format={f}&preset=last7days")
            .Should().Be("/downloads/dashboards/d1?format=pdf&preset=last7days&page=letter&orientation=portrait&layout=grid&summary=true");

        form.Format = "csv";
        form.Underlying = true;
        form.DownloadLink("d1", f => $"/x?format={f}").Should().Be("/x?format=csv&rows=underlying", "page options shape a PDF only");
        form.Format = ExportForm.Json;
        form.DownloadLink("d 1", f => "/unused").Should().Be("/downloads/dashboards/d%201?format=json");
    }

    [Fact]
    public void An_e_mail_offers_no_json_splits_recipients_and_gathers_indexed_recipient_errors_on_the_field()
    {
        var form = new ExportForm(email: true) { Recipients = "ana@example.com, bo@example.com;\ncy@example.com" };
        form.AvailableFormats.Select(f => f.Value).Should().NotContain(ExportForm.Json);
        form.HasRows.Should().BeFalse();
        var input = form.ToEmailInput(new DashboardDataRequest(Preset: "last7days"));
        input.Recipients.Should().Equal("ana@example.com", "bo@example.com", "cy@example.com");
        input.Page.Should().Be("a4");
        input.Preset.Should().Be("last7days");
        ExportForm.ErrorFor(new Dictionary<string, string[]> { ["recipients[1]"] = ["b is outside"], ["format"] = ["bad"] }, "recipients").Should().Be("b is outside");
    }

    [Fact]
    public void An_alert_widgets_form_keeps_its_rules_and_switching_to_it_drops_the_query()
    {
        var form = WidgetConfigForm.From("bar", WidgetKinds.Get("bar").Starter);
        form.ChangeKind("alert");
        form.AlertRuleIds = ["r1", "r2"];
        var config = form.ToConfig();
        config.Query.Should().BeNull();
        config.Options![WidgetKinds.AlertRuleIds]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("r1", "r2");
        WidgetConfigForm.From("alert", config).AlertRuleIds.Should().Equal("r1", "r2");
    }
}
