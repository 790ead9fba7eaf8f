using System.Text.Json.Nodes;
using Analytics.Domain;
using Analytics.Domain.Chat;
using Analytics.Domain.Chat.Egress;

namespace Analytics.Tests.Chat.Egress;

/// <summary>The pure egress rules: mode resolution, the aliasing map (and its streamed restoring), redaction, schema-only answers.</summary>
public sealed class ChatEgressRulesTests
{
    private static readonly string[] Campaigns = ["Contoso - Rugs - Exact", "Contoso - Rugs - Broad", "Northwind - Tents - Auto", "Fabrikam - Monitors - Category"];

    private static EgressAliasMap Map() => EgressAliasMap.Build(null,
        [("campaign", Campaigns), ("asin", ["B0TENT0001", "B0RUG00002"]), ("campaign_type", ["Sponsored Products"])],
        [("demo-contoso", "Contoso Home (UK)"), ("demo-northwind", "Northwind Outdoor (US)")]);

    [Fact]
    public void The_strictest_mode_of_the_instances_wins_and_unset_instances_take_the_default()
    {
        var configured = new Dictionary<string, ChatEgressMode> { ["a"] = ChatEgressMode.Full, ["b"] = ChatEgressMode.SchemaOnly };
        ChatEgressModes.Resolve(["a"], configured, ChatEgressMode.Anonymized).Should().Be(ChatEgressMode.Full);
        ChatEgressModes.Resolve(["a", "b"], configured, ChatEgressMode.Anonymized).Should().Be(ChatEgressMode.SchemaOnly);
        ChatEgressModes.Resolve(["a", "c"], configured, ChatEgressMode.Anonymized).Should().Be(ChatEgressMode.Anonymized, "c has no setting");
        ChatEgressModes.Resolve(["a", "b", "c"], configured, ChatEgressMode.None).Should().Be(ChatEgressMode.None);
        ChatEgressModes.Resolve([], configured, ChatEgressMode.Anonymized).Should().Be(ChatEgressMode.Anonymized);
    }

    [Fact]
    public void Modes_parse_from_their_wire_names_and_a_bad_one_names_the_field()
    {
        foreach (var m in ChatEgressModes.All) ChatEgressModes.Parse(m.ToWire(), "mode").Should().Be(m);
        ChatEgressModes.Parse("Schema-Only", "mode").Should().Be(ChatEgressMode.SchemaOnly);
        var act = () => ChatEgressModes.Parse("everything", "mode");
        act.Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("mode");
        ChatEgressModes.Notice(ChatEgressMode.Anonymized, true).Description.Should().Contain("anonymized").And.Contain("campaign");
        ChatEgressModes.Notice(ChatEgressMode.Full, false).Mode.Should().Be("local");
    }

    [Fact]
    public void Aliases_are_stable_sorted_and_typed_by_dimension()
    {
        var a = Map();
        var b = Map();
        a.Anonymize("How did Northwind - Tents - Auto do?").Should().Be("How did Campaign D do?");
        a.Alias("campaign", "Contoso - Rugs - Broad").Should().Be("Campaign A", "sorted ordinally, Broad comes before Exact");
        a.Alias("asin", "B0RUG00002").Should().Be("ASIN 1");
        a.Alias("campaign_type", "Sponsored Products").Should().Be("Sponsored Products", "campaign types name nothing");
        a.Anonymize("Contoso Home (UK) and demo-northwind").Should().Be("Instance A and instance-b");
        foreach (var c in Campaigns) b.Alias("campaign", c).Should().Be(a.Alias("campaign", c));
        a.Alias("campaign", "A new campaign").Should().Be("Campaign E", "values met later are appended");
    }

    [Fact]
    public void Anonymizing_matches_whole_names_in_any_case_longest_first()
    {
        var map = Map();
        map.Anonymize("contoso - rugs - exact vs Contoso - Rugs - Exactly").Should().Be("Campaign B vs Contoso - Rugs - Exactly");
        map.Restore("Campaign B beat Campaign BB and Campaign A.").Should().Be("Contoso - Rugs - Exact beat Campaign BB and Contoso - Rugs - Broad.");
    }

