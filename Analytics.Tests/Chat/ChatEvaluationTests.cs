using Analytics.Benchmarks;
using Xunit.Abstractions;

namespace Analytics.Tests.Chat;

/// <summary>
/// The offline planner on the evaluation set (over 100 analyst questions, expected answers computed by LINQ over the
/// generator's rows), end to end through <see cref="Analytics.Data.Chat.ChatService"/> and the real query engine.
/// </summary>
public sealed class ChatEvaluationTests(SeededChatHost fixture, ITestOutputHelper output) : IClassFixture<SeededChatHost>
{
    /// <summary>What the planner reached when this test was written (131 of 131); a change that answers fewer fails here.</summary>
    public const double MinimumAccuracy = 1.0;

    [Fact]
    public async Task Offline_planner_accuracy_does_not_regress()
    {
        var cases = ChatEvaluation.Cases();
        cases.Should().HaveCountGreaterThanOrEqualTo(100);
        var outcomes = await ChatEvaluation.RunAsync(fixture.Chat, fixture.Admin, CancellationToken.None, cases);
        foreach (var wrong in outcomes.Where(o => !o.Correct)) output.WriteLine($"WRONG {string.Join(" → ", wrong.Case.Turns)}: {wrong.Why}\n  {wrong.Answer}");
        var accuracy = (double)outcomes.Count(o => o.Correct) / outcomes.Count;
        output.WriteLine($"accuracy {accuracy:P1} ({outcomes.Count(o => o.Correct)}/{outcomes.Count})");
        accuracy.Should().BeGreaterThanOrEqualTo(MinimumAccuracy);
    }

    /// <summary>Paraphrases the planner was not tuned on: 16 of 20 when written.</summary>
    [Fact]
    public async Task Held_out_paraphrases_do_not_regress()
    {
        var outcomes = await ChatEvaluation.RunAsync(fixture.Chat, fixture.Admin, CancellationToken.None, ChatEvaluation.HeldOut());
        foreach (var wrong in outcomes.Where(o => !o.Correct)) output.WriteLine($"WRONG {string.Join(" → ", wrong.Case.Turns)}: {wrong.Why}");
        outcomes.Count(o => o.Correct).Should().BeGreaterThanOrEqualTo(16);
    }

    [Fact]
    public void Expected_answers_are_real_numbers_not_empty_sets()
    {
        foreach (var c in ChatEvaluation.Cases().Concat(ChatEvaluation.HeldOut()))
        {
            switch (c.Expected)
            {
                case ChatEvaluation.Totals t: t.Values.Should().OnlyContain(v => v.Value != null && v.Value > 0, c.Turns[^1]); break;
                case ChatEvaluation.Groups g: g.Values.Should().HaveCountGreaterThan(1, c.Turns[^1]); break;
                case ChatEvaluation.Ranking r: r.Values.Should().NotBeEmpty(c.Turns[^1]); break;
                case ChatEvaluation.Series s: s.Values.Should().HaveCountGreaterThan(1, c.Turns[^1]); break;
                case ChatEvaluation.Comparison cmp: cmp.Values.Values.Should().OnlyContain(v => v.Current != null && v.Previous != null, c.Turns[^1]); break;
            }
        }
    }

    [Fact]
    public void Scoring_rejects_a_wrong_answer()
    {
        var expected = new ChatEvaluation.Totals([("spend", 100.0)]);
        var columns = new List<Analytics.Domain.Chat.ChatColumn> { new("spend", "number") };
        ChatEvaluation.Score(expected, "", [new("kpi", "", null, columns, [[100.0]])]).Correct.Should().BeTrue();
        ChatEvaluation.Score(expected, "", [new("kpi", "", null, columns, [[100.5]])]).Correct.Should().BeFalse();
        ChatEvaluation.Score(expected, "", []).Correct.Should().BeFalse();
    }
}
