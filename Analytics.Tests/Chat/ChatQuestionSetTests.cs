using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Analytics.Benchmarks;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Analytics.Tests.Chat;

/// <summary>A database holding only the generated advertisers of <see cref="ChatQuestionSet"/>, as of 2026-03-15.</summary>
public sealed class GeneratedChatHost : IAsyncLifetime
{
    public AnalyticsTestHost Host { get; private set; } = null!;
    public Actor Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: false, new Dictionary<string, string?> { ["Analytics:Chat:QuestionsPerHour"] = "10000" });
        await Host.InitializeAsync();
        await ChatQuestionSet.SeedAsync(Host.Services, CancellationToken.None);
        Admin = await Host.AdminAsync();
    }

    public ChatService Chat => Host.Services.GetRequiredService<ChatService>();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// The offline planner on the generated question set: its own data, answers computed by LINQ over the generated rows,
/// a tuning half and a held-out half split by a fixed seed. The held-out half's failing questions are not printed
/// (set ANALYTICS_CHAT_EVAL_SHOW_HELD_OUT=1 to see them), so nobody tunes to them by accident.
/// </summary>
public sealed class ChatQuestionSetTests(GeneratedChatHost fixture, ITestOutputHelper output) : IClassFixture<GeneratedChatHost>
{
    [Fact]
    public void The_set_has_over_300_questions_split_by_a_fixed_seed_into_disjoint_halves()
    {
        var (tuning, heldOut) = ChatQuestionSet.Split();
        (tuning.Count + heldOut.Count).Should().BeGreaterThanOrEqualTo(300);
        tuning.Count.Should().Be(heldOut.Count);
        tuning.Intersect(heldOut).Should().BeEmpty();
        ChatQuestionSet.Split().Tuning.Select(c => string.Join(" → ", c.Turns)).Should().Equal(tuning.Select(c => string.Join(" → ", c.Turns)));
        tuning.Count(c => c.Turns.Count > 1).Should().BeGreaterThan(20, "multi-turn follow-ups are part of the set");
        heldOut.Select(c => c.Category).Distinct().Should().HaveCountGreaterThan(8);
    }

    [Fact]
    public void Expected_answers_are_real_numbers()
    {
        foreach (var c in ChatQuestionSet.All().Concat(ChatQuestionSet.IssueExamples()))
        {
            switch (c.Expected)
            {
                case ChatEvaluation.Totals t: t.Values.Should().OnlyContain(v => v.Value != null && v.Value > 0, c.Turns[^1]); break;
                case ChatEvaluation.Groups g: g.Values.Should().HaveCountGreaterThan(1, string.Join(" → ", c.Turns)).And.OnlyContain(v => v.Value != null); break;
                case ChatEvaluation.Ranking r: r.Values.Should().NotBeEmpty(c.Turns[^1]); break;
                case ChatEvaluation.Series s: s.Values.Should().HaveCountGreaterThan(1, c.Turns[^1]); break;
            }
        }
    }

