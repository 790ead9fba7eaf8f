using Analytics.Data.Chat;
using Analytics.Data.Dashboards;
using Analytics.Data.Identity;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Chat;
using Analytics.Domain.Dashboards;
using Analytics.Benchmarks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Chat;

/// <summary>
/// The chat beside a dashboard, over the seeded demo workspace (today 2026-03-15): questions answered under the
/// dashboard's filters, "add to dashboard" with its permissions, and bookmarks.
/// </summary>
public sealed class ChatPanelServiceTests(SeededChatHost fixture) : IClassFixture<SeededChatHost>
{
    private ChatService Chat => fixture.Chat;
    private ChatDashboardService ChatDashboards => fixture.Host.Services.GetRequiredService<ChatDashboardService>();
    private ChatBookmarkService Bookmarks => fixture.Host.Services.GetRequiredService<ChatBookmarkService>();
    private DashboardService Dashboards => fixture.Host.Services.GetRequiredService<DashboardService>();

    private async Task<Actor> AnalystAsync()
    {
        var email = $"analyst-{Guid.NewGuid():N}@example.test";
        var created = await fixture.Host.WithScopeAsync<UserService, CreatedUser>(s =>
            s.CreateAsync(fixture.Admin, new CreateUserCommand(email, email, "analyst", ["demo-northwind", "demo-contoso", "demo-fabrikam"], "Analyst-Passw0rd!"), CancellationToken.None));
        return await fixture.Host.ActorAsync(created.User.Id);
    }

    private async Task<ChatReply> AskAsync(Actor actor, string question, ChatScope? scope, string? conversationId = null)
    {
        var session = await Chat.StartAsync(actor, conversationId, question, scope, CancellationToken.None);
        var events = new List<ChatEvent>();
        await foreach (var e in session.RunAsync(CancellationToken.None)) events.Add(e);
        return new ChatReply(session.ConversationId, string.Concat(events.OfType<ChatEvent.Delta>().Select(d => d.Text)), events);
    }

    private static string MessageIdOf(ChatReply reply) => reply.Events.OfType<ChatEvent.Done>().Single().MessageId!;

    private Task<DashboardView> DashboardAsync(Actor owner, string name, params DashboardFilter[] filters) =>
        Dashboards.CreateAsync(owner, new DashboardDefinition
        {
            Name = name, Filters = filters,
            Widgets = [new WidgetDefinition { Type = "line", Position = new WidgetPosition(0, 0, 6, 4), Config = WidgetKinds.Get("line").Starter }],
        }, CancellationToken.None);

