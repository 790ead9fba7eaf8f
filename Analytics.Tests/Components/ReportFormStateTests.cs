using System.Text.Json;
using Analytics.Data.Reports;
using Analytics.Domain;
using Analytics.Domain.Facts;
using Analytics.Domain.Reports;
using Analytics.Domain.Reports.Parameters;
using Analytics.Web.Components.Pages.Reports;

namespace Analytics.Tests.Components;

/// <summary>The reports UI's state classes, without a browser: the parameter form, the run dialog and the template form.</summary>
public sealed class ReportFormStateTests
{
    private static readonly DateSpan Window = new(new DateOnly(2025, 1, 6), new DateOnly(2025, 1, 13));

    private static JsonElement J(object value) => JsonSerializer.SerializeToElement(value);

    private static readonly ParameterDefinition[] Definitions =
    [
        new("campaignType", ParameterType.Enum, Required: true, Default: J("all"), Options: ["all", "DSP"]),
        new("minSpend", ParameterType.Decimal, Default: J(0), Min: 0),
        new("limit", ParameterType.Int, Min: 1, Max: 100),
        new("asins", ParameterType.AsinList),
        new("campaigns", ParameterType.CampaignList, Required: true),
        new("period", ParameterType.DateRange, Default: J("last 4 weeks")),
        new("since", ParameterType.Date),
    ];

    private static readonly JsonElement Ui = J(new Dictionary<string, object>
    {
        ["campaignType"] = new { label = "Campaign type", help = "Only campaigns of this type." },
        ["asins"] = new { label = "ASINs", widget = "tags", placeholder = "B0C1234567" },
    });

    private static ParameterFormState Form(IReadOnlyDictionary<string, JsonElement>? values = null) => new(Definitions, Ui, values, Window);

    [Fact]
    public void Fields_take_labels_help_and_widgets_from_the_ui_schema_and_humanize_the_rest()
    {
        var form = Form();
        form["campaignType"].Label.Should().Be("Campaign type");
        form["campaignType"].Help.Should().Be("Only campaigns of this type.");
        form["asins"].Widget.Should().Be("tags");
        form["asins"].Placeholder.Should().Be("B0C1234567");
        form["minSpend"].Label.Should().Be("Min spend");
        form["limit"].Expectation.Should().Be("A whole number from 1 to 100.");
        form["minSpend"].Expectation.Should().Be("A number, at least 0.");
    }

    [Fact]
    public void Defaults_fill_the_fields_and_a_stored_report_overrides_them()
    {
        var form = Form();
        form["campaignType"].Text.Should().Be("all");
        form["minSpend"].Number.Should().Be(0m);
        form["period"].Text.Should().Be("last 4 weeks");

        var edited = Form(new Dictionary<string, JsonElement> { ["campaignType"] = J("DSP"), ["campaigns"] = J(new[] { "A", "B" }), ["limit"] = J(5) });
        edited["campaignType"].Text.Should().Be("DSP");
        edited["campaigns"].Tags.Should().Equal("A", "B");
        edited["limit"].Number.Should().Be(5m);
    }

    [Fact]
    public void Errors_are_the_binders_messages_and_show_only_for_touched_fields_until_submit()
    {
        var form = Form();
        form.IsValid.Should().BeFalse("campaigns is required and empty");
        form.ErrorsFor("campaigns").Should().BeEmpty("untouched fields do not shout");

        form["minSpend"].Number = -5;
        form.Changed("minSpend");
        form.ErrorsFor("minSpend").Should().Equal("At least 0.");
        form.ErrorsFor("campaigns").Should().BeEmpty();

        form.ValidateAll().Should().BeFalse();
        form.ErrorsFor("campaigns").Should().Equal("A value is required.");
    }

    [Fact]
    public void Typing_fixes_clear_the_errors_as_you_go()
    {
        var form = Form();
        form["limit"].Number = 2.5m;
        form.Changed("limit");
        form.ErrorsFor("limit").Should().Equal("Expected a whole number.");
        form["limit"].Number = 500;
        form.Changed("limit");
        form.ErrorsFor("limit").Should().Equal("At most 100.");
        form["limit"].Number = 50;
        form.Changed("limit");
        form.ErrorsFor("limit").Should().BeEmpty();

        form["asins"].AddTags("B0C1234567, nope").Should().BeTrue();
        form.Changed("asins");
        form.ErrorsFor("asins").Single().Should().Contain("'nope' is not an ASIN");
        form["asins"].RemoveTag("nope");
        form["campaigns"].AddTags("Northwind - Tents - Auto");
        form.Changed("asins");
        form.ValidateAll().Should().BeTrue();
    }

