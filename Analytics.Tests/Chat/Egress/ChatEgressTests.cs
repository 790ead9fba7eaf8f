using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Domain.Chat.Egress;
using Analytics.Tests.Infrastructure;
using Analytics.Benchmarks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Chat.Egress;

/// <summary>
/// What leaves for the external model, per data-sharing mode: the real LLM client against <see cref="FakeOpenAiServer"/>
/// on 127.0.0.1, over the seeded demo workspace, asserting on the request bodies the fake received.
/// </summary>
public sealed class ChatEgressTests : IAsyncLifetime
{
    private const string Question = "What was our ROAS by campaign last month?";
    private const string QueryFebruary = """{"metrics":["roas"],"groupBy":["campaign"],"start":"2026-02-01","end":"2026-03-01","sort":[{"by":"roas","desc":true}]}""";

    private FakeOpenAiServer _model = null!;
    private AnalyticsTestHost _host = null!;
    private Actor _admin = null!;

    private async Task StartAsync(Dictionary<string, string?>? settings = null)
    {
        _model = await FakeOpenAiServer.StartAsync();
        var all = new Dictionary<string, string?>
        {
            ["Analytics:Chat:BaseUrl"] = _model.BaseUrl.ToString(),
            ["Analytics:Chat:ApiKey"] = "sk-test-123",
            ["Analytics:Chat:Model"] = "fake-model",
            ["Analytics:Chat:MaxToolRounds"] = "3",
            ["Analytics:Chat:AnswerTimeoutSeconds"] = "10",
        };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        _host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: true, all);
        await _host.InitializeAsync();
        _admin = await _host.AdminAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_model is not null) await _model.DisposeAsync();
    }

    private ChatService Chat => _host.Services.GetRequiredService<ChatService>();
    private ChatEgressService Egress => _host.Services.GetRequiredService<ChatEgressService>();

    private async Task SetAllAsync(ChatEgressMode mode)
    {
        foreach (var i in await Egress.ListAsync(_admin, CancellationToken.None)) await Egress.SetAsync(_admin, i.SourceId, mode.ToWire(), CancellationToken.None);
    }

    private static readonly List<string> CampaignNames = ChatEvaluation.Facts.Select(f => f.Campaign).Distinct().Order(StringComparer.Ordinal).ToList();
    private static readonly List<string> Asins = ChatEvaluation.Facts.Select(f => f.Asin).Distinct().ToList();

    /// <summary>The alias a campaign gets (the admin's vocabulary, sorted): computed here, independently of the map.</summary>
    private static string AliasOf(string campaign) => "Campaign " + EgressAliasMap.Letters(CampaignNames.IndexOf(campaign) + 1);

    private static Dictionary<string, double> RoasFebruary() => ChatEvaluation.Facts
        .Where(f => f.Day >= new DateOnly(2026, 2, 1) && f.Day < new DateOnly(2026, 3, 1))
        .GroupBy(f => f.Campaign).ToDictionary(g => g.Key, g => ChatEvaluation.Metric("roas", g)!.Value);

    private async Task<List<ChatEgressAuditEntry>> AuditAsync()
    {
        await using var db = await _host.DbAsync();
        return await db.Set<ChatEgressAuditEntry>().AsNoTracking().OrderBy(a => a.Id).ToListAsync();
    }

    private static string Sha256(string s) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(s)));

    [Fact]
    public async Task Anonymized_requests_never_name_a_campaign_and_the_user_reads_the_real_names()
    {
        await StartAsync();
        var roas = RoasFebruary();
        var best = roas.MaxBy(kv => kv.Value).Key;
        var worst = roas.MinBy(kv => kv.Value).Key;
        var filtered = CampaignNames[5];
        // The model works with aliases only: it filters by one and names the best and worst by theirs.
        _model.Script.Enqueue(new FakeOpenAiServer.Reply("Checking. ", [("query", QueryFebruary),
            ("query", $$"""{"metrics":["spend"],"start":"2026-02-01","end":"2026-03-01","filters":{"campaign":["{{AliasOf(filtered)}}"]},"groupBy":["campaign"]}""")]));
        _model.Script.Enqueue(new FakeOpenAiServer.Reply($"Best: {AliasOf(best)}; worst: {AliasOf(worst)}."));

        var reply = await Chat.AskAsync(_admin, Question);

        reply.Events.OfType<ChatEvent.Egress>().Should().ContainSingle().Which.Notice.Should().Match<ChatEgressNotice>(n => n.Mode == "anonymized" && n.External);
        reply.Text.Should().Be($"Checking. Best: {best}; worst: {worst}.", "aliases are mapped back, also when split across streamed deltas");
        reply.Visualizations.Should().HaveCount(2);
        reply.Visualizations[1].Rows.Should().ContainSingle().Which[0].Should().Be(filtered, "the model's alias in a filter is the real campaign when the query runs");
        reply.Events.OfType<ChatEvent.ToolCall>().Last().Arguments.Should().Contain(filtered);

        // The next question carries the earlier answer (real names) as history: it is anonymized too.
        _model.Script.Enqueue(new FakeOpenAiServer.Reply($"{AliasOf(best)} again."));
        var second = await Chat.AskAsync(_admin, $"and how did {best} do the month before?", reply.ConversationId);
        second.Text.Should().Be($"{best} again.");

        var bodies = _model.RawRequests.ToList();
        bodies.Should().HaveCount(3);
        foreach (var body in bodies)
        {
            foreach (var name in CampaignNames) body.Should().NotContain(name);
            foreach (var asin in Asins) body.Should().NotContain(asin);
            body.Should().NotContain("demo-contoso").And.NotContain("Contoso Home");
        }
        bodies[1].Should().Contain(AliasOf(best)).And.Contain(Math.Round(roas[best], 6).ToString(CultureInfo.InvariantCulture), "numbers may be sent");
        bodies[2].Should().Contain($"how did {AliasOf(best)} do").And.Contain($"Best: {AliasOf(best)}");

        var audit = await AuditAsync();
        audit.Should().HaveCount(3);
        var usage = _model.ReportedUsage.ToList();
        usage.Should().HaveCount(3, "the client asks for usage in the stream");
        for (var i = 0; i < 3; i++)
        {
            var a = audit[i];
            a.Mode.Should().Be("anonymized");
            a.UserId.Should().Be(_admin.UserId);
            a.Model.Should().Be("fake-model");
            a.Endpoint.Should().Be(_model.BaseUrl.GetLeftPart(UriPartial.Authority));
            a.Outcome.Should().Be("ok");
            a.RequestSha256.Should().Be(Sha256(a.RequestContent!));
            a.RequestBytes.Should().Be(Encoding.UTF8.GetByteCount(a.RequestContent!));
            a.ResponseSha256.Should().Be(Sha256(a.ResponseContent!));
            a.PromptTokens.Should().Be(usage[i].Prompt);
            a.CompletionTokens.Should().Be(usage[i].Completion);
            a.Aliases.Should().BeGreaterThan(0);
            foreach (var name in CampaignNames) a.RequestContent.Should().NotContain(name);
        }
        audit[0].ResponseContent.Should().Contain("\"name\":\"query\"").And.Contain(AliasOf(filtered), "the audit keeps what the model sent, as it sent it");
        audit[1].ConversationId.Should().Be(reply.ConversationId);
    }

    [Fact]
    public async Task Schema_only_requests_carry_no_result_value_and_the_answer_has_the_real_numbers()
    {
        await StartAsync();
        await SetAllAsync(ChatEgressMode.SchemaOnly);
        _model.Script.Enqueue(new FakeOpenAiServer.Reply(null, [("query", QueryFebruary), ("list_metrics", "{}")]));
        _model.Script.Enqueue(new FakeOpenAiServer.Reply("Here is ROAS by campaign for last month."));

        var reply = await Chat.AskAsync(_admin, Question);

        reply.Events.OfType<ChatEvent.Egress>().Single().Notice.Mode.Should().Be("schema-only");
        var viz = reply.Visualizations.First(v => v.Columns.Any(c => c.Name == "roas"));
        viz.Rows.Should().HaveCount(24, "the chart comes from the real rows");
        var values = viz.Rows.Select(r => (double)r[1]!).ToList();
        var roas = RoasFebruary();
        values[0].Should().BeApproximately(roas.Values.Max(), 1e-6);

        // The user reads the model's sentence, then the figures written here from the rows.
        var best = roas.MaxBy(kv => kv.Value);
        reply.Text.Should().StartWith("Here is ROAS by campaign for last month.\n\n**roas by campaign, 2026-02-01 – 2026-02-28**")
            .And.Contain($"1. {best.Key} — ROAS {best.Value.ToString("0.00", CultureInfo.InvariantCulture)}");

        // A follow-up: the earlier answer (with its figures) is not sent again.
        _model.Script.Enqueue(new FakeOpenAiServer.Reply(null, [("query", QueryFebruary.Replace("2026-02-01", "2026-01-01").Replace("2026-03-01", "2026-02-01"))]));
        _model.Script.Enqueue(new FakeOpenAiServer.Reply("January, for comparison."));
        var second = await Chat.AskAsync(_admin, "and the month before?", reply.ConversationId);
        second.Text.Should().Contain("**roas by campaign, 2026-01-01 – 2026-01-31**");
        var january = second.Visualizations.Single().Rows.Select(r => (double)r[1]!).ToList();

        var bodies = _model.RawRequests.ToList();
        bodies.Should().HaveCount(4);
        var forbidden = values.Concat(january)
            .SelectMany(v => new[] { v.ToString("R", CultureInfo.InvariantCulture), v.ToString("0.00", CultureInfo.InvariantCulture), v.ToString("0.0000", CultureInfo.InvariantCulture) })
            .Where(s => s.Length >= 4).Distinct().ToList();
        forbidden.Should().HaveCountGreaterThan(40);
        foreach (var body in bodies)
        {
            foreach (var value in forbidden) body.Should().NotContain(value, "no result value leaves in schema-only mode");
            foreach (var name in CampaignNames) body.Should().NotContain(name);
        }
        var toolMessages = _model.Requests.ElementAt(1)["messages"]!.AsArray().Where(m => m!["role"]!.GetValue<string>() == "tool").Select(m => m!["content"]!.ToString()).ToList();
        toolMessages[0].Should().Contain("\"rowCount\":24").And.Contain("schema-only");
        toolMessages[1].Should().Contain("sales / spend", "the catalog (metric names and formulas) may be seen");
        (await AuditAsync()).Should().HaveCount(4).And.OnlyContain(a => a.Mode == "schema-only");
    }

    [Fact]
    public async Task None_sends_nothing_the_offline_planner_answers_and_the_strictest_instance_wins()
    {
        await StartAsync();
        await Egress.SetAsync(_admin, "demo-contoso", "none", CancellationToken.None);
        await Egress.SetAsync(_admin, "demo-northwind", "full", CancellationToken.None);

        var reply = await Chat.AskAsync(_admin, Question);

        _model.Requests.Should().BeEmpty("an instance the admin can ask about is set to none");
        reply.Events.OfType<ChatEvent.Egress>().Single().Notice.Should().Match<ChatEgressNotice>(n => n.Mode == "none" && !n.External);
        var best = RoasFebruary().MaxBy(kv => kv.Value);
        reply.Text.Should().Contain("February 2026").And.Contain(best.Key).And.Contain(best.Value.ToString("0.00", CultureInfo.InvariantCulture));
        (await AuditAsync()).Should().BeEmpty();
        (await Egress.NoticeAsync(_admin, CancellationToken.None)).Mode.Should().Be("none");

        // A viewer who can only ask about Northwind (full) uses the model.
        var viewer = await ViewerAsync("demo-northwind");
        (await Egress.NoticeAsync(viewer, CancellationToken.None)).Mode.Should().Be("full");
        _model.Script.Enqueue(new FakeOpenAiServer.Reply("Northwind only."));
        (await Chat.AskAsync(viewer, Question)).Text.Should().Be("Northwind only.");
        _model.Requests.Should().ContainSingle();
        (await AuditAsync()).Should().ContainSingle().Which.Mode.Should().Be("full");
    }

    private async Task<Actor> ViewerAsync(params string[] instances)
    {
        var email = $"v-{Guid.NewGuid():N}@example.test";
        var created = await _host.WithScopeAsync<Analytics.Data.Identity.UserService, Analytics.Data.Identity.CreatedUser>(s =>
            s.CreateAsync(_admin, new Analytics.Data.Identity.CreateUserCommand(email, email, "viewer", instances, "Viewer-Passw0rd!"), CancellationToken.None));
        return await _host.ActorAsync(created.User.Id);
    }

    [Fact]
    public async Task Identifiers_never_reach_the_model_from_the_question_the_data_or_error_texts_even_in_full_mode()
    {
        await StartAsync(new() { ["Analytics:Chat:Egress:DefaultMode"] = "full" });
        await using (var db = await _host.DbAsync())
            await db.Sources.Where(s => s.Id == "demo-contoso").ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, "Contoso Home (ops@contoso.example)"));
        const string key = "ak_ABCDEFGHJKLMNPQRSTUVWXYZabcdefghi";
        _model.Script.Enqueue(new FakeOpenAiServer.Reply(null, [("describe_metric", """{"name":"boss@contoso.example"}"""), ("list_datasets", "{}")]));
        _model.Script.Enqueue(new FakeOpenAiServer.Reply("Done."));

        var reply = await Chat.AskAsync(_admin, $"Mail jane.doe@contoso.example the ROAS; my key is {key}, user {_admin.UserId}, db Host=db.internal;Username=a;Password=hunter22");

        reply.Text.Should().Be("Done.");
        reply.ToolResults.Select(r => r.Outcome).Should().Equal("not_found", "ok");
        var bodies = _model.RawRequests.ToList();
        bodies.Should().HaveCount(2);
        foreach (var body in bodies)
        {
            body.Should().NotContain("jane.doe@contoso.example").And.NotContain(key).And.NotContain(_admin.UserId).And.NotContain("hunter22")
                .And.NotContain("ops@contoso.example").And.NotContain("boss@contoso.example");
        }
        bodies[0].Should().Contain("[email]").And.Contain("[api key]").And.Contain("[user id]").And.Contain("[connection string]");
        bodies[1].Should().Contain("Contoso Home ([email])", "the instance name from the data, in the prompt and list_datasets")
            .And.Contain("Metric '[email]' was not found", "the error text");
        bodies[1].Should().Contain("Northwind Outdoor (US)", "full mode sends names as they are");
        var audit = await AuditAsync();
        audit.Should().HaveCount(2);
        audit[0].Redactions.Should().BeGreaterThanOrEqualTo(5);
        audit.Should().OnlyContain(a => !a.RequestContent!.Contains("jane.doe@contoso.example"));
    }

    [Fact]
    public async Task The_audit_can_keep_only_hashes_and_sizes_and_old_entries_are_purged()
    {
        await StartAsync(new() { ["Analytics:Chat:Egress:AuditContent"] = "hash", ["Analytics:Chat:Egress:AuditRetentionDays"] = "30" });
        _model.Script.Enqueue(new FakeOpenAiServer.Reply("Fine."));
        await Chat.AskAsync(_admin, Question);
        var entry = (await AuditAsync()).Should().ContainSingle().Subject;
        entry.RequestContent.Should().BeNull();
        entry.ResponseContent.Should().BeNull();
        entry.RequestSha256.Should().MatchRegex("^[0-9a-f]{64}$");
        entry.RequestBytes.Should().BeGreaterThan(1000);
        entry.ResponseSha256.Should().Be(Sha256("""{"text":"Fine.","toolCalls":[]}"""));

        await using (var db = await _host.DbAsync())
        {
            db.Add(new ChatEgressAuditEntry
            {
                Id = Analytics.Domain.Ids.New(), UserId = _admin.UserId, Mode = "full", Model = "m", Endpoint = "http://x", RequestSha256 = "0", ResponseSha256 = "0",
                Outcome = "ok", CreatedAt = _host.Clock.GetUtcNow().AddDays(-31),
            });
            await db.SaveChangesAsync();
        }
        (await Egress.PurgeExpiredAsync(CancellationToken.None)).Should().Be(1);
        (await AuditAsync()).Should().ContainSingle().Which.Id.Should().Be(entry.Id);

        var page = await Egress.AuditAsync(_admin, null, new Analytics.Domain.PageRequest(10, null), CancellationToken.None);
        page.Items.Should().ContainSingle().Which.UserEmail.Should().Be(AnalyticsTestHost.AdminEmail);
        var viewer = await ViewerAsync("demo-contoso");
        var denied = () => Egress.AuditAsync(viewer, null, new Analytics.Domain.PageRequest(10, null), CancellationToken.None);
        await denied.Should().ThrowAsync<Analytics.Domain.ForbiddenException>();
        var set = () => Egress.SetAsync(viewer, "demo-contoso", "full", CancellationToken.None);
        await set.Should().ThrowAsync<Analytics.Domain.ForbiddenException>();
    }

    [PostgresFact]
    public async Task Modes_and_the_audit_work_on_postgres()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Postgres);
        await host.InitializeAsync();
        var admin = await host.AdminAsync();
        await using (var db = await host.DbAsync())
        {
            db.Sources.Add(new Analytics.Domain.Sources.DataSource { Id = "pg-egress", Name = "PG instance", Kind = Analytics.Domain.Sources.SourceKind.Demo, OwnerId = admin.UserId });
            db.Add(new ChatEgressAuditEntry { Id = Analytics.Domain.Ids.New(), UserId = admin.UserId, Mode = "full", Model = "m", Endpoint = "http://x", RequestSha256 = "0", ResponseSha256 = "0", Outcome = "ok", CreatedAt = host.Clock.GetUtcNow().AddDays(-200) });
            db.Add(new ChatEgressAuditEntry { Id = Analytics.Domain.Ids.New(), UserId = admin.UserId, Mode = "anonymized", Model = "m", Endpoint = "http://x", RequestSha256 = "1", ResponseSha256 = "1", Outcome = "ok", CreatedAt = host.Clock.GetUtcNow(), PromptTokens = 12 });
            await db.SaveChangesAsync();
        }
        var egress = host.Services.GetRequiredService<ChatEgressService>();
        (await egress.SetAsync(admin, "pg-egress", "none", CancellationToken.None)).Mode.Should().Be("none");
        (await egress.ListAsync(admin, CancellationToken.None)).Single(i => i.SourceId == "pg-egress").Mode.Should().Be("none");
        (await egress.PurgeExpiredAsync(CancellationToken.None)).Should().Be(1);
        var page = await egress.AuditAsync(admin, admin.UserId, new Analytics.Domain.PageRequest(10, null), CancellationToken.None);
        page.Items.Should().ContainSingle().Which.PromptTokens.Should().Be(12);
    }
}
