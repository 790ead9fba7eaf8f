using System.Text;
using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Reports.Parameters;
using Microsoft.Data.Sqlite;

namespace Analytics.Tests.Domain;

public sealed class ParameterEngineTests
{
    private static readonly DateSpan Window = new(new DateOnly(2025, 3, 12), new DateOnly(2025, 3, 19)); // Wed..Wed

    private static IReadOnlyDictionary<string, JsonElement> Values(object values) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(values))!;

    public static TheoryData<string> Injections => new()
    {
        "x' OR '1'='1",
        "a'; DROP TABLE t; --",
        "*/ SELECT 1 /*",
        "-- comment",
        "Brand’s \u2019quote\u2019 and ＇fullwidth＇",
        "back\\slash\\' still text",
        "{{c}} and $1 and ? and :name",
        "'''",
        "emoji 😀 ok",
    };

    [Fact]
    public void Date_expressions_are_relative_to_the_time_window_not_the_clock()
    {
        var bound = ParameterBinder.Bind(
            [new("lookback", ParameterType.DateRange), new("prev", ParameterType.DateRange), new("week", ParameterType.DateRange), new("on", ParameterType.Date)],
            Values(new { lookback = "last 4 weeks", prev = "previous month", week = "previous week", on = "window start" }), Window);

        bound["lookback"].Value.Should().Be(new DateSpan(new DateOnly(2025, 2, 19), new DateOnly(2025, 3, 19)));
        bound["prev"].Value.Should().Be(new DateSpan(new DateOnly(2025, 2, 1), new DateOnly(2025, 3, 1)));
        bound["week"].Value.Should().Be(new DateSpan(new DateOnly(2025, 3, 3), new DateOnly(2025, 3, 10)), "the Monday-to-Monday week before the window");
        bound["on"].Value.Should().Be(new DateOnly(2025, 3, 12));
        bound[ParameterBinder.WindowEnd].Value.Should().Be(Window.End);
    }

    [Fact]
    public void Every_bad_value_is_reported_by_name_at_once()
    {
        var act = () => ParameterBinder.Bind(
        [
            new("top", ParameterType.Int, Min: 1, Max: 100),
            new("kind", ParameterType.Enum, Options: ["SP", "SB"]),
            new("asins", ParameterType.AsinList),
            new("needed", ParameterType.String, Required: true),
            new("when", ParameterType.Date),
        ], Values(new { top = 500, kind = "XX", asins = new[] { "B0C1234567", "nope" }, when = "yesterday-ish", extra = 1 }), Window);

        var errors = act.Should().Throw<ValidationException>().Which.Errors;
        errors.Keys.Should().BeEquivalentTo(["parameters.top", "parameters.kind", "parameters.asins", "parameters.needed", "parameters.when", "parameters.extra"]);
        errors["parameters.top"].Single().Should().Contain("100");
        errors["parameters.asins"].Single().Should().Contain("'nope'");
    }

    [Fact]
    public void Defaults_apply_and_lists_accept_comma_separated_text_without_duplicates()
    {
        var bound = ParameterBinder.Bind(
            [new("top", ParameterType.Int, Default: JsonSerializer.SerializeToElement(10)), new("campaigns", ParameterType.CampaignList)],
            Values(new { campaigns = "Brand A, Brand B, Brand A" }), Window);
        bound["top"].Value.Should().Be(10L);
        bound["campaigns"].Value.Should().BeEquivalentTo(new List<string> { "Brand A", "Brand B" }, o => o.WithStrictOrdering());
    }

    [Theory]
    [InlineData("nul\0byte")]
    [InlineData("new\nline")]
    [InlineData("tab\tinside")]
    public void Control_characters_are_refused(string value)
    {
        var act = () => ParameterBinder.Bind([new("c", ParameterType.String)], new Dictionary<string, JsonElement> { ["c"] = JsonSerializer.SerializeToElement(value) }, Window);
        act.Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("parameters.c");
    }

    [Theory]
    [InlineData("SELECT '{{c}}'")]
    [InlineData("SELECT 1 -- {{c}}")]
    [InlineData("SELECT 1 /* {{c}} */")]
    [InlineData("SELECT 'open")]
    [InlineData("SELECT {{ bad name }}")]
    public void Placeholders_only_stand_where_a_value_can(string sql) =>
        FluentActions.Invoking(() => SqlTemplate.Parse(sql)).Should().Throw<ValidationException>().Which.Errors.Should().ContainKey("sql");

    [Theory]
    [MemberData(nameof(Injections))]
    public void Amc_rendering_keeps_the_query_structure_whatever_the_value(string value)
    {
        const string sql = """
            SELECT campaign, SUM(spend) AS spend -- totals
            FROM sponsored_ads_traffic
            WHERE campaign = {{c}} AND event_date >= {{r.start}} AND asin IN {{asins}} /* filter */
            GROUP BY campaign;
            """;
        var values = ParameterBinder.Bind(
            [new("c", ParameterType.String), new("r", ParameterType.DateRange), new("asins", ParameterType.StringList)],
            new Dictionary<string, JsonElement>
            {
                ["c"] = JsonSerializer.SerializeToElement(value), ["r"] = JsonSerializer.SerializeToElement("previous week"),
                ["asins"] = JsonSerializer.SerializeToElement(new[] { value, "B0C1234567" }),
            }, Window);

        var rendered = SqlTemplate.Parse(sql).RenderAmc(values);

        rendered.Should().NotContain("\n").And.NotEndWith(";");
        var tokens = Tokenize(rendered);
        var expected = Tokenize("SELECT campaign , SUM ( spend ) AS spend FROM sponsored_ads_traffic WHERE campaign = '?' AND event_date >= '?' AND asin IN ( '?' , '?' ) GROUP BY campaign");
        tokens.Select(t => t.Kind).Should().Equal(expected.Select(t => t.Kind), "a value can never add or remove tokens");
        tokens.Where(t => t.Kind == "string").Select(t => t.Text).Should().Equal(value, "2025-03-03", value, "B0C1234567");
    }

    [Theory]
    [MemberData(nameof(Injections))]
    public void Bound_rendering_sends_values_as_parameters_that_match_only_themselves(string value)
    {
        using var db = new SqliteConnection("Data Source=:memory:");
        db.Open();
        Exec(db, "CREATE TABLE t (name TEXT)");
        Exec(db, "INSERT INTO t VALUES ($v), ('safe'), ('other')", ("$v", value));
        var values = ParameterBinder.Bind(
            [new("c", ParameterType.String), new("names", ParameterType.StringList)],
            new Dictionary<string, JsonElement> { ["c"] = JsonSerializer.SerializeToElement(value), ["names"] = JsonSerializer.SerializeToElement(new[] { value, "missing" }) },
            Window);

        var sql = SqlTemplate.Parse("SELECT COUNT(*) FROM t WHERE name = {{c}} OR name IN {{names}}").RenderBound(values, out var parameters);

        sql.Should().NotContain(value.Length > 3 ? value : "\u0001", "values never enter the SQL text");
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, v) in parameters) command.Parameters.AddWithValue(name, SqlValues.Untyped(v));
        Convert.ToInt64(command.ExecuteScalar()).Should().Be(1, "only the row holding exactly that text matches");
        Convert.ToInt64(Scalar(db, "SELECT COUNT(*) FROM t")).Should().Be(3, "nothing was dropped or changed");
    }

    [Fact]
    public void Positional_rendering_numbers_every_value_in_order_and_keeps_dates_typed()
    {
        var values = ParameterBinder.Bind(
            [new("c", ParameterType.String), new("names", ParameterType.StringList)],
            Values(new { c = "x'; DROP TABLE t; --", names = new[] { "a", "b" } }), Window);

        var sql = SqlTemplate.Parse("SELECT 1 FROM t WHERE d >= {{timeWindowStart}} AND c = {{c}} AND n IN {{names}} AND d < {{timeWindowEnd}}")
            .RenderPositional(values, out var parameters);

        sql.Should().Be("SELECT 1 FROM t WHERE d >= $1 AND c = $2 AND n IN ($3, $4) AND d < $5");
        parameters.Should().HaveCount(5);
        parameters[0].Should().BeOfType<DateOnly>();
        parameters[1].Should().Be("x'; DROP TABLE t; --");
        parameters.Skip(2).Take(2).Should().Equal("a", "b");
    }

    [Fact]
    public void An_empty_list_matches_nothing_instead_of_breaking_the_query()
    {
        var values = ParameterBinder.Bind([new("names", ParameterType.StringList)], Values(new { names = Array.Empty<string>() }), Window);
        SqlTemplate.Parse("SELECT 1 WHERE x IN {{names}}").RenderAmc(values).Should().Be("SELECT 1 WHERE x IN (NULL)");
    }

    /// <summary>An independent, minimal SQL tokenizer for the assertions: strings (quotes doubled), words, numbers, symbols.</summary>
    private static List<(string Kind, string Text)> Tokenize(string sql)
    {
        var tokens = new List<(string, string)>();
        for (var i = 0; i < sql.Length;)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '\'')
            {
                var text = new StringBuilder();
                i++;
                while (true)
                {
                    if (sql[i] == '\'' && i + 1 < sql.Length && sql[i + 1] == '\'') { text.Append('\''); i += 2; continue; }
                    if (sql[i] == '\'') { i++; break; }
                    text.Append(sql[i++]);
                }
                tokens.Add(("string", text.ToString()));
            }
            else if (char.IsLetterOrDigit(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_')) i++;
                tokens.Add(("word", sql[start..i]));
            }
            else if (c == '>' && i + 1 < sql.Length && sql[i + 1] == '=') { tokens.Add(("symbol", ">=")); i += 2; }
            else { tokens.Add(("symbol", c.ToString())); i++; }
        }
        return tokens;
    }

    private static void Exec(SqliteConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
