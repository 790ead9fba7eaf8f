using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Analytics.Tests.Sources;

/// <summary>
/// A <c>sqlite</c> source over a real temporary database file, through the API and the execution path: reports read it,
/// nothing a template does writes to it or opens another file, parameter values are bound, and slow statements stop.
/// </summary>
public sealed class SqliteSourceTests(SourcesWebFactory factory) : IClassFixture<SourcesWebFactory>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private string _directory = null!;
    private bool _rootExistedAtStart;
    private string _file = null!;
    private string _sourceId = null!;

    private const string ReadSql = """
        SELECT day AS date, campaign, SUM(clicks) AS clicks, SUM(spend) AS spend
        FROM orders
        WHERE day >= {{timeWindowStart}} AND day < {{timeWindowEnd}} AND campaign <> {{exclude}}
        GROUP BY day, campaign
        """;

    public async Task InitializeAsync()
    {
        _ = factory.Services; // starts the app, which creates the sources root
        _rootExistedAtStart = Directory.Exists(factory.SqliteRoot);
        _directory = Directory.CreateDirectory(Path.Combine(factory.SqliteRoot, $"t-{Guid.NewGuid():N}")).FullName;
        _file = Path.Combine(_directory, "shop.db");
        await CreateShopAsync(_file);
        var source = await factory.CreateSourceAsync(new { name = "Shop", kind = "sqlite", settings = new { connectionString = $"Data Source={_file}" } });
        _sourceId = source["id"]!.GetValue<string>();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    private static async Task CreateShopAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE orders (day TEXT NOT NULL, campaign TEXT NOT NULL, clicks INTEGER NOT NULL, spend REAL NOT NULL);
            INSERT INTO orders VALUES ('2025-03-01', 'Spring', 10, 1.5), ('2025-03-01', 'Spring', 5, 0.5), ('2025-03-01', 'Brand', 7, 2.0),
                                      ('2025-03-02', 'Spring', 3, 0.25), ('2025-03-02', 'Brand', 1, 0.1), ('2025-03-09', 'Brand', 99, 9.9);
            """;
        await command.ExecuteNonQueryAsync();
    }

    private static object[] ExcludeParameter => [new { name = "exclude", type = "string", @default = "none" }];

    private string FileHash() => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_file)));

    private async Task<long> OrderCountAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM orders";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<JsonNode> RunTemplateAsync(string sql, object? parameters = null, object[]? definitions = null)
    {
        var template = await factory.CreateTemplateAsync("sqlite", sql, definitions);
        var report = await factory.CreateReportAsync(template, _sourceId, parameters);
        return await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7));
    }

    [Fact]
    public async Task A_report_on_a_sqlite_file_runs_and_its_rows_land_in_the_fact_store()
    {
        var template = await factory.CreateTemplateAsync("sqlite", ReadSql, ExcludeParameter);
        var report = await factory.CreateReportAsync(template, _sourceId);

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7));

        execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
        execution["rowCount"]!.GetValue<long>().Should().Be(4, "two days × two campaigns in the window; 2025-03-09 is outside it");
        (await factory.FactCountAsync(report["datasetId"]!.GetValue<int>())).Should().Be(4);
        var rows = execution["preview"]!["rows"]!.AsArray();
        rows.Should().Contain(r => r![0]!.GetValue<string>() == "2025-03-01" && r[1]!.GetValue<string>() == "Spring" && r[2]!.GetValue<long>() == 15);
    }

    [Fact]
    public async Task Injection_attempts_in_parameters_are_bound_as_values_and_leave_the_table_intact()
    {
        var before = FileHash();
        foreach (var attack in new[] { "x'; DROP TABLE orders; --", "Spring' OR '1'='1", "x\"; DELETE FROM orders; /*", "Ｓpring＇ OR 1=1 --" })
        {
            var execution = await RunTemplateAsync(ReadSql, new { exclude = attack }, ExcludeParameter);
            execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
            execution["rowCount"]!.GetValue<long>().Should().Be(4, $"'{attack}' is compared as a value: it excludes no campaign");
        }
        var spring = await RunTemplateAsync(ReadSql, new { exclude = "Spring" }, ExcludeParameter);
        spring["rowCount"]!.GetValue<long>().Should().Be(2, "the same parameter, given a real campaign, does exclude it");

        (await OrderCountAsync()).Should().Be(6);
        FileHash().Should().Be(before);
    }

    [Fact]
    public async Task Writes_and_attaching_other_files_through_a_template_fail_and_the_file_is_unchanged()
    {
        var before = FileHash();
        var appDatabase = factory.AppDatabasePath.Replace("'", "''");

        var delete = await RunTemplateAsync("DELETE FROM orders RETURNING day AS date, campaign, clicks, spend");
        delete["status"]!.GetValue<string>().Should().Be("failed");
        delete["error"]!.GetValue<string>().Should().Contain("read-only");

        var chained = await RunTemplateAsync("SELECT day AS date, campaign, clicks, spend FROM orders; DELETE FROM orders");
        (await OrderCountAsync()).Should().Be(6, $"a second statement must not write either (execution: {chained.ToJsonString()})");

        var attach = await RunTemplateAsync($"ATTACH DATABASE '{appDatabase}' AS app; SELECT '2025-03-01' AS date, name AS campaign, 1 AS clicks, 1 AS spend FROM app.sources");
        attach["status"]!.GetValue<string>().Should().Be("failed", "the app's own database must stay out of reach");
        attach["error"]!.GetValue<string>().Should().Contain("attached");

        var vacuum = await RunTemplateAsync($"VACUUM INTO '{Path.Combine(_directory, "copy.db").Replace("'", "''")}'");
        vacuum["status"]!.GetValue<string>().Should().Be("failed");
        File.Exists(Path.Combine(_directory, "copy.db")).Should().BeFalse();

        (await OrderCountAsync()).Should().Be(6);
        FileHash().Should().Be(before);
    }

    [Fact]
    public async Task The_statement_time_limit_stops_a_query_that_never_ends()
    {
        var watch = Stopwatch.StartNew();
        var execution = await RunTemplateAsync("""
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
            SELECT '2025-03-01' AS date, 'all' AS campaign, count(*) AS clicks, 0 AS spend FROM n
            """);

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("statement time limit of 1 s");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the limit is one second; the query alone would run forever");
    }

    private async Task<string> RefusalAsync(string connectionString)
    {
        var response = await factory.Admin.PostAsJsonAsync("/api/v1/sources", new { name = "Bad", kind = "sqlite", settings = new { connectionString } });
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, connectionString);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["settings.connectionString"]![0]!.GetValue<string>();
    }

    private static void Link(string link, string target, bool hard)
    {
        if (!hard)
        {
            File.CreateSymbolicLink(link, target);
            return;
        }
        using var ln = Process.Start(new ProcessStartInfo("ln", [target, link]) { UseShellExecute = false })!;
        ln.WaitForExit();
        ln.ExitCode.Should().Be(0, $"ln {target} {link}");
    }

    [Fact]
    public async Task The_sources_root_is_created_at_start_and_a_file_in_it_or_linked_within_it_is_accepted()
    {
        _rootExistedAtStart.Should().BeTrue($"{factory.SqliteRoot} is created when the app starts");
        var inner = Path.Combine(_directory, "inner-link.db");
        Link(inner, _file, hard: false);
        await factory.CreateSourceAsync(new { name = "Linked within the root", kind = "sqlite", settings = new { connectionString = inner } });
        var relative = Path.GetRelativePath(factory.SqliteRoot, _file);
        await factory.CreateSourceAsync(new { name = "Relative to the root", kind = "sqlite", settings = new { connectionString = $"Data Source={relative}" } });
    }

    [Fact]
    public async Task A_missing_file_a_file_outside_the_root_system_files_and_every_way_to_the_apps_database_get_one_answer()
    {
        var outsideDirectory = Directory.CreateTempSubdirectory("analytics-outside-root-").FullName;
        try
        {
            var outside = Path.Combine(outsideDirectory, "elsewhere.db");
            await CreateShopAsync(outside);
            var symlinkToApp = Path.Combine(_directory, "app-symlink.db");
            var hardLinkToApp = Path.Combine(_directory, "app-hardlink.db");
            var symlinkOut = Path.Combine(_directory, "outside-symlink.db");
            var directoryLink = Path.Combine(_directory, "up");
            Link(symlinkToApp, factory.AppDatabasePath, hard: false);
            Link(hardLinkToApp, factory.AppDatabasePath, hard: true);
            Link(symlinkOut, outside, hard: false);
            Directory.CreateSymbolicLink(directoryLink, factory.DataDirectory);

            var attempts = new[]
            {
                Path.Combine(_directory, "missing.db"),
                outside,
                factory.AppDatabasePath,
                symlinkToApp,
                hardLinkToApp,
                symlinkOut,
                Path.Combine(directoryLink, "analytics.db"),
                Path.Combine(_directory, "..", "..", "analytics.db"),
                "../analytics.db",
                "/proc/self/environ",
                "/proc/self/root/etc/passwd",
                "/dev/zero",
                "/sys/kernel/mm/transparent_hugepage/enabled",
                "/etc/passwd",
            };
            var answers = new List<string>();
            foreach (var given in attempts)
            {
                var message = await RefusalAsync($"Data Source={given}");
                message.Should().StartWith($"'{given}' is not a SQLite file this app may read");
                answers.Add(message.Replace(given, "<path>", StringComparison.Ordinal));
            }
            answers.Distinct().Should().ContainSingle("a refusal never tells whether the file exists or why it is out of reach");
            File.Exists(hardLinkToApp).Should().BeTrue("the hard link exists and is the app's database: it is refused by device and inode");

            (await RefusalAsync("")).Should().Contain("Give the database file");
            var notSqlite = Path.Combine(_directory, "notes.txt");
            await File.WriteAllTextAsync(notSqlite, "this is not a database, just text long enough to have a header......................................................");
            (await RefusalAsync(notSqlite)).Should().Contain("cannot be read as a SQLite database");
        }
        finally
        {
            Directory.Delete(outsideDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_swapped_for_a_link_to_the_apps_database_after_saving_is_refused_at_run_time()
    {
        var file = Path.Combine(_directory, "swapped.db");
        await CreateShopAsync(file);
        var source = await factory.CreateSourceAsync(new { name = "Swapped later", kind = "sqlite", settings = new { connectionString = file } });
        File.Delete(file);
        Link(file, factory.AppDatabasePath, hard: true);
        var template = await factory.CreateTemplateAsync("sqlite", "SELECT '2025-03-01' AS date, name AS campaign, 1 AS clicks, 1 AS spend FROM sources");
        var report = await factory.CreateReportAsync(template, source["id"]!.GetValue<string>());

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7));

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("is not a SQLite file this app may read");
    }

    [Fact]
    public async Task A_template_that_builds_a_gigabyte_blob_fails_fast_with_a_clear_error()
    {
        var watch = Stopwatch.StartNew();
        var execution = await RunTemplateAsync("SELECT '2025-03-01' AS date, 'x' AS campaign, length(randomblob(1000000000)) AS clicks, 0 AS spend");

        execution["status"]!.GetValue<string>().Should().Be("failed", "SQLITE_LIMIT_LENGTH is 100 MB");
        execution["error"]!.GetValue<string>().Should().Contain("larger than the limit of 100 MB").And.Contain("SqliteMaxValueMegabytes");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task A_result_larger_than_the_limit_fails_instead_of_filling_memory()
    {
        var execution = await RunTemplateAsync("""
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 4)
            SELECT '2025-03-01' AS date, 'c' || x AS campaign, 1 AS clicks, zeroblob(6000000) AS spend FROM n
            """);

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain($"larger than the limit of {SourcesWebFactory.MaxResultMegabytes} MB").And.Contain("MaxResultMegabytes");
    }
}
