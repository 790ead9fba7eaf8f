using Analytics.Data;
using Analytics.Data.Chat;
using Analytics.Data.Identity;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Chat;

/// <summary>One SQLite database seeded with the demo workspace as of 2026-03-15, shared by a test class.</summary>
public sealed class SeededChatHost : IAsyncLifetime
{
    public AnalyticsTestHost Host { get; private set; } = null!;
    public Actor Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await AnalyticsTestHost.CreateAsync(DatabaseProvider.Sqlite, seedDemo: true, new Dictionary<string, string?> { ["Analytics:Chat:QuestionsPerHour"] = "10000" });
        await Host.InitializeAsync();
        Admin = await Host.AdminAsync();
    }

    public ChatService Chat => Host.Services.GetRequiredService<ChatService>();

    public async Task<Actor> ViewerAsync(params string[] instances)
    {
        var email = $"viewer-{Guid.NewGuid():N}@example.test";
        var created = await Host.WithScopeAsync<UserService, CreatedUser>(s =>
            s.CreateAsync(Admin, new CreateUserCommand(email, email, "viewer", instances, "Viewer-Passw0rd!"), CancellationToken.None));
        return await Host.ActorAsync(created.User.Id);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed record ChatReply(string ConversationId, string Text, List<ChatEvent> Events)
{
    public List<ChatVisualization> Visualizations => Events.OfType<ChatEvent.Visualization>().Select(v => v.Value).ToList();
    public List<ChatEvent.ToolResult> ToolResults => Events.OfType<ChatEvent.ToolResult>().ToList();
}

public static class ChatServiceExtensions
{
    public static async Task<ChatReply> AskAsync(this ChatService chat, Actor actor, string question, string? conversationId = null)
    {
        var session = await chat.StartAsync(actor, conversationId, question, CancellationToken.None);
        var events = new List<ChatEvent>();
        await foreach (var e in session.RunAsync(CancellationToken.None)) events.Add(e);
        return new ChatReply(session.ConversationId, string.Concat(events.OfType<ChatEvent.Delta>().Select(d => d.Text)), events);
    }
}
