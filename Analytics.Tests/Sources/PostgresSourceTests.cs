using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Tests.Infrastructure;
using Npgsql;

namespace Analytics.Tests.Sources;

/// <summary>
/// A <c>postgres</c> source over a scratch database on the test server (<c>ANALYTICS_TEST_POSTGRES</c>), through the API
/// and the execution path: rows land, dates stay dates, the read-only transaction refuses writes (also when a template
/// tries to end it with a second statement) and the statement timeout stops slow queries.
/// </summary>
public sealed class PostgresSourceTests(SourcesWebFactory factory) : IClassFixture<SourcesWebFactory>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private TestDatabase? _database;
    private string _sourceId = null!;

    private const string ReadSql = """
        SELECT day AS date, campaign, SUM(clicks) AS clicks, SUM(spend) AS spend
        FROM orders
        WHERE day >= {{timeWindowStart}} AND day < {{timeWindowEnd}} AND campaign <> {{exclude}}
        GROUP BY day, campaign
        """;

    public async Task InitializeAsync()
    {
        if (TestEnvironment.PostgresSkipReason is not null) return;
        _database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await ExecuteAsync("""
            CREATE TABLE orders (day date NOT NULL, campaign text NOT NULL, clicks integer NOT NULL, spend numeric(12, 2) NOT NULL);
            INSERT INTO orders VALUES ('2025-03-01', 'Spring', 10, 1.5), ('2025-03-01', 'Spring', 5, 0.5), ('2025-03-01', 'Brand', 7, 2.0),
                                      ('2025-03-02', 'Spring', 3, 0.25), ('2025-03-02', 'Brand', 1, 0.1), ('2025-03-09', 'Brand', 99, 9.9);
            """);
        var source = await factory.CreateSourceAsync(new { name = "Shop (PostgreSQL)", kind = "postgres", settings = new { connectionString = _database.ConnectionString } });
        _sourceId = source["id"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }

    private async Task<object?> ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private async Task<long> OrderCountAsync() => (long)(await ExecuteAsync("SELECT count(*) FROM orders"))!;

    private async Task<JsonNode> RunTemplateAsync(string sql, object? parameters = null)
    {
        var template = await factory.CreateTemplateAsync("postgres", sql, [new { name = "exclude", type = "string", @default = "none" }]);
        var report = await factory.CreateReportAsync(template, _sourceId, parameters);
        return await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7));
    }

    [PostgresFact]
    public async Task A_report_on_postgres_runs_with_typed_date_parameters_and_its_rows_land()
    {
        var template = await factory.CreateTemplateAsync("postgres", ReadSql, [new { name = "exclude", type = "string", @default = "none" }]);
        var report = await factory.CreateReportAsync(template, _sourceId, new { exclude = "x'; DROP TABLE orders; --" });

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7));

        execution["status"]!.GetValue<string>().Should().Be("succeeded", execution.ToJsonString());
        execution["rowCount"]!.GetValue<long>().Should().Be(4, "day >= $1 compares a date column with a date parameter; 2025-03-09 is outside the window");
        (await factory.FactCountAsync(report["datasetId"]!.GetValue<int>())).Should().Be(4);
        (await OrderCountAsync()).Should().Be(6);
    }

    [PostgresFact]
    public async Task The_read_only_transaction_refuses_writes_even_after_a_second_statement_tries_to_end_it()
    {
        var delete = await RunTemplateAsync("DELETE FROM orders RETURNING day AS date, campaign, clicks, spend");
        delete["status"]!.GetValue<string>().Should().Be("failed");
        delete["error"]!.GetValue<string>().Should().Contain("read-only");

        var escape = await RunTemplateAsync("SELECT day AS date, campaign, clicks, spend FROM orders; COMMIT; DELETE FROM orders");
        escape["status"]!.GetValue<string>().Should().Be("failed");
        escape["error"]!.GetValue<string>().Should().Contain("one SQL statement");

        var create = await RunTemplateAsync("CREATE TABLE stolen AS SELECT * FROM orders");
        create["status"]!.GetValue<string>().Should().Be("failed");

        (await OrderCountAsync()).Should().Be(6);
        (await ExecuteAsync("SELECT to_regclass('stolen')::text")).Should().Be(DBNull.Value);
    }

    [PostgresFact]
    public async Task The_statement_timeout_stops_a_slow_query()
    {
        var watch = Stopwatch.StartNew();
        var execution = await RunTemplateAsync("SELECT day AS date, campaign, clicks, spend FROM orders, pg_sleep(30)");

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("statement time limit of 1 s");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "statement_timeout is one second; the query alone sleeps 30 s per row");
    }

    [PostgresFact]
    public async Task An_unreachable_server_fails_with_a_message_that_names_it_but_not_the_password()
    {
        var source = await factory.CreateSourceAsync(new { name = "Gone", kind = "postgres", settings = new { connectionString = "Host=127.0.0.1;Port=1;Database=x;Username=u;Password=hunter2-secret;Timeout=2" } });
        var template = await factory.CreateTemplateAsync("postgres", "SELECT current_date AS date, 'x' AS campaign, 1 AS clicks, 1 AS spend");
        var report = await factory.CreateReportAsync(template, source["id"]!.GetValue<string>());

        var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(1));

        execution["status"]!.GetValue<string>().Should().Be("failed");
        execution["error"]!.GetValue<string>().Should().Contain("127.0.0.1:1").And.NotContain("hunter2-secret");
    }

    [PostgresFact]
    public async Task A_role_that_is_a_superuser_or_reaches_server_files_is_refused_at_save_and_one_that_gains_such_rights_at_run()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        string Role(string name) => $"src_{name}_{suffix}";
        var roles = new[] { Role("super"), Role("reader"), Role("writer"), Role("program"), Role("group"), Role("nested"), Role("plain") };
        // A superuser in this test's database: roles are the cluster's, grants and DROP OWNED this database's.
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(TestEnvironment.RequirePostgresAdmin())
            { Database = new NpgsqlConnectionStringBuilder(_database!.ConnectionString).Database }.ConnectionString);
        await admin.OpenAsync();
        async Task AdminAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, admin);
            await command.ExecuteNonQueryAsync();
        }
        await AdminAsync($"""
            CREATE ROLE {Role("super")} LOGIN SUPERUSER PASSWORD 'pw';
            CREATE ROLE {Role("reader")} LOGIN PASSWORD 'pw' IN ROLE pg_read_server_files;
            CREATE ROLE {Role("writer")} LOGIN PASSWORD 'pw' IN ROLE pg_write_server_files;
            CREATE ROLE {Role("program")} LOGIN PASSWORD 'pw' IN ROLE pg_execute_server_program;
            CREATE ROLE {Role("group")} NOLOGIN IN ROLE pg_read_server_files;
            CREATE ROLE {Role("nested")} LOGIN PASSWORD 'pw' IN ROLE {Role("group")};
            CREATE ROLE {Role("plain")} LOGIN PASSWORD 'pw';
            GRANT SELECT ON orders TO {Role("plain")};
            """);
        try
        {
            string ConnectionString(string role) => new NpgsqlConnectionStringBuilder(_database!.ConnectionString) { Username = role, Password = "pw" }.ConnectionString;
            foreach (var (role, says) in new[] { (Role("super"), "superuser"), (Role("reader"), "pg_read_server_files"), (Role("writer"), "pg_write_server_files"),
                         (Role("program"), "pg_execute_server_program"), (Role("nested"), "pg_read_server_files") })
            {
                var refused = await factory.Admin.PostAsJsonAsync("/api/v1/sources", new { name = role, kind = "postgres", settings = new { connectionString = ConnectionString(role) } });
                refused.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest, role);
                var message = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["errors"]!["settings.connectionString"]![0]!.GetValue<string>();
                message.Should().Contain(role).And.Contain(says).And.NotContain("pw");
            }

            var plain = await factory.CreateSourceAsync(new { name = "Plain reader", kind = "postgres", settings = new { connectionString = ConnectionString(Role("plain")) } });
            var template = await factory.CreateTemplateAsync("postgres", ReadSql, [new { name = "exclude", type = "string", @default = "none" }]);
            var report = await factory.CreateReportAsync(template, plain["id"]!.GetValue<string>());
            (await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7)))["status"]!.GetValue<string>().Should().Be("succeeded");

            await AdminAsync($"GRANT pg_read_server_files TO {Role("plain")}");
            var execution = await factory.RunAsync(report["id"]!.GetValue<string>(), Start, Start.AddDays(7));

            execution["status"]!.GetValue<string>().Should().Be("failed", "the role gained server-file rights after the source was saved");
            execution["error"]!.GetValue<string>().Should().Contain("pg_read_server_files");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            foreach (var role in roles.Reverse())
            {
                await AdminAsync($"DROP OWNED BY {role} CASCADE; DROP ROLE IF EXISTS {role}");
            }
        }
    }
}