    [Fact]
    public async Task A_question_beside_a_dashboard_answers_for_its_range_and_instances()
    {
        var dashboard = await DashboardAsync(fixture.Admin, "Contoso last month",
            new DashboardFilter("time", Preset: "lastMonth"), new DashboardFilter("instance", ["demo-contoso"]));
        var scope = await ChatDashboards.ScopeAsync(fixture.Admin, new ChatContextInput(DashboardId: dashboard.Id), CancellationToken.None);
        scope!.Range!.Label.Should().Be("February 2026");
        scope.SourceIds.Should().Equal("demo-contoso");

        var reply = await AskAsync(fixture.Admin, "What was ROAS by campaign?", scope);

        var expected = ChatEvaluation.Facts.Where(f => f.Source == "demo-contoso" && f.Day >= new DateOnly(2026, 2, 1) && f.Day < new DateOnly(2026, 3, 1))
            .GroupBy(f => f.Campaign).ToDictionary(g => g.Key, g => ChatEvaluation.Metric("roas", g)!.Value);
        var rows = reply.Visualizations.Should().ContainSingle().Subject.Rows;
        rows.Should().HaveCount(expected.Count);
        foreach (var row in rows) ((double)row[1]!).Should().BeApproximately(expected[(string)row[0]!], 1e-6);
        reply.Text.Should().Contain("February 2026").And.Contain("Contoso Home (UK)");

        // The question's own words win: another instance and period.
        var other = await AskAsync(fixture.Admin, "spend for Northwind in January 2026", scope);
        var spend = ChatEvaluation.Facts.Where(f => f.Source == "demo-northwind" && f.Day.Year == 2026 && f.Day.Month == 1).Sum(f => f.Spend);
        ((double)other.Visualizations.Single().Rows[0][0]!).Should().BeApproximately(spend, 1e-6);

        // Over HTTP the same context is validated, and a dashboard the caller cannot see is not found.
        var viewer = await fixture.ViewerAsync("demo-contoso");
        await FluentActions.Awaiting(() => ChatDashboards.ScopeAsync(viewer, new ChatContextInput(DashboardId: dashboard.Id), CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
        (await FluentActions.Awaiting(() => ChatDashboards.ScopeAsync(viewer, new ChatContextInput(Start: new DateOnly(2026, 2, 1)), CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("context.end");
        (await FluentActions.Awaiting(() => ChatDashboards.ScopeAsync(viewer, new ChatContextInput(Preset: "fortnight"), CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("context.preset");
    }

    [Fact]
    public async Task An_answer_goes_on_a_dashboard_the_user_may_edit_at_the_first_free_spot()
    {
        var analyst = await AnalystAsync();
        var dashboard = await DashboardAsync(analyst, "Mine");
        var reply = await AskAsync(analyst, "What was our ROAS by campaign last month?", null);
        var messageId = MessageIdOf(reply);

        var added = await ChatDashboards.AddToDashboardAsync(analyst, reply.ConversationId, messageId, dashboard.Id, null, null, CancellationToken.None);

        added.DashboardName.Should().Be("Mine");
        added.Widget.Type.Should().Be("bar");
        added.Widget.Position.Should().Be(new WidgetPosition(6, 0, 6, 4), "right of the line chart that fills the first half of the row");
        added.Widget.Config.Title.Should().Be("roas by campaign");
        added.Widget.Config.Query!.Metrics.Should().Equal("roas");
        added.Widget.Config.Query.GroupBy.Should().Equal("campaign");
        added.Widget.Config.Query.TimeRange.Should().BeNull();
        var stored = await Dashboards.GetAsync(analyst, dashboard.Id, CancellationToken.None);
        stored.Widgets.Should().HaveCount(2);
        stored.Version.Should().Be(dashboard.Version + 1);
        stored.Widgets[0].Position.Should().Be(new WidgetPosition(0, 0, 6, 4), "nothing else moves");

        // A second one goes below.
        var again = await ChatDashboards.AddToDashboardAsync(analyst, reply.ConversationId, messageId, dashboard.Id, 0, "ROAS again", CancellationToken.None);
        again.Widget.Position.Y.Should().Be(4);
        again.Widget.Config.Title.Should().Be("ROAS again");

        // Someone who may only view it is refused; someone it is not shared with does not learn it exists.
        var viewerOfIt = await AnalystAsync();
        await fixture.Host.Services.GetRequiredService<DashboardSharing>().ShareAsync(analyst, dashboard.Id, new ShareInput(viewerOfIt.UserId, null, "view", null), CancellationToken.None);
        var theirs = await AskAsync(viewerOfIt, "What was our ROAS by campaign last month?", null);
        await FluentActions.Awaiting(() => ChatDashboards.AddToDashboardAsync(viewerOfIt, theirs.ConversationId, MessageIdOf(theirs), dashboard.Id, null, null, CancellationToken.None))
            .Should().ThrowAsync<ForbiddenException>();
        var stranger = await AnalystAsync();
        var strangers = await AskAsync(stranger, "What was our ROAS by campaign last month?", null);
        await FluentActions.Awaiting(() => ChatDashboards.AddToDashboardAsync(stranger, strangers.ConversationId, MessageIdOf(strangers), dashboard.Id, null, null, CancellationToken.None))
            .Should().ThrowAsync<NotFoundException>();
        // Another user's answer is not found either.
        await FluentActions.Awaiting(() => ChatDashboards.AddToDashboardAsync(stranger, reply.ConversationId, messageId, dashboard.Id, null, null, CancellationToken.None))
            .Should().ThrowAsync<NotFoundException>();
        (await ChatDashboards.EditableAsync(viewerOfIt, CancellationToken.None)).Should().NotContain(d => d.Id == dashboard.Id);
        (await ChatDashboards.EditableAsync(analyst, CancellationToken.None)).Should().Contain(d => d.Id == dashboard.Id);

        // An answer without a query a widget could repeat, and bad input, name the field.
        var unusual = await AskAsync(analyst, "Anything unusual last week?", null, reply.ConversationId);
        (await FluentActions.Awaiting(() => ChatDashboards.AddToDashboardAsync(analyst, reply.ConversationId, MessageIdOf(unusual), dashboard.Id, null, null, CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("index");
        (await FluentActions.Awaiting(() => ChatDashboards.AddToDashboardAsync(analyst, reply.ConversationId, messageId, dashboard.Id, 3, null, CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("index");
        (await FluentActions.Awaiting(() => ChatDashboards.AddToDashboardAsync(analyst, reply.ConversationId, messageId, " ", null, null, CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("dashboardId");
        (await Dashboards.GetAsync(analyst, dashboard.Id, CancellationToken.None)).Widgets.Should().HaveCount(3);
    }

    [Fact]
    public async Task Bookmarks_are_per_user_listed_newest_first_and_removed()
    {
        var analyst = await AnalystAsync();
        var first = await AskAsync(analyst, "What was our spend last month?", null);
        var second = await AskAsync(analyst, "and the month before?", null, first.ConversationId);

        var (a, created) = await Bookmarks.AddAsync(analyst, first.ConversationId, MessageIdOf(first), "for the review", CancellationToken.None);
        created.Should().BeTrue();
        var (again, createdAgain) = await Bookmarks.AddAsync(analyst, first.ConversationId, MessageIdOf(first), null, CancellationToken.None);
        createdAgain.Should().BeFalse();
        again.Id.Should().Be(a.Id);
        await Bookmarks.AddAsync(analyst, first.ConversationId, MessageIdOf(second), null, CancellationToken.None);

        var list = await Bookmarks.ListAsync(analyst, CancellationToken.None);
        list.Select(b => b.MessageId).Should().Equal(MessageIdOf(second), MessageIdOf(first));
        list[1].Note.Should().Be("for the review");
        list[1].ConversationTitle.Should().Be("What was our spend last month?");
        list[1].Excerpt.Should().Contain("February 2026");

        // Questions cannot be bookmarked, nor someone else's answers.
        var view = await Chat.GetAsync(analyst, first.ConversationId, CancellationToken.None);
        (await FluentActions.Awaiting(() => Bookmarks.AddAsync(analyst, first.ConversationId, view.Messages[0].Id, null, CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("messageId");
        var other = await AnalystAsync();
        await FluentActions.Awaiting(() => Bookmarks.AddAsync(other, first.ConversationId, MessageIdOf(first), null, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
        (await Bookmarks.ListAsync(other, CancellationToken.None)).Should().BeEmpty();
        await FluentActions.Awaiting(() => Bookmarks.RemoveAsync(other, a.Id, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();
        (await FluentActions.Awaiting(() => Bookmarks.AddAsync(analyst, null, "", null, CancellationToken.None))
            .Should().ThrowAsync<ValidationException>()).Which.Errors.Keys.Should().Contain(["conversationId", "messageId"]);

        await Bookmarks.RemoveAsync(analyst, a.Id, CancellationToken.None);
        (await Bookmarks.ListAsync(analyst, CancellationToken.None)).Should().ContainSingle();
        await FluentActions.Awaiting(() => Bookmarks.RemoveAsync(analyst, a.Id, CancellationToken.None)).Should().ThrowAsync<NotFoundException>();

        // A deleted (archived) conversation's bookmarks are no longer listed.
        await Chat.DeleteAsync(analyst, first.ConversationId, CancellationToken.None);
        (await Bookmarks.ListAsync(analyst, CancellationToken.None)).Should().BeEmpty();
        await using var db = await fixture.Host.DbAsync();
        (await db.Set<ChatBookmark>().CountAsync(b => b.UserId == analyst.UserId)).Should().Be(1, "the row stays with the archived conversation");
    }
}
