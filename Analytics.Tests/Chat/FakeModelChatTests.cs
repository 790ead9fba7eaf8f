using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Chat;

/// <summary>
/// The LLM chat path over the seeded demo workspace against <see cref="FakeOpenAiServer"/> on 127.0.0.1, data shared in
/// full (the other data-sharing modes are ChatEgressTests'); each test class says how many tool rounds, how long an
/// answer may take and how many questions an hour it allows.
/// </summary>
public abstract class FakeModelChatTests(int maxToolRounds, int answerTimeoutSeconds, int? questionsPerHour = null) : IAsyncLifetime
{
    protected FakeOpenAiServer Model { get; private set; } = null!;
    protected AnalyticsTestHost Host { get; private set; } = null!;
    protected Actor Admin { get; private set; } = null!;
    protected ChatService Chat => Host.Services.GetRequiredService<ChatService>();

    public async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Analytics:Chat:BaseUrl"] = Model.BaseUrl.ToString(),
            ["Analytics:Chat:ApiKey"] = "sk-test-123",
            ["Analytics:Chat:Model"] = "fake-model",
            ["Analytics:Chat:MaxToolRounds"] = maxToolRounds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Analytics:Chat:AnswerTimeoutSeconds"] = answerTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Analytics:Chat:Egress:DefaultMode"] = "full",
        };
        if (questionsPerHour is { } perHour) settings["Analytics:Chat:QuestionsPerHour"] = perHour.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: true, settings);
        await Host.InitializeAsync();
        Admin = await Host.AdminAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Model.DisposeAsync();
    }
}
