using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Data.Dashboards;

/// <summary>
/// Teams: groups of users that dashboards and folders are shared with (<see cref="DashboardSharing"/>). Everyone signed in
/// sees the teams (to share with them); only admins create, rename, delete them and change their members. Deleting a
/// team takes its memberships and every share made to it.
/// </summary>
public sealed class TeamService(IDbContextFactory<AnalyticsDbContext> factory, AuditLog audit, TimeProvider clock)
{
    public const int MaxNameLength = 200;

    public async Task<IReadOnlyList<TeamView>> ListAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var teams = await db.Teams.AsNoTracking().Include(t => t.Members).ToListAsync(ct);
        return teams.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Select(t => new TeamView(t.Id, t.Name, t.Members.Select(m => m.UserId).Order().ToList())).ToList();
    }

    /// <summary>Creates a team (<paramref name="id"/> null) or renames one and sets its members (all of them: absent ones leave).</summary>
    public async Task<TeamView> SaveAsync(Actor actor, string? id, string? name, IReadOnlyList<string>? memberIds, CancellationToken ct)
    {
        actor.EnsureAdmin("manage teams");
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
            throw new ValidationException("name", $"Required: a team name of at most {MaxNameLength} characters.");
        await using var db = await factory.CreateDbContextAsync(ct);
        var members = (memberIds ?? []).Distinct().ToList();
        var known = await db.Users.AsNoTracking().Where(u => members.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        var unknown = members.Except(known).ToList();
        if (unknown.Count > 0) throw new ValidationException("memberIds", $"No user has the id {string.Join(", ", unknown)}.");
        if (await db.Teams.AnyAsync(t => t.Name == name.Trim() && t.Id != id, ct)) throw new ConflictException($"A team named '{name.Trim()}' already exists.");
        Team team;
        if (id is null)
        {
            team = new Team { Id = Ids.New(), Name = name.Trim(), CreatedAt = clock.GetUtcNow() };
            db.Teams.Add(team);
        }
        else
        {
            team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("Team", id);
            team.Name = name.Trim();
            db.TeamMembers.RemoveRange(team.Members);
            team.Members.Clear();
        }
        foreach (var m in members) team.Members.Add(new TeamMember { TeamId = team.Id, UserId = m });
        await db.SaveChangesAsync(ct);
        return new TeamView(team.Id, team.Name, members.Order().ToList());
    }

    /// <summary>Adds an active user to a team (already a member: nothing changes).</summary>
    public async Task<TeamView> AddMemberAsync(Actor actor, string teamId, string? userId, CancellationToken ct)
    {
        actor.EnsureAdmin("manage teams");
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Team", teamId);
        if (string.IsNullOrWhiteSpace(userId) || !await db.Users.AnyAsync(u => u.Id == userId && !u.Disabled, ct))
            throw new ValidationException("userId", $"No active user has the id '{userId}'.");
        if (team.Members.All(m => m.UserId != userId))
        {
            team.Members.Add(new TeamMember { TeamId = team.Id, UserId = userId });
            await db.SaveChangesAsync(ct);
        }
        return View(team);
    }

    /// <summary>Takes a user out of a team (not a member: nothing changes).</summary>
    public async Task<TeamView> RemoveMemberAsync(Actor actor, string teamId, string userId, CancellationToken ct)
    {
        actor.EnsureAdmin("manage teams");
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Team", teamId);
        if (team.Members.FirstOrDefault(m => m.UserId == userId) is { } member)
        {
            team.Members.Remove(member);
            db.TeamMembers.Remove(member);
            await db.SaveChangesAsync(ct);
        }
        return View(team);
    }

    /// <summary>Deletes a team, its memberships and every share made to it (its members keep what reaches them otherwise).</summary>
    public async Task DeleteAsync(Actor actor, string teamId, CancellationToken ct)
    {
        actor.EnsureAdmin("manage teams");
        await using var db = await factory.CreateDbContextAsync(ct);
        var team = await db.Teams.Include(t => t.Members).FirstOrDefaultAsync(t => t.Id == teamId, ct) ?? throw new NotFoundException("Team", teamId);
        var shares = await db.DashboardShares.Where(s => s.PrincipalKind == SharePrincipal.Team && s.PrincipalId == teamId).ToListAsync(ct);
        db.DashboardShares.RemoveRange(shares);
        db.Teams.Remove(team);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(actor, AuditActions.TeamDeleted, "team", teamId, $"team {team.Name} ({team.Members.Count} members, {shares.Count} shares)", ct);
    }

    private static TeamView View(Team team) => new(team.Id, team.Name, team.Members.Select(m => m.UserId).Order().ToList());
}