    [Fact]
    public void Date_expressions_are_accepted_and_explained_and_nonsense_is_refused()
    {
        var form = Form();
        form.Resolved(form["period"]).Should().Contain("2024-12-16 → 2025-01-13");
        form["period"].Text = "previous month";
        form.Changed("period");
        form.ErrorsFor("period").Should().BeEmpty();
        form.Resolved(form["period"]).Should().Contain("2024-12-01 → 2025-01-01");

        form["period"].Text = "sometime soon";
        form.Changed("period");
        form.ErrorsFor("period").Single().Should().Contain("'last 4 weeks'");
        form.Resolved(form["period"]).Should().BeNull();

        form["since"].Text = "window start";
        form.Changed("since");
        form.ErrorsFor("since").Should().BeEmpty();
        form.Resolved(form["since"]).Should().StartWith("= 2025-01-06");
    }

    [Fact]
    public void Values_are_typed_json_and_empty_fields_are_left_out_so_defaults_apply()
    {
        var form = Form();
        form["campaigns"].AddTags("A,B, A ,");
        form["minSpend"].Number = null;
        form["limit"].Number = 10;
        var values = form.ToValues();
        values.Keys.Should().BeEquivalentTo(["campaignType", "campaigns", "period", "limit"]);
        values["campaigns"].EnumerateArray().Select(e => e.GetString()).Should().Equal("A", "B");
        values["limit"].ValueKind.Should().Be(JsonValueKind.Number);
        values["limit"].GetInt32().Should().Be(10);
    }

    [Fact]
    public void Server_errors_show_under_their_parameter()
    {
        var form = Form();
        form.ShowServerErrors(new Dictionary<string, string[]> { ["parameters.minSpend"] = ["At least 0."], ["name"] = ["Name it."] });
        form.ErrorsFor("minSpend").Should().Equal("At least 0.");
    }

