using Analytics.Data;
using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Tests.Audit;

/// <summary>The audit trail on each provider: recorded entries read back newest first and filtered, admins only, append-only in the database.</summary>
public abstract class AuditLogTests : ProviderTests
{
    [ProviderFact]
    public async Task Entries_read_back_newest_first_filtered_by_action_prefix_actor_and_target()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var audit = host.Services.GetRequiredService<AuditLog>();
        var admin = await host.AdminAsync();

        await audit.RecordAsync(admin, AuditActions.UserCreated, "user", "u1", "viewer");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await audit.RecordAsync(admin, AuditActions.UserRoleChanged, "user", "u1", "viewer → analyst");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await audit.RecordAsync(null, "nobody@example.test", AuditActions.SignInFailed, "user", null, "wrong password or unknown e-mail");
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await audit.RecordAsync(admin, AuditActions.SourceDeleted, "source", "s9");

        async Task<IReadOnlyList<AuditEventView>> List(AuditQuery query, int limit = 100) =>
            (await audit.ListAsync(admin, query, new PageRequest(limit, null), CancellationToken.None)).Items;

        // The oldest entry is the first admin's creation, recorded by the start-up itself.
        (await List(new AuditQuery())).Select(e => e.Action).Should().Equal(
            AuditActions.SourceDeleted, AuditActions.SignInFailed, AuditActions.UserRoleChanged, AuditActions.UserCreated, AuditActions.UserCreated);
        (await List(new AuditQuery(Action: "user."))).Select(e => e.Action).Should().Equal(AuditActions.UserRoleChanged, AuditActions.UserCreated, AuditActions.UserCreated);
        (await List(new AuditQuery(Action: AuditActions.SignInFailed))).Should().ContainSingle()
            .Which.Should().Match<AuditEventView>(e => e.ActorId == null && e.ActorName == "nobody@example.test");
        (await List(new AuditQuery(TargetId: "u1"))).Should().HaveCount(2);
        (await List(new AuditQuery(ActorId: admin.UserId))).Should().HaveCount(3);
        (await List(new AuditQuery(Since: FixedTimeProvider.DefaultNow.AddSeconds(90)))).Should().HaveCount(2);

        var first = await audit.ListAsync(admin, new AuditQuery(), new PageRequest(3, null), CancellationToken.None);
        var second = await audit.ListAsync(admin, new AuditQuery(), new PageRequest(3, first.NextAfter), CancellationToken.None);
        second.Items.Select(e => e.Action).Should().Equal(AuditActions.UserCreated, AuditActions.UserCreated);
        second.NextAfter.Should().BeNull();
    }

    [ProviderFact]
    public async Task Only_admins_read_the_trail()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        var analyst = new Actor("someone", "Someone", Role.Analyst, new HashSet<string>());

        var read = () => host.Services.GetRequiredService<AuditLog>().ListAsync(analyst, new AuditQuery(), new PageRequest(10, null), CancellationToken.None);

        await read.Should().ThrowAsync<ForbiddenException>();
    }

    [ProviderFact]
    public async Task The_database_refuses_to_change_or_delete_an_entry()
    {
        await using var host = await CreateHostAsync();
        await host.InitializeAsync();
        await host.Services.GetRequiredService<AuditLog>().RecordAsync(await host.AdminAsync(), AuditActions.ApiKeyCreated, "apikey", "k1");

        await using var db = await host.DbAsync();
        var update = () => db.AuditEvents.ExecuteUpdateAsync(s => s.SetProperty(e => e.Detail, "rewritten"));
        var delete = () => db.AuditEvents.ExecuteDeleteAsync();

        (await update.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(AuditTrailGuard.Message);
        (await delete.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(AuditTrailGuard.Message);
        (await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == AuditActions.ApiKeyCreated)).Detail.Should().BeNull();
        if (host.Provider == DatabaseProvider.Postgres)
        {
            var truncate = () => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_events");
            (await truncate.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain(AuditTrailGuard.Message);
        }
    }
}

[DatabaseProvider(DatabaseProvider.Sqlite)]
public sealed class SqliteAuditLogTests : AuditLogTests;

[DatabaseProvider(DatabaseProvider.Postgres)]
public sealed class PostgresAuditLogTests : AuditLogTests;