    [Fact]
    public void Tool_results_alias_every_value_of_an_aliased_column_even_unseen_ones_and_keep_numbers()
    {
        var map = Map();
        var json = """{"columns":["campaign","asin","roas"],"rows":[["Contoso - Rugs - Exact","B0TENT0001",4.25],["Brand new campaign","B0NEW00009",1.5]],"warnings":["Contoso Home (UK) lags"]}""";
        var sent = map.AnonymizeJson(json);
        var node = JsonNode.Parse(sent)!;
        node["rows"]![0]![0]!.GetValue<string>().Should().Be("Campaign B");
        node["rows"]![0]![1]!.GetValue<string>().Should().Be("ASIN 2");
        node["rows"]![0]![2]!.GetValue<double>().Should().Be(4.25);
        node["rows"]![1]![0]!.GetValue<string>().Should().Be("Campaign E");
        node["rows"]![1]![1]!.GetValue<string>().Should().Be("ASIN 3");
        node["warnings"]![0]!.GetValue<string>().Should().Be("Instance A lags");
        sent.Should().NotContain("Contoso").And.NotContain("B0TENT").And.NotContain("Brand new");
        map.RestoreJson("""{"filters":{"campaign":["Campaign E"]},"sourceIds":["instance-a"],"note":"about Campaign B"}""")
            .Should().Be("""{"filters":{"campaign":["Brand new campaign"]},"sourceIds":["demo-contoso"],"note":"about Contoso - Rugs - Exact"}""");
    }

    [Fact]
    public void Streamed_text_is_restored_whatever_the_split_of_an_alias_across_deltas()
    {
        var map = Map();
        const string text = "Campaign B led; Campaign D (ASIN 2) trailed. Campaign BB is unknown. Instance A";
        var expected = map.Restore(text);
        expected.Should().Be("Contoso - Rugs - Exact led; Northwind - Tents - Auto (B0TENT0001) trailed. Campaign BB is unknown. Contoso Home (UK)");
        for (var size = 1; size <= 13; size++)
        {
            var stream = map.Stream();
            var output = new System.Text.StringBuilder();
            for (var i = 0; i < text.Length; i += size) output.Append(stream.Push(text.Substring(i, Math.Min(size, text.Length - i))));
            output.Append(stream.Flush());
            output.ToString().Should().Be(expected, $"deltas of {size} characters");
        }
        // Text that cannot be an alias is not held back.
        map.Stream().Push("ROAS was 4.2 ").Should().Be("ROAS was 4.2 ");
    }

    [Theory]
    [InlineData("Send it to jane.doe@contoso.example please", "jane.doe@contoso.example", "[email]")]
    [InlineData("my key is ak_ABCDEFGHJKLMNPQRSTUVWXYZabcdefghi ok", "ak_ABCDEFGH", "[api key]")]
    [InlineData("use sk-proj-abcdefghijklmnopqrstuvwxyz012345", "sk-proj-abc", "[api key]")]
    [InlineData("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abcdefghijkl.mnopqrstuvwx", "eyJhbGci", "Bearer [token]")]
    [InlineData("Host=db.internal;Port=5432;Username=analytics;Password=hunter22 failed", "hunter22", "[connection string]")]
    [InlineData("postgres://admin:s3cret@db.internal:5432/analytics is down", "s3cret", "[connection string]")]
    [InlineData("api_key=9f8e7d6c5b4a3210", "9f8e7d6c5b4a3210", "api_key=[api key]")]
    public void Identifiers_are_redacted(string text, string secret, string placeholder)
    {
        var (redacted, count) = new EgressRedactor().Redact(text);
        redacted.Should().NotContain(secret).And.Contain(placeholder);
        count.Should().BeGreaterThan(0);
    }

