using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Sources;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Sources;

/// <summary>Source CRUD, secrets at rest, CSV uploads and who may do what, over HTTP against the app.</summary>
public sealed class SourcesApiTests(SourcesWebFactory factory) : IClassFixture<SourcesWebFactory>
{
    private const string Secret = "pa55-w0rd-that-must-never-show";
    private HttpClient Admin => factory.Admin;

    private static object CsvSettings => new
    {
        timeColumn = "day", dimensions = new[] { "campaign" },
        measures = new object[] { new { name = "clicks", aggregation = "sum" }, new { name = "spend", aggregation = "sum" } },
    };

    private const string ValidCsv = "day,campaign,clicks,spend\r\n2025-03-01,Spring,10,1.5\r\n2025-03-01,\"Brand, \"\"Premium\"\"\nline two\",7,2\r\n2025-03-02,Spring,3,0.25\r\n";

    private static StringContent Csv(string text, string mediaType = "text/csv") => new(text, Encoding.UTF8, mediaType);

    private async Task<(string Id, int DatasetId)> CreateCsvSourceAsync()
    {
        var source = await factory.CreateSourceAsync(new { name = $"Uploads {Guid.NewGuid():N}", kind = "csv", settings = CsvSettings, description = "weekly export" });
        var dataset = source["datasets"]!.AsArray().Single(d => d!["key"]!.GetValue<string>() == "rows")!;
        return (source["id"]!.GetValue<string>(), dataset["id"]!.GetValue<int>());
    }

    private async Task<string> RawSettingsAsync(string sourceId)
    {
        await using var connection = new SqliteConnection($"Data Source={factory.AppDatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT settings_json FROM sources WHERE id = $id";
        command.Parameters.AddWithValue("$id", sourceId);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The app's database file and its write-ahead log, as bytes: the secret is in no page of either.</summary>
    private void DatabaseFilesShouldNotContain(string secret)
    {
        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var path in new[] { factory.AppDatabasePath, factory.AppDatabasePath + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.ToArray().AsSpan().IndexOf(needle).Should().Be(-1, $"{Path.GetFileName(path)} must not hold the secret in clear");
        }
    }

    private static string Text(JsonNode? messages) => string.Join(" ", messages!.AsArray().Select(m => m!.GetValue<string>()));

    private async Task<string> StoredSecretAsync(string sourceId, string name)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AnalyticsDbContext>>().CreateDbContextAsync();
        var source = await db.Sources.AsNoTracking().SingleAsync(s => s.Id == sourceId);
        return factory.Services.GetRequiredService<SourceSecrets>().Unprotect(source)[name]!.GetValue<string>();
    }

    [Fact]
    public async Task A_postgres_connection_string_is_encrypted_at_rest_never_returned_and_kept_by_an_update_without_it()
    {
        var connectionString = $"Host=db.internal;Port=5433;Database=shop;Username=reader;Password={Secret}";
        var created = await factory.CreateSourceAsync(new { name = "Shop DB", kind = "postgres", settings = new { connectionString } });
        var id = created["id"]!.GetValue<string>();

        created.ToJsonString().Should().NotContain(Secret);
        created["settings"]!["connectionString"].Should().BeNull();
        created["settings"]!["secretsSet"]!.AsArray().Select(s => s!.GetValue<string>()).Should().Equal("connectionString");
        created["settings"]!["connectionStringRedacted"]!.GetValue<string>().Should().Be("Host=db.internal;Port=5433;Database=shop;Username=reader");
        var raw = await RawSettingsAsync(id);
        raw.Should().NotContain(Secret).And.NotContain("Password", "the whole connection string is the secret").And.Contain("$protected");

        DatabaseFilesShouldNotContain(Secret);
        (await Admin.GetStringAsync($"/api/v1/sources/{id}")).Should().NotContain(Secret);
        (await Admin.GetStringAsync("/api/v1/sources?limit=500")).Should().NotContain(Secret);

        var renamed = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "Shop DB (read replica)", settings = new { connectionString = (string?)null } });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        (await renamed.Content.ReadAsStringAsync()).Should().NotContain(Secret).And.Contain("Shop DB (read replica)");
        (await StoredSecretAsync(id, "connectionString")).Should().Be(connectionString, "a PUT without the secret keeps the stored one");
        (await RawSettingsAsync(id)).Should().NotContain(Secret);

