using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Data.Seeding;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Domain.Chat.Egress;
using Analytics.Web.Cli;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Analytics.Benchmarks;

/// <summary>
/// <c>bench chat-egress [--question "…"] [--full]</c>: what a request to the external model contains, per data-sharing
/// mode, for one sample question (default "What was our ROAS by campaign last month?"). Seeds the demo workspace into a
/// temporary SQLite database, points the chat at <see cref="CaptureModel"/> (an OpenAI-compatible server on 127.0.0.1
/// that records the HTTP bodies it receives and plays a model that calls <c>query</c> once, then answers from what it
/// read), sets every instance to each mode in turn and asks the question. Prints, per mode, the messages of every
/// request exactly as received (tool schemas shortened to their names unless <c>--full</c>) and the answer the user read.
/// </summary>
internal sealed class ChatEgressSample : IBenchmark
{
    public string Name => "chat-egress";
    public string Description => "per data-sharing mode, what the requests to the external model contain for one sample question";

    public async Task<object> RunAsync(IServiceProvider services, string[] args, CancellationToken ct)
    {
        var question = CommandLine.StringOption(args, "--question") ?? "What was our ROAS by campaign last month?";
        var directory = Directory.CreateTempSubdirectory("analytics-chat-egress-");
        await using var model = await CaptureModel.StartAsync();
        try
        {
            using var host = await BenchHost.CreateAsync(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "sample.db")}", ct,
                new Dictionary<string, string?>
                {
                    ["Analytics:DataDirectory"] = directory.FullName,
                    ["Analytics:Chat:QuestionsPerHour"] = "10000",
                    ["Analytics:Chat:BaseUrl"] = model.BaseUrl.ToString(),
                    ["Analytics:Chat:ApiKey"] = "sk-sample-not-a-real-key",
                    ["Analytics:Chat:Model"] = "sample-model",
                },
                services => services.AddSingleton<TimeProvider>(new FixedClock(ChatEvaluation.Now)));
            var seeder = host.Services.GetRequiredService<DemoWorkspaceSeeder>();
            await seeder.SeedBuiltInMetricsAsync(ct);
            await seeder.SeedDemoWorkspaceAsync(ct);

            var chat = host.Services.GetRequiredService<ChatService>();
            var egress = host.Services.GetRequiredService<ChatEgressService>();
            var modes = new List<object>();
            foreach (var mode in ChatEgressModes.All)
            {
                foreach (var instance in await egress.ListAsync(Actor.System, ct)) await egress.SetAsync(Actor.System, instance.SourceId, mode.ToWire(), ct);
                model.Requests.Clear();
                var session = await chat.StartAsync(Actor.System, null, question, ct);
                var answer = new System.Text.StringBuilder();
                ChatEgressNotice? notice = null;
                await foreach (var e in session.RunAsync(ct))
                {
                    if (e is ChatEvent.Delta d) answer.Append(d.Text);
                    if (e is ChatEvent.Egress g) notice = g.Notice;
                }
                modes.Add(new
                {
                    mode = mode.ToWire(),
                    badge = notice?.Description,
                    requestsSent = model.Requests.Count,
                    requests = model.Requests.Select(r => Shorten(r, args.Contains("--full"))).ToList(),
                    answerTheUserReads = answer.ToString(),
                });
            }
            return new { question, today = ChatEvaluation.Today, modes };
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { directory.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private static JsonNode Shorten(JsonObject body, bool full)
    {
        var copy = body.DeepClone().AsObject();
        if (!full && copy["tools"] is JsonArray tools)
            copy["tools"] = new JsonArray(tools.Select(t => (JsonNode?)JsonValue.Create(t?["function"]?["name"]?.GetValue<string>())).ToArray());
        return copy;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>
    /// A stand-in model on 127.0.0.1: the first request of a question gets a <c>query</c> call (ROAS by campaign, last
    /// month); the next one gets an answer written from what the tool message it received says (the top row, if it got rows).
    /// </summary>
    internal sealed class CaptureModel : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentQueue<JsonObject> Requests { get; } = new();
        public Uri BaseUrl { get; private set; } = null!;

        private CaptureModel(WebApplication app) => _app = app;

        public static async Task<CaptureModel> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var server = new CaptureModel(app);
            app.MapPost("/v1/chat/completions", async (HttpContext http) =>
            {
                var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
                server.Requests.Enqueue(body);
                var messages = body["messages"]!.AsArray();
                var tool = messages.LastOrDefault(m => m?["role"]?.GetValue<string>() == "tool");
                http.Response.ContentType = "text/event-stream";
                async Task Send(object delta, string? finish = null)
                {
                    var chunk = new { id = "chatcmpl-sample", @object = "chat.completion.chunk", created = 1_773_576_000, model = "sample-model", choices = new[] { new { index = 0, delta, finish_reason = finish } } };
                    await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
                }
                if (tool is null)
                {
                    await Send(new { role = "assistant", tool_calls = new[] { new { index = 0, id = "call_1", type = "function", function = new { name = "query",
                        arguments = """{"metrics":["roas"],"groupBy":["campaign"],"start":"2026-02-01","end":"2026-03-01","sort":[{"by":"roas","desc":true}]}""" } } } });
                    await Send(new { }, "tool_calls");
                }
                else
                {
                    var result = JsonNode.Parse(tool["content"]!.ToString());
                    var top = result?["rows"]?.AsArray().FirstOrDefault()?.AsArray();
                    var text = top is null
                        ? "Here is ROAS by campaign for last month."
                        : $"{top[0]} had the highest ROAS last month ({top[1]}).";
                    await Send(new { role = "assistant", content = text });
                    await Send(new { }, "stop");
                }
                var usage = new { id = "chatcmpl-sample", @object = "chat.completion.chunk", created = 1_773_576_000, model = "sample-model", choices = Array.Empty<object>(),
                    usage = new { prompt_tokens = body.ToJsonString().Length / 4, completion_tokens = 20, total_tokens = body.ToJsonString().Length / 4 + 20 } };
                await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(usage) + "\n\ndata: [DONE]\n\n");
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.BaseUrl = new Uri(new Uri(address), "/v1");
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
