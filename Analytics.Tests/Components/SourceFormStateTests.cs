using System.Text.Json.Nodes;
using Analytics.Data.Sources;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;
using Analytics.Web.Components.Pages.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Components;

public sealed class SourceFormStateTests : IAsyncLifetime
{
    private AnalyticsTestHost _host = null!;

    public async Task InitializeAsync() => _host = await AnalyticsTestHost.CreateAsync(Analytics.Data.DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SourceFormState State() => new(_host.Services.GetRequiredService<SourceConnectors>());

    [Fact]
    public void Each_kind_brings_its_own_fields_and_the_demo_cannot_be_created()
    {
        var state = State();
        state.CreatableKinds.Should().BeEquivalentTo([SourceKind.Sqlite, SourceKind.Postgres, SourceKind.Amc, SourceKind.Csv]);
        state.Kind = SourceKind.Amc;
        state.Fields.Select(f => f.Name).Should().Equal("baseUrl", "instanceId", "advertiserId", "marketplaceId", "clientId", "accessToken");
        state.Fields.Single(f => f.Name == "accessToken").Type.Should().Be(SettingFieldType.Secret);
    }

    [Fact]
    public void A_csv_shape_typed_as_text_becomes_the_settings_json_the_connector_validates()
    {
        var state = State();
        state.Kind = SourceKind.Csv;
        state.Values["timeColumn"] = " day ";
        state.Values["dimensions"] = "campaign, region,";
        state.Values["measures"] = "clicks:sum, spend, reach:MAX";
        var settings = state.Settings();
        settings.ToJsonString().Should().Be("""{"timeColumn":"day","dimensions":["campaign","region"],"measures":[{"name":"clicks","aggregation":"sum"},{"name":"spend","aggregation":"sum"},{"name":"reach","aggregation":"max"}]}""");
        var act = () => _host.Services.GetRequiredService<SourceConnectors>().Get(SourceKind.Csv).ValidateSettings(settings);
        act.Should().NotThrow();
    }

    [Fact]
    public void Editing_never_shows_a_stored_secret_and_leaving_it_blank_keeps_it()
    {
        var state = State();
        var settings = new JsonObject { ["baseUrl"] = "https://advertising-api.amazon.com", ["instanceId"] = "amc1", ["accessToken"] = null, ["secretsSet"] = new JsonArray("accessToken") };
        state.Load(new SourceView("s1", "AMC", "amc", null, DateTimeOffset.UnixEpoch, [], settings, "u1", DateTimeOffset.UnixEpoch));
        state.Value("accessToken").Should().BeEmpty();
        state.SecretsSet.Should().Equal("accessToken");
        state.Settings().ContainsKey("accessToken").Should().BeFalse("an empty secret is left out, which keeps the stored one");
        state.Values["accessToken"] = "new-token";
        state.Settings()["accessToken"]!.GetValue<string>().Should().Be("new-token");
    }

    [Fact]
    public void Errors_land_under_their_field_and_the_rest_at_the_top()
    {
        var state = State();
        state.Kind = SourceKind.Csv;
        state.Errors = new Dictionary<string, string[]>
        {
            ["settings.timeColumn"] = ["Name the column."],
            ["settings.measures"] = ["Declare at least one measure."],
            ["settings.fields"] = ["'date' is reserved."],
            ["name"] = ["A source needs a name."],
        };
        state.ErrorsFor("settings.timeColumn").Should().Equal("Name the column.");
        state.ErrorsFor("name").Should().Equal("A source needs a name.");
        state.OtherErrors().Should().Equal("'date' is reserved.");
    }
}