        var moved = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "Shop DB", settings = new { connectionString = "Host=replica;Database=shop;Username=reader;Password=new-one" } });
        moved.StatusCode.Should().Be(HttpStatusCode.OK);
        JsonNode.Parse(await moved.Content.ReadAsStringAsync())!["settings"]!["connectionStringRedacted"]!.GetValue<string>().Should().Be("Host=replica;Port=5432;Database=shop;Username=reader");
        (await StoredSecretAsync(id, "connectionString")).Should().Contain("Password=new-one");

        var bad = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "Broken", kind = "postgres", settings = new { connectionString = "Host=x;Nonsense Key=1" } });
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!["settings.connectionString"].Should().NotBeNull();
    }

    [Fact]
    public async Task An_amc_access_token_is_encrypted_at_rest_and_never_returned()
    {
        var created = await factory.CreateSourceAsync(new
        {
            name = "AMC EU", kind = "amc",
            settings = new { baseUrl = "https://advertising-api-eu.amazon.com", instanceId = "amc1", advertiserId = "ENTITY1", marketplaceId = "A1PA6795UKMFR9", clientId = "client", accessToken = Secret },
        });
        var id = created["id"]!.GetValue<string>();
        created.ToJsonString().Should().NotContain(Secret);
        created["settings"]!["instanceId"]!.GetValue<string>().Should().Be("amc1");
        (await RawSettingsAsync(id)).Should().NotContain(Secret);
        (await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "AMC EU", settings = new { baseUrl = "https://advertising-api-eu.amazon.com", instanceId = "amc2", advertiserId = "ENTITY1", marketplaceId = "A1PA6795UKMFR9", clientId = "client" } }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await StoredSecretAsync(id, "accessToken")).Should().Be(Secret);
        DatabaseFilesShouldNotContain(Secret);
    }

    [Fact]
    public async Task Bad_source_input_answers_400_naming_the_field_and_demo_sources_cannot_be_created()
    {
        var demo = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "Another demo", kind = "demo", settings = new { } });
        demo.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await demo.Content.ReadAsStringAsync()).Should().Contain("built in");

        var unknown = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "X", kind = "oracle", settings = new { } });
        JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["errors"]!["kind"].Should().NotBeNull();

        var amc = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "", kind = "amc", settings = new { baseUrl = "ftp://x" } });
        var errors = JsonNode.Parse(await amc.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Contain(["name"]);

        var noMeasures = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "CSV", kind = "csv", settings = new { timeColumn = "day", dimensions = new[] { "campaign" }, measures = Array.Empty<object>() } });
        noMeasures.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await noMeasures.Content.ReadAsStringAsync())!["errors"]!["settings.measures"].Should().NotBeNull();
        var noTime = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "CSV", kind = "csv", settings = new { dimensions = new[] { "campaign" }, measures = new[] { new { name = "clicks" } } } });
        JsonNode.Parse(await noTime.Content.ReadAsStringAsync())!["errors"]!["settings.timeColumn"].Should().NotBeNull();

        var csv = await CreateCsvSourceAsync();
        var changeKind = await Admin.PutAsJsonAsync($"/api/v1/sources/{csv.Id}", new { name = "x", kind = "sqlite" });
        changeKind.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_valid_csv_upload_writes_its_rows_and_the_same_upload_again_replaces_them()
    {
        var (id, datasetId) = await CreateCsvSourceAsync();

        var first = await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv));
        first.StatusCode.Should().Be(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        JsonNode.Parse(await first.Content.ReadAsStringAsync())!["rowsWritten"]!.GetValue<long>().Should().Be(3);
        (await factory.FactCountAsync(datasetId)).Should().Be(3);

        var again = await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv));
        again.StatusCode.Should().Be(HttpStatusCode.OK);
        (await factory.FactCountAsync(datasetId)).Should().Be(3, "the same rows replace themselves");

        var corrected = await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv("day,campaign,clicks,spend\n2025-03-01,Spring,12,1.75\n2025-03-03,Spring,1,0.1\n"));
        corrected.StatusCode.Should().Be(HttpStatusCode.OK);
        (await factory.FactCountAsync(datasetId)).Should().Be(4, "one row replaced, one added");

        var source = JsonNode.Parse(await Admin.GetStringAsync($"/api/v1/sources/{id}"))!;
        source["datasets"]!.AsArray().Single()!["rowCount"]!.GetValue<long>().Should().Be(4);
    }

    [Fact]
    public async Task A_csv_upload_with_one_bad_row_answers_400_naming_row_and_column_and_writes_nothing()
    {
        var (id, datasetId) = await CreateCsvSourceAsync();

        async Task<JsonObject> Refused(string csv)
        {
            var response = await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(csv));
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        }

        var notNumber = await Refused("day,campaign,clicks,spend\n2025-03-01,Spring,10,1.5\n2025-03-02,Spring,many,1\n");
        Text(notNumber["rows[2].clicks"]).Should().Contain("line 3").And.Contain("'many' is not a number");

        var negative = await Refused("day,campaign,clicks,spend\n2025-03-01,\"multi\nline\",10,1.5\n2025-03-02,Spring,-4,1\n");
        Text(negative["rows[2].clicks"]).Should().Contain("line 4", "the quoted field of row 1 spans two lines").And.Contain("cannot be negative");

        var shortRow = await Refused("day,campaign,clicks,spend\n2025-03-01,Spring,10,1.5\n2025-03-02,Spring,4\n");
        Text(shortRow["rows[2]"]).Should().Contain("3 values for 4 columns");

        var missingColumn = await Refused("day,campaign,clicks\n2025-03-01,Spring,10\n");
        Text(missingColumn["columns.spend"]).Should().Contain("no column 'spend'");

        var badDate = await Refused("day,campaign,clicks,spend\nyesterday,Spring,10,1.5\n");
        badDate["rows[1].day"].Should().NotBeNull();

        var unclosed = await Refused("day,campaign,clicks,spend\n2025-03-01,\"Spring,10,1.5\n");
        Text(unclosed["body"]).Should().Contain("line 2");

        (await factory.FactCountAsync(datasetId)).Should().Be(0, "a refused upload writes nothing, not even its good rows");
    }

    [Fact]
    public async Task Uploads_over_the_size_limit_answer_413_and_other_media_types_415()
    {
        var (id, datasetId) = await CreateCsvSourceAsync();
        var big = new StringBuilder("day,campaign,clicks,spend\n");
        for (var i = 0; big.Length <= SourcesWebFactory.UploadLimit; i++) big.Append($"2025-03-01,Campaign {i},1,1\n");

        var tooLarge = await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(big.ToString()));
        tooLarge.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await tooLarge.Content.ReadAsStringAsync()).Should().Contain("MaxUploadBytes");

        var json = await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv, "application/json"));
        json.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await factory.FactCountAsync(datasetId)).Should().Be(0);

        var demo = await Admin.PostAsync("/api/v1/sources/demo-northwind/rows", Csv(ValidCsv));
        demo.StatusCode.Should().Be(HttpStatusCode.BadRequest, "rows go only to csv sources");
    }

    [Fact]
    public async Task A_report_on_a_csv_source_reads_the_uploaded_rows_as_table_rows()
    {
        var (id, _) = await CreateCsvSourceAsync();
        (await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv))).StatusCode.Should().Be(HttpStatusCode.OK);
        var template = await factory.CreateTemplateAsync("csv", """
            SELECT date, campaign, SUM(clicks) AS clicks, SUM(spend) AS spend FROM rows
            WHERE date >= {{timeWindowStart}} AND date < {{timeWindowEnd}} GROUP BY date, campaign
            """);
        var report = await factory.CreateReportAsync(template, id);

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 8, 0, 0, 0, TimeSpan.Zero));

        execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
        execution["rowCount"]!.GetValue<long>().Should().Be(3);
        (await factory.FactCountAsync(report["datasetId"]!.GetValue<int>())).Should().Be(3);
    }

    [Fact]
    public async Task A_template_on_the_demo_source_cannot_attach_the_apps_own_database()
    {
        var path = factory.AppDatabasePath.Replace("'", "''");
        var template = await factory.CreateTemplateAsync("demo", $"ATTACH DATABASE '{path}' AS app; SELECT '2025-03-01' AS date, name AS campaign, 1 AS clicks, 1 AS spend FROM app.sources");
        var report = await factory.CreateReportAsync(template, "demo-northwind");

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero));

        execution["status"]!.GetValue<string>().Should().Be("failed", "the in-memory database the demo's SQL runs in must not open other files");
        execution["error"]!.GetValue<string>().Should().Contain("attached");
    }

    [Fact]
    public async Task A_template_on_the_demo_sources_in_memory_database_that_builds_a_gigabyte_blob_fails_fast()
    {
        var template = await factory.CreateTemplateAsync("demo", "SELECT '2025-03-01' AS date, 'x' AS campaign, length(randomblob(1000000000)) AS clicks, 0 AS spend");
        var report = await factory.CreateReportAsync(template, "demo-northwind");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 2, 0, 0, 0, TimeSpan.Zero));

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("larger than the limit of 100 MB");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task The_shape_of_a_csv_source_changes_only_while_it_holds_no_rows()
    {
        var (id, _) = await CreateCsvSourceAsync();
        var wider = new { timeColumn = "day", dimensions = new[] { "campaign", "country" }, measures = new object[] { new { name = "clicks" }, new { name = "spend" } } };

        var whileEmpty = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "Uploads", settings = wider });
        whileEmpty.StatusCode.Should().Be(HttpStatusCode.OK, await whileEmpty.Content.ReadAsStringAsync());
        JsonNode.Parse(await whileEmpty.Content.ReadAsStringAsync())!["datasets"]![0]!["dimensions"]!.AsArray().Should().HaveCount(2);

        (await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv("day,campaign,country,clicks,spend\n2025-03-01,Spring,DE,1,1\n"))).StatusCode.Should().Be(HttpStatusCode.OK);
        var withRows = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "Uploads", settings = CsvSettings });
        withRows.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_source_with_reports_cannot_be_deleted_and_one_without_goes_with_its_rows()
    {
        var (id, datasetId) = await CreateCsvSourceAsync();
        (await Admin.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv))).StatusCode.Should().Be(HttpStatusCode.OK);
        var template = await factory.CreateTemplateAsync("csv", "SELECT date, campaign, clicks, spend FROM rows");
        var report = await factory.CreateReportAsync(template, id);

        var refused = await Admin.DeleteAsync($"/api/v1/sources/{id}");
        refused.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await refused.Content.ReadAsStringAsync()).Should().Contain(report["name"]!.GetValue<string>());

        (await Admin.DeleteAsync($"/api/v1/reports/{report["id"]}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Admin.DeleteAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await Admin.GetAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await factory.FactCountAsync(datasetId)).Should().Be(0);
    }

    [Fact]
    public async Task Nobody_reaches_a_source_of_an_instance_not_granted_to_them_and_only_admins_change_sources()
    {
        var (id, datasetId) = await CreateCsvSourceAsync();
        var (_, otherKey) = await factory.CreateUserWithKeyAsync("analyst", ["demo-contoso"]);
        var other = factory.CreateApiClient(otherKey);

        (await other.GetAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "mine now", settings = CsvSettings })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var list = await other.GetFromJsonAsync<JsonObject>("/api/v1/sources?limit=500");
        list!["items"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Should().Equal("demo-contoso");
        (await other.PostAsJsonAsync("/api/v1/sources", new { name = "Mine", kind = "csv", settings = CsvSettings })).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var (_, analystKey) = await factory.CreateUserWithKeyAsync("analyst", [id]);
        var analyst = factory.CreateApiClient(analystKey);
        (await analyst.GetAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await analyst.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "renamed", settings = CsvSettings })).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.DeleteAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await analyst.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv))).StatusCode.Should().Be(HttpStatusCode.OK, "analysts upload to sources granted to them");

        var (_, viewerKey) = await factory.CreateUserWithKeyAsync("viewer", [id]);
        var viewer = factory.CreateApiClient(viewerKey);
        (await viewer.GetAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsync($"/api/v1/sources/{id}/rows", Csv(ValidCsv))).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await factory.FactCountAsync(datasetId)).Should().Be(3);
    }

    private static object AmcSettings(string baseUrl, string? accessToken) => new
    {
        baseUrl, instanceId = "amc1", advertiserId = "ENTITY1", marketplaceId = "A1PA6795UKMFR9", clientId = "client", accessToken,
    };

    private async Task<JsonArray> AuditAsync(string sourceId) =>
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/audit?targetId={sourceId}"))!["items"]!.AsArray();

    [Theory]
    [InlineData("http://advertising-api.amazon.com")]
    [InlineData("https://127.0.0.1:8443")]
    [InlineData("https://metadata.google.internal")]
    [InlineData("https://advertising-api.amazon.com.attacker.example")]
    public async Task An_amc_base_url_that_is_not_https_to_an_amazon_api_host_is_a_400_on_settings_baseUrl(string baseUrl)
    {
        var response = await Admin.PostAsJsonAsync("/api/v1/sources", new { name = "AMC elsewhere", kind = "amc", settings = AmcSettings(baseUrl, Secret) });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["settings.baseUrl"].Should().NotBeNull();
    }

    [Fact]
    public async Task Pointing_an_amc_source_elsewhere_takes_its_token_again_and_each_change_is_audited_by_setting_name_only()
    {
        var created = await factory.CreateSourceAsync(new { name = "AMC NA", kind = "amc", settings = AmcSettings("https://advertising-api.amazon.com", Secret) });
        var id = created["id"]!.GetValue<string>();

        var moved = await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "AMC NA", settings = AmcSettings("https://advertising-api-eu.amazon.com", null) });
        moved.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the stored token would otherwise be sent to an address it was not entered for");
        var errors = JsonNode.Parse(await moved.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        errors.Select(e => e.Key).Should().Equal("settings.accessToken");
        (await Admin.GetFromJsonAsync<JsonObject>($"/api/v1/sources/{id}"))!["settings"]!["baseUrl"]!.GetValue<string>().Should().Be("https://advertising-api.amazon.com", "nothing was saved");

        (await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "AMC NA", settings = AmcSettings("https://advertising-api.amazon.com", null) }))
            .StatusCode.Should().Be(HttpStatusCode.OK, "the same address keeps the stored token");
        (await Admin.PutAsJsonAsync($"/api/v1/sources/{id}", new { name = "AMC EU", settings = AmcSettings("https://advertising-api-eu.amazon.com", "new-token-entered-again") }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
        (await StoredSecretAsync(id, "accessToken")).Should().Be("new-token-entered-again");
        (await Admin.DeleteAsync($"/api/v1/sources/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var audit = await AuditAsync(id);
        audit.Select(e => e!["action"]!.GetValue<string>()).Should().Equal("source.deleted", "source.updated", "source.updated", "source.created");
        audit[3]!["detail"]!.GetValue<string>().Should().Contain("amc").And.Contain("accessToken").And.Contain("baseUrl");
        audit[2]!["detail"]!.GetValue<string>().Should().EndWith("changed: nothing");
        audit[1]!["detail"]!.GetValue<string>().Should().Contain("name").And.Contain("settings.accessToken").And.Contain("settings.baseUrl").And.NotContain("instanceId");
        audit.ToJsonString().Should().NotContain(Secret).And.NotContain("new-token-entered-again").And.NotContain("advertising-api-eu", "details name settings, never their values");
    }

    [Fact]
    public async Task An_amc_source_stored_with_a_disallowed_address_fails_at_run_time_without_sending_anything()
    {
        await using var amc = await Analytics.Tests.Infrastructure.FakeAmcServer.StartAsync();
        var sourceId = await Analytics.Tests.Reports.AmcExecutionTests.AddAmcSourceAsync(factory, amc);
        var report = await factory.CreateReportAsync("tpl-amc-campaign-performance", sourceId);

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero));

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("https");
        amc.Requests.Should().BeEmpty("this app does not allow http://127.0.0.1 for AMC: the token never left");
    }
}