    [Theory]
    [InlineData(RunDialogState.Last7Days, "2025-01-08", "2025-01-15")]
    [InlineData(RunDialogState.LastWeek, "2025-01-06", "2025-01-13")]
    [InlineData(RunDialogState.LastMonth, "2024-12-01", "2025-01-01")]
    public void Window_presets_are_whole_utc_days_ending_before_today(string preset, string start, string end)
    {
        var state = new RunDialogState(new DateOnly(2025, 1, 15)) { Preset = preset }; // a Wednesday
        var (s, e) = state.Window();
        s.Should().Be(DateTimeOffset.Parse(start + "T00:00:00Z"));
        e.Should().Be(DateTimeOffset.Parse(end + "T00:00:00Z"));
        s.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void A_custom_window_includes_its_last_day_and_says_what_is_wrong()
    {
        var state = new RunDialogState(new DateOnly(2025, 1, 15)) { Preset = RunDialogState.Custom };
        state.Invoking(s => s.Window()).Should().Throw<ValidationException>().Which.Errors.Keys.Should().BeEquivalentTo(["window.from", "window.to"]);
        state.CustomFrom = new DateTime(2025, 1, 10);
        state.CustomTo = new DateTime(2025, 1, 3);
        state.DescribeWindow().Should().Contain("swap them");
        state.CustomTo = new DateTime(2025, 1, 12);
        state.Window().Should().Be((DateTimeOffset.Parse("2025-01-10T00:00:00Z"), DateTimeOffset.Parse("2025-01-13T00:00:00Z")));
        state.DescribeWindow().Should().Be("2025-01-10 → 2025-01-12 (3 days, UTC)");
    }

    [Fact]
    public void A_recurring_schedule_is_built_and_validated_by_the_domain_rules()
    {
        var state = new RunDialogState(new DateOnly(2025, 1, 15)) { Kind = "weekly", Days = ["fri", "mon"], Time = "07:30", TimeZone = "Europe/Berlin" };
        var schedule = state.Schedule();
        schedule.Days.Should().Equal("mon", "fri");
        schedule.DayOfMonth.Should().BeNull();
        state.DescribeSchedule(DateTimeOffset.Parse("2025-01-15T12:00:00Z")).Should().Contain("First run 2025-01-17 06:30 UTC");

        state.Days = [];
        state.Invoking(s => s.Schedule()).Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("schedule.days");
        state.Kind = "monthly";
        state.DayOfMonth = 31;
        state.DescribeSchedule(DateTimeOffset.UtcNow).Should().Contain("1 to 28");

        var loaded = new RunDialogState(new DateOnly(2025, 1, 15));
        loaded.LoadSchedule(new ReportSchedule { Kind = "cron", Cron = "0 0 6 ? * MON", TimeZone = "UTC" });
        loaded.Schedule().Cron.Should().Be("0 0 6 ? * MON");
    }

    [Fact]
    public void A_backfill_is_split_into_segments_like_data_collections_and_stays_in_the_past()
    {
        var state = new RunDialogState(new DateOnly(2025, 1, 15)) { BackfillFrom = new DateTime(2024, 1, 1), BackfillTo = new DateTime(2024, 12, 29), Granularity = "week" };
        state.BackfillSegments().Should().HaveCount(52);
        state.DescribeBackfill().Should().StartWith("52 week segments");
        state.BackfillTo = new DateTime(2025, 2, 1);
        state.DescribeBackfill().Should().Contain("end it by 2025-01-14");
    }

    [Fact]
    public void The_template_form_round_trips_a_built_in_and_its_input_passes_the_template_rules()
    {
        var builtIn = BuiltInTemplates.All.Single(t => t.Id == "tpl-demo-campaign-daily");
        var valid = TemplateRules.Validate(builtIn.Input);
        var view = new TemplateView("tpl", valid.Name, valid.Category, valid.ReportType, valid.Description, valid.Sql, valid.Parameters,
            JsonDocument.Parse(valid.UiSchemaJson).RootElement, valid.Config, ["demo"], true, "system", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);

        var form = TemplateFormState.From(view, " (copy)");
        form.Name.Should().Be("Performance by campaign (copy)");
        form.Parameters.Select(p => p.Name).Should().Equal("campaignType", "minSpend");
        form.Parameters[0].Options.Should().Be("all, Sponsored Products, Sponsored Brands, Sponsored Display, DSP");
        form.Parameters[0].Label.Should().Be("Campaign type");

        var again = TemplateRules.Validate(form.ToInput());
        again.Config.ToJson().Should().Be(valid.Config.ToJson());
        again.Parameters.Should().BeEquivalentTo(valid.Parameters, o => o.Excluding(p => p.Default));
        again.Parameters[1].Default!.Value.GetDecimal().Should().Be(0m);
    }

    [Fact]
    public void A_broken_template_form_gets_errors_keyed_to_its_fields()
    {
        var form = new TemplateFormState { Name = "", Sql = "SELECT date, x FROM t WHERE y = {{missing}}", Dimensions = "x" };
        form.AddParameter();
        form.Parameters[0].Type = ParameterType.Int;
        form.Parameters[0].Min = 10;
        form.Parameters[0].Max = 1;
        form.Measures[0].Name = "";
        var errors = form.Invoking(f => TemplateRules.Validate(f.ToInput())).Should().Throw<ValidationException>().Which.Errors;
        errors.Keys.Should().Contain(["name", "sql", "parameters[0].min"]);

        form.Measures[0].Name = "spend";
        form.Measures[0].Aggregation = Aggregation.Max;
        form.Measures[0].Additive = false;
        form.Name = "Fixed";
        form.Sql = "SELECT date, x, spend FROM t";
        form.Parameters.Clear();
        var measure = TemplateRules.Validate(form.ToInput()).Config.Measures.Single();
        measure.Aggregation.Should().Be(Aggregation.Max);
        measure.IsAdditive.Should().BeFalse();
    }

    [Fact]
    public void The_gallery_filters_by_category_type_and_the_instance_kind()
    {
        TemplateView T(string id, string category, string type, params string[] kinds) =>
            new(id, id, category, type, null, "SELECT 1", [], default, new ReportConfig { Measures = [new("m")] }, kinds, false, "u", default, default);
        var all = new[] { T("a", "Performance", "performance", "demo"), T("b", "Performance", "performance", "amc"), T("c", "Audience", "reach", "amc"), T("d", "General", "performance") };

        TemplateGallery.Filter(all, null, null, "demo").Select(t => t.Id).Should().Equal("a", "d");
        TemplateGallery.Filter(all, "Performance", null, "amc").Select(t => t.Id).Should().Equal("b");
        TemplateGallery.Filter(all, null, "reach", null).Select(t => t.Id).Should().Equal("c");
        TemplateGallery.Filter(all, null, null, null).Should().HaveCount(4);
    }

    [Fact]
    public void Ticking_weekdays_and_source_kinds_keeps_them_in_calendar_and_list_order_without_duplicates()
    {
        var run = new RunDialogState(new DateOnly(2025, 3, 12));
        run.SetDay("fri", true);
        run.SetDay("wed", true);
        run.SetDay("fri", true);
        run.Days.Should().Equal("mon", "wed", "fri");
        run.SetDay("mon", false);
        run.Days.Should().Equal("wed", "fri");

        var template = new TemplateFormState();
        template.SetSourceKind("amc", true);
        template.SetSourceKind("sqlite", true);
        template.SetSourceKind("demo", false);
        template.SourceKinds.Should().Equal("sqlite", "amc");
    }
}