    [Fact]
    public void The_asking_users_id_is_redacted_and_json_stays_valid()
    {
        var redactor = new EgressRedactor(["0190c1d2e3f4a5b6c7d8e9f0a1b2c3d4"]);
        var (json, count) = redactor.RedactJson("""{"error":"User 0190c1d2e3f4a5b6c7d8e9f0a1b2c3d4 (bob@example.com) lacks \"Host=x;Password=y\""}""");
        count.Should().Be(3);
        var error = JsonNode.Parse(json)!["error"]!.GetValue<string>();
        error.Should().Be("User [user id] ([email]) lacks \"[connection string] \"");
        redactor.Redact("ROAS by campaign last month, 4.25 on 2026-02-01").Count.Should().Be(0, "ordinary questions are left alone");
    }

    [Fact]
    public void Schema_only_answers_write_the_figures_from_the_rows_and_tell_the_model_only_the_shape()
    {
        var viz = new ChatVisualization("bar", "roas by campaign, 2026-02-01 – 2026-02-28", null,
            [new ChatColumn("campaign", "string", "Campaign"), new ChatColumn("roas", "number", "ROAS", "ratio"), new ChatColumn("acos", "number", "ACOS", "percent")],
            Enumerable.Range(0, 12).Select(i => new object?[] { $"C{i}", 7.537448 - i, 0.1234 }).ToList());
        var text = SchemaOnlyAnswer.Write([viz]);
        text.Should().StartWith("**roas by campaign, 2026-02-01 – 2026-02-28**").And.Contain("1. C0 — ROAS 7.54, ACOS 12.34%").And.Contain("10. C9 — ROAS -1.46")
            .And.Contain("(12 rows in all").And.NotContain("C10");
        SchemaOnlyAnswer.Write(new ChatVisualization("kpi", "Spend", null, [new ChatColumn("spend", "number", "Spend", "currency")], [[1234.5]]))
            .Should().Be("**Spend**: Spend $1,234.50"); // chat figures read as everywhere else (MetricFormat): currency with its symbol

        var withheld = SchemaOnlyAnswer.Withheld(["campaign", "roas"], 24);
        withheld.Should().Contain("\"rowCount\":24").And.Contain("campaign").And.NotContain("7.5");
        SchemaOnlyAnswer.MaySend("list_metrics", """[{"name":"roas"}]""").Should().BeTrue();
        SchemaOnlyAnswer.MaySend("list_dimensions", """{"dimension":"campaign","values":["X"]}""").Should().BeFalse("values are data");
        SchemaOnlyAnswer.MaySend("query", """{"rows":[]}""").Should().BeFalse();
    }

    [Fact]
    public void A_large_vocabulary_is_aliased_and_restored_quickly()
    {
        var names = Enumerable.Range(0, 5_000).Select(i => $"Brand {i % 97} - Product line {i} - Exact").ToList();
        var map = EgressAliasMap.Build(null, [("campaign", names)], [("src", "Source")]);
        var rows = string.Join(",", names.Take(400).Select((n, i) => $"[\"{n}\",{i}.5]"));
        var payload = $$"""{"columns":["campaign","roas"],"rows":[{{rows}}]}""";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var sent = map.AnonymizeJson(payload);
        var text = map.Anonymize(string.Join(" and ", names.Take(400)));
        var restored = map.Restore(text);
        var stream = map.Stream();
        var streamed = string.Concat(text.Chunk(12).Select(c => stream.Push(new string(c)))) + stream.Flush();
        watch.Stop();
        sent.Should().NotContain("Product line");
        restored.Should().Be(string.Join(" and ", names.Take(400)));
        streamed.Should().Be(restored);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), $"took {watch.ElapsedMilliseconds} ms");
        Console.WriteLine($"5,000 names, 400-row payload: {watch.ElapsedMilliseconds} ms");
    }
}