    [Fact]
    public async Task Tuning_half_is_answered_at_least_95_percent_right()
    {
        var outcomes = await ChatEvaluation.RunAsync(fixture.Chat, fixture.Admin, CancellationToken.None, ChatQuestionSet.Split().Tuning);
        foreach (var wrong in outcomes.Where(o => !o.Correct)) output.WriteLine($"WRONG [{wrong.Case.Category}] {string.Join(" → ", wrong.Case.Turns)}: {wrong.Why}\n  {wrong.Answer}");
        var accuracy = (double)outcomes.Count(o => o.Correct) / outcomes.Count;
        output.WriteLine($"tuning accuracy {accuracy:P1} ({outcomes.Count(o => o.Correct)}/{outcomes.Count})");
        accuracy.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public async Task Held_out_half_is_answered_at_least_92_percent_right()
    {
        var outcomes = await ChatEvaluation.RunAsync(fixture.Chat, fixture.Admin, CancellationToken.None, ChatQuestionSet.Split().HeldOut);
        if (ChatQuestionSet.ShowHeldOut)
            foreach (var wrong in outcomes.Where(o => !o.Correct)) output.WriteLine($"WRONG [{wrong.Case.Category}] {string.Join(" → ", wrong.Case.Turns)}: {wrong.Why}");
        var accuracy = (double)outcomes.Count(o => o.Correct) / outcomes.Count;
        output.WriteLine($"held-out accuracy {accuracy:P1} ({outcomes.Count(o => o.Correct)}/{outcomes.Count})");
        accuracy.Should().BeGreaterThanOrEqualTo(0.92, "the held-out half (its failures are printed only with " + ChatQuestionSet.ShowHeldOutVariable + "=1)");
    }

    public static TheoryData<int> IssueExampleIndexes() => new(Enumerable.Range(0, ChatQuestionSet.IssueExamples().Count));

    [Theory]
    [MemberData(nameof(IssueExampleIndexes))]
    public async Task Every_example_of_the_issue_is_answered_right(int index)
    {
        var example = ChatQuestionSet.IssueExamples()[index];
        var outcome = (await ChatEvaluation.RunAsync(fixture.Chat, fixture.Admin, CancellationToken.None, [example]))[0];
        outcome.Correct.Should().BeTrue($"{string.Join(" → ", example.Turns)}: {outcome.Why}\n{outcome.Answer}");
    }

    [Fact]
    public async Task A_period_without_data_says_which_period_was_read_and_what_the_data_covers()
    {
        var reply = await fixture.Chat.AskAsync(fixture.Admin, "How many clicks did Drones get in the week of June 2, 2024?");
        reply.Text.Should().Contain("May 27, 2024").And.Contain("Sep 1, 2024 – Mar 14, 2026").And.NotContain("n/a");
        reply.Visualizations.Should().BeEmpty();
    }

    [Fact]
    public async Task An_ambiguous_date_is_asked_back_with_a_choice_per_reading_and_a_choice_answers()
    {
        var reply = await fixture.Chat.AskAsync(fixture.Admin, "Spend on 03/04/2025");
        reply.Text.Should().Contain("Mar 4, 2025").And.Contain("Apr 3, 2025");
        reply.ToolResults.Should().BeEmpty("nothing is queried before the user chooses");
        var choices = reply.Events.OfType<Analytics.Domain.Chat.ChatEvent.Choices>().Single().Options;
        choices.Select(c => c.Question).Should().Equal("Spend on 2025-03-04", "Spend on 2025-04-03");
        var answer = await fixture.Chat.AskAsync(fixture.Admin, choices[1].Question, reply.ConversationId);
        var expected = ChatEvaluation.Metric("spend", ChatQuestionSet.Facts.Where(f => f.Day == new DateOnly(2025, 4, 3)));
        ChatEvaluation.Score(new ChatEvaluation.Totals([("spend", expected)]), answer.Text, answer.Visualizations).Correct.Should().BeTrue(answer.Text);
    }

    [Fact]
    public async Task Follow_ups_change_one_thing_and_keep_the_rest()
    {
        var first = await fixture.Chat.AskAsync(fixture.Admin, "Spend for the Kites campaign in Q3 2025");
        var second = await fixture.Chat.AskAsync(fixture.Admin, "How about Drones?", first.ConversationId);
        var third = await fixture.Chat.AskAsync(fixture.Admin, "And the sales?", first.ConversationId);
        var fourth = await fixture.Chat.AskAsync(fixture.Admin, "And in October?", first.ConversationId);
        bool Drones(ChatEvaluation.Fact f) => f.Campaign.Contains(" - Drones - ", StringComparison.Ordinal);
        double? Sum(string m, DateOnly s, DateOnly e) => ChatEvaluation.Metric(m, ChatQuestionSet.Facts.Where(f => Drones(f) && f.Day >= s && f.Day < e));
        ChatEvaluation.Score(new ChatEvaluation.Totals([("spend", Sum("spend", new(2025, 7, 1), new(2025, 10, 1)))]), second.Text, second.Visualizations).Correct.Should().BeTrue(second.Text);
        ChatEvaluation.Score(new ChatEvaluation.Totals([("sales", Sum("sales", new(2025, 7, 1), new(2025, 10, 1)))]), third.Text, third.Visualizations).Correct.Should().BeTrue(third.Text);
        ChatEvaluation.Score(new ChatEvaluation.Totals([("sales", Sum("sales", new(2025, 10, 1), new(2025, 11, 1)))]), fourth.Text, fourth.Visualizations).Correct.Should().BeTrue(fourth.Text);
    }
}

/// <summary>The first and last day with data, read through the query engine on PostgreSQL (SQLite: the set above).</summary>
public sealed class ChatCoveragePostgresTests
{
    [PostgresFact]
    public async Task A_period_without_data_says_what_the_data_covers_on_postgres()
    {
        await using var host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Postgres, seedDemo: false);
        await host.InitializeAsync();
        await ChatQuestionSet.SeedAsync(host.Services, CancellationToken.None);
        var reply = await host.Services.GetRequiredService<ChatService>().AskAsync(await host.AdminAsync(), "Spend in Q3 2026");
        reply.Text.Should().Contain("Q3 2026").And.Contain("Sep 1, 2024 – Mar 14, 2026");
    }
}
