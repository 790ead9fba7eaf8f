using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Data.Seeding;
using Analytics.Domain.Access;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench chat [--verbose]</c>: seeds the demo workspace into a fresh temporary SQLite database as of
/// <see cref="ChatEvaluation.Today"/>, asks the offline planner every question of <see cref="ChatEvaluation"/> (through
/// <see cref="ChatService"/>, as the real endpoint does) and prints accuracy and answer latency p50/p95.
/// </summary>
internal sealed class ChatBenchmark : IBenchmark
{
    public string Name => "chat";
    public string Description => "offline chat planner accuracy on the evaluation set, and answer latency p50/p95";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var directory = Directory.CreateTempSubdirectory("analytics-bench-chat-");
        try
        {
            using var host = await BenchHost.CreateAsync(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "bench.db")}", ct,
                new Dictionary<string, string?>
                {
                    ["Analytics:DataDirectory"] = directory.FullName,
                    ["Analytics:Chat:QuestionsPerHour"] = "10000",
                    ["Analytics:Chat:BaseUrl"] = "",
                },
                services => services.AddSingleton<TimeProvider>(new FixedClock(ChatEvaluation.Now)));
            var seeder = host.Services.GetRequiredService<DemoWorkspaceSeeder>();
            await seeder.SeedBuiltInMetricsAsync(ct);
            var started = System.Diagnostics.Stopwatch.StartNew();
            await seeder.SeedDemoWorkspaceAsync(ct);
            var seedMs = started.ElapsedMilliseconds;

            var chat = host.Services.GetRequiredService<ChatService>();
            // The first pass is measured cold (empty query cache; only the first questions pay for JIT); the second shows
            // the same questions answered again, from the query cache, as repeated questions on a running server are.
            var outcomes = await ChatEvaluation.RunAsync(chat, Actor.System, ct);
            var again = await ChatEvaluation.RunAsync(chat, Actor.System, ct);
            var summary = ChatEvaluation.Summarize(outcomes);
            var cached = ChatEvaluation.Summarize(again);
            var heldOut = ChatEvaluation.Summarize(await ChatEvaluation.RunAsync(chat, Actor.System, ct, ChatEvaluation.HeldOut()));
            var generated = await GeneratedAsync(directory, ct);
            if (!args.Contains("--verbose")) return new { planner = chat.PlannerName, generated, seedMs, summary, heldOut, cachedPass = cached };
            return new
            {
                planner = chat.PlannerName, generated, seedMs, summary, heldOut, cachedPass = cached,
                answers = outcomes.Select(o => new { question = string.Join(" → ", o.Case.Turns), o.Correct, o.Why, ms = Math.Round(o.Ms, 1), o.Answer }),
            };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The generated question set (<see cref="ChatQuestionSet"/>) over its own advertisers, in a database of their own.</summary>
    private static async Task<object> GeneratedAsync(DirectoryInfo directory, CancellationToken ct)
    {
        using var host = await BenchHost.CreateAsync(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "generated.db")}", ct,
            new Dictionary<string, string?>
            {
                ["Analytics:DataDirectory"] = directory.FullName,
                ["Analytics:Chat:QuestionsPerHour"] = "10000",
                ["Analytics:Chat:BaseUrl"] = "",
            },
            services => services.AddSingleton<TimeProvider>(new FixedClock(ChatEvaluation.Now)));
        await ChatQuestionSet.SeedAsync(host.Services, ct);
        return await ChatQuestionSet.RunAsync(host.Services.GetRequiredService<ChatService>(), Actor.System, ct);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
