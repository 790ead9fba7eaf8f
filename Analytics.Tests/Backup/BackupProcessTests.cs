using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Backup;
using Analytics.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Analytics.Tests.Backup;

/// <summary>
/// Issue 20's first Done-when, with real processes: the app serves and ingests while <c>backup</c> runs as its own process;
/// <c>restore</c> puts it into another database with another data directory (so another key directory); the app started on
/// that finds the same rows table by table, the same dashboards, users and API keys, and the AMC source's token decrypts:
/// a report runs against the fake AMC, which answers only that token.
/// </summary>
public abstract class BackupProcessTests : ProviderTests, IDisposable
{
    private const string Passphrase = BackupServiceTests.Passphrase;
    private const string AmcCsv = "campaign,impressions,clicks,spend,sales,purchases\nSpring Sale,1000,25,10.5,40,2\nWinter Sale,10,1,1,1,0\n";
    private readonly List<DirectoryInfo> _directories = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var directory in _directories)
        {
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private DirectoryInfo NewDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("analytics-backup-e2e-");
        _directories.Add(directory);
        return directory;
    }

    private string ConnectionString(TestDatabase? database, DirectoryInfo directory) =>
        database?.ConnectionString ?? $"Data Source={Path.Combine(directory.FullName, "analytics.db")}";

    private Dictionary<string, string> Settings(string connectionString, DirectoryInfo directory) =>
        new(LocalFakes.Settings.Select(s => KeyValuePair.Create(s.Key, s.Value!)))
        {
            ["Analytics:Database:Provider"] = Provider.ToString(),
            ["ConnectionStrings:Analytics"] = connectionString,
            ["Analytics:DataDirectory"] = directory.FullName,
            ["Analytics:Database:SeedDemo"] = "true",
            ["Analytics:Amc:PollInterval"] = "00:00:00.100",
            ["Analytics:Amc:BaseDelay"] = "00:00:00.020",
            ["Analytics:Amc:MaxDelay"] = "00:00:00.200",
        };

    private async Task<DbConnection> OpenAsync(string connectionString)
    {
        DbConnection connection = Provider == DatabaseProvider.Postgres ? new NpgsqlConnection(connectionString) : new SqliteConnection(connectionString + ";Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    private async Task<long> CountAsync(string connectionString, string table)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM \"{table}\"";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> DashboardsAsync(HttpClient client)
    {
        var page = JsonNode.Parse(await client.GetStringAsync("/api/v1/dashboards?limit=200"))!;
        return page["items"]!.AsArray().Select(d => $"{d!["id"]} {d["name"]}").Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<string> CreatedIdAsync(HttpResponseMessage response, string field = "id")
    {
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.Should().BeTrue(body);
        return JsonNode.Parse(body)![field]!.GetValue<string>();
    }

    [ProviderFact]
    public async Task A_backup_taken_while_ingest_runs_restores_into_another_database_and_data_directory_with_the_same_facts_dashboards_keys_and_AMC_credentials()
    {
        await using var amc = await FakeAmcServer.StartAsync();
        amc.PollsToFinish = 1;
        amc.ResultCsvParts = [AmcCsv];
        await using var databaseA = Provider == DatabaseProvider.Postgres ? await TestDatabase.CreateAsync(Provider) : null;
        await using var databaseB = Provider == DatabaseProvider.Postgres ? await TestDatabase.CreateAsync(Provider) : null;
        var (directoryA, directoryB) = (NewDirectory(), NewDirectory());
        var (connectionA, connectionB) = (ConnectionString(databaseA, directoryA), ConnectionString(databaseB, directoryB));
        var settingsA = Settings(connectionA, directoryA);
        var settingsB = Settings(connectionB, directoryB);
        var file = Path.Combine(NewDirectory().FullName, "live.backup");

        List<string> dashboards;
        string reportId, opsKey;
        long facts;
        await using (var app = await AppProcess.StartAsync(settingsA))
        {
            using var client = app.CreateClient();
            var opsId = await CreatedIdAsync(await client.PostAsJsonAsync("/api/v1/users", new { email = "ops@example.com", displayName = "Ops", role = "admin" }));
            opsKey = await CreatedIdAsync(await client.PostAsJsonAsync($"/api/v1/users/{opsId}/api-keys", new { name = "ops" }), "key");
            var s = amc.Settings;
            var sourceId = await CreatedIdAsync(await client.PostAsJsonAsync("/api/v1/sources", new
            {
                name = "AMC", kind = "amc",
                settings = new { baseUrl = s.BaseUrl, instanceId = s.InstanceId, advertiserId = s.AdvertiserId, marketplaceId = s.MarketplaceId, clientId = s.ClientId, accessToken = s.AccessToken },
            }));
            reportId = await CreatedIdAsync(await client.PostAsJsonAsync("/api/v1/reports", new { name = "AMC weekly", templateId = "tpl-amc-campaign-performance", sourceId }));
            dashboards = await DashboardsAsync(client);
            dashboards.Should().NotBeEmpty("the demo workspace has dashboards");
            facts = await CountAsync(connectionA, "facts");
            facts.Should().BePositive();

            var accepted = 0L;
            using var stop = new CancellationTokenSource();
            var ingest = Task.Run(async () =>
            {
                for (var batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    var points = Enumerable.Range(0, 50).Select(i => new { name = "backup.load", time = DateTimeOffset.UtcNow, value = batch * 50 + i, tags = new { node = "a" } });
                    var response = await client.PostAsJsonAsync("/api/v1/metrics/ingest", points);
                    response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                    Interlocked.Add(ref accepted, 50);
                }
            });
            while (Interlocked.Read(ref accepted) < 1000 && !ingest.IsCompleted) await Task.Delay(20);

            var before = Interlocked.Read(ref accepted);
            var backup = await AppProcess.RunCommandAsync(settingsA, "backup", "--to", file, "--passphrase", Passphrase);
            var during = Interlocked.Read(ref accepted) - before;
            await stop.CancelAsync();
            await ingest;

            backup.ExitCode.Should().Be(0, backup.ToString());
            during.Should().BePositive("the app kept ingesting while the backup ran");
            var printed = JsonNode.Parse(backup.Output)!;
            printed["file"]!.GetValue<string>().Should().Be(file);
            printed["bytes"]!.GetValue<long>().Should().Be(new FileInfo(file).Length);
            printed["rows"]!.GetValue<long>().Should().BePositive();
            printed["tables"]!.GetValue<int>().Should().BePositive();
            printed["seconds"]!.GetValue<double>().Should().BePositive();
        }

        var restore = await AppProcess.RunCommandAsync(settingsB, "restore", "--from", file, "--passphrase", Passphrase);
        restore.ExitCode.Should().Be(0, restore.ToString());

        using (var reader = BackupArchive.Open(file))
        {
            reader.Manifest.Tables["facts"].Should().Be(facts);
            reader.Manifest.Tables["metric_points"].Should().BePositive("points ingested before the snapshot are in it");
            foreach (var (table, rows) in reader.Manifest.Tables)
            {
                var restored = await CountAsync(connectionB, table.Contains('.') ? table[(table.IndexOf('.') + 1)..] : table);
                if (table.Contains("audit", StringComparison.OrdinalIgnoreCase)) restored.Should().BeGreaterThanOrEqualTo(rows, table); // the restore audits itself
                else restored.Should().Be(rows, $"the restored {table} holds exactly the snapshot's rows");
            }
        }
        Directory.GetFiles(Path.Combine(directoryB.FullName, "keys")).Select(f => Path.GetFileName(f))
            .Should().BeEquivalentTo(Directory.GetFiles(Path.Combine(directoryA.FullName, "keys")).Select(f => Path.GetFileName(f)), "the key ring went to the target's own key directory");

        await using (var app = await AppProcess.StartAsync(settingsB))
        {
            using var ops = new HttpClient { BaseAddress = app.BaseUrl };
            ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", opsKey);
            (await DashboardsAsync(ops)).Should().Equal(dashboards, "the same dashboards, read with an API key made before the backup");
            (await CountAsync(connectionB, "facts")).Should().Be(facts);

            var executionId = await CreatedIdAsync(await ops.PostAsJsonAsync($"/api/v1/reports/{reportId}/executions",
                new { timeWindowStart = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero), timeWindowEnd = new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero) }), "executionId");
            JsonNode execution;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                await Task.Delay(100);
                execution = JsonNode.Parse(await ops.GetStringAsync($"/api/v1/executions/{executionId}"))!;
                DateTime.UtcNow.Should().BeBefore(deadline, execution.ToJsonString() + app.Output);
            }
            while (execution["status"]!.GetValue<string>() is "pending" or "running");
            execution["status"]!.GetValue<string>().Should().Be("succeeded", $"the AMC token decrypts with the restored key ring: {execution.ToJsonString()}");
            amc.Requests.Should().Contain(r => r.Header("Authorization") == $"Bearer {FakeAmcServer.Token}");
        }
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteBackupProcessTests : BackupProcessTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresBackupProcessTests : BackupProcessTests;
