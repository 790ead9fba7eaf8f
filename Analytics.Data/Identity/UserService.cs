using System.Net.Mail;
using System.Security.Cryptography;
using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Identity;

public sealed record UserView(string Id, string Email, string DisplayName, string Role, IReadOnlyList<string> InstanceIds, bool Disabled, DateTimeOffset CreatedAt,
    bool MustChangePassword = false);

public sealed record CreateUserCommand(string? Email, string? DisplayName, string? Role, IReadOnlyList<string>? InstanceIds, string? Password);

public sealed record UpdateUserCommand(string? DisplayName, string? Role, IReadOnlyList<string>? InstanceIds, bool? Disabled);

public sealed record CreatedUser(UserView User, string? InitialPassword);

/// <summary>Users, roles and instance grants. Only admins manage users; the rules come from <see cref="Actor"/>.</summary>
/// <remarks>
/// Role changes and disabling update the user's security stamp, which ends their sign-in sessions and open pages
/// within <c>Analytics:Auth:SessionRevalidationSeconds</c>. Account changes are recorded in the audit trail.
/// </remarks>
public sealed class UserService(
    UserManager<AppUser> users,
    IDbContextFactory<AnalyticsDbContext> factory,
    IOptions<AuthOptions> auth,
    AuditLog audit,
    InitialAdminPassword initialPassword,
    TimeProvider clock,
    ILogger<UserService> logger)
{
    public async Task<Page<UserView>> ListAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        actor.EnsureAdmin("list users");
        await using var db = await factory.CreateDbContextAsync(ct);
        var query = db.Users.AsNoTracking().OrderBy(u => u.Id).AsQueryable();
        if (page.After is { } after) query = query.Where(u => string.Compare(u.Id, after) > 0);
        var rows = await query.Take(page.Limit + 1).ToListAsync(ct);
        var ids = rows.Select(u => u.Id).ToList();
        var grants = await db.InstanceGrants.AsNoTracking().Where(g => ids.Contains(g.UserId)).ToListAsync(ct);
        var views = rows.Take(page.Limit).Select(u => View(u, grants.Where(g => g.UserId == u.Id).Select(g => g.SourceId))).ToList();
        return new Page<UserView>(views, rows.Count > page.Limit ? views[^1].Id : null);
    }

    public async Task<UserView> GetAsync(Actor actor, string id, CancellationToken ct)
    {
        if (!actor.IsAdmin && actor.UserId != id) throw new NotFoundException("User", id);
        await using var db = await factory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("User", id);
        var grants = await db.InstanceGrants.AsNoTracking().Where(g => g.UserId == id).Select(g => g.SourceId).ToListAsync(ct);
        return View(user, grants);
    }

    public async Task<CreatedUser> CreateAsync(Actor actor, CreateUserCommand command, CancellationToken ct)
    {
        actor.EnsureAdmin("create users");
        var errors = new Dictionary<string, string[]>();
        var email = command.Email?.Trim() ?? "";
        if (!IsEmail(email)) errors["email"] = ["A valid e-mail address is required, e.g. ana@example.com."];
        if (!Roles.TryParse(command.Role ?? "viewer", out var role)) errors["role"] = ["Role must be one of admin, analyst, viewer."];
        var instanceIds = (command.InstanceIds ?? []).Distinct().ToList();
        await ValidateInstancesAsync(instanceIds, errors, ct);
        if (!string.IsNullOrEmpty(command.Password) && PasswordPolicy.LengthProblem(command.Password) is { } problem) errors["password"] = [problem];
        if (errors.Count > 0) throw new ValidationException(errors);
        if (await users.FindByEmailAsync(email) is not null) throw new ConflictException($"A user with e-mail {email} already exists.");

        var password = string.IsNullOrEmpty(command.Password) ? GeneratePassword() : command.Password;
        // Someone else chose this password (the admin, or the generator on the admin's behalf): the user picks their own at first sign-in.
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true, Role = role, CreatedAt = clock.GetUtcNow(), MustChangePassword = true,
            DisplayName = string.IsNullOrWhiteSpace(command.DisplayName) ? email.Split('@')[0] : command.DisplayName.Trim(),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) throw new ValidationException("password", string.Join(" ", result.Errors.Select(e => e.Description)));
        await ReplaceGrantsAsync(user.Id, instanceIds, ct);
        logger.LogInformation("User {UserId} ({Role}) created by {Actor}", user.Id, role.ToWire(), actor.UserId);
        await audit.RecordAsync(actor, AuditActions.UserCreated, "user", user.Id,
            $"{email}, role {role.ToWire()}, {Describe(instanceIds)}; password {(string.IsNullOrEmpty(command.Password) ? "generated" : "set by the admin")}, to be changed at first sign-in", ct);
        return new CreatedUser(View(user, instanceIds), string.IsNullOrEmpty(command.Password) ? password : null);
    }

    public async Task<UserView> UpdateAsync(Actor actor, string id, UpdateUserCommand command, CancellationToken ct)
    {
        actor.EnsureAdmin("change users");
        var user = await users.FindByIdAsync(id) ?? throw new NotFoundException("User", id);
        var errors = new Dictionary<string, string[]>();
        var role = user.Role;
        if (command.Role is not null && !Roles.TryParse(command.Role, out role)) errors["role"] = ["Role must be one of admin, analyst, viewer."];
        if (command.InstanceIds is not null) await ValidateInstancesAsync(command.InstanceIds, errors, ct);
        if (user.Id == actor.UserId && (role != Role.Admin || command.Disabled == true))
            errors["role"] = ["You cannot demote or disable yourself; ask another admin."];
        if (errors.Count > 0) throw new ValidationException(errors);

        var previousRole = user.Role;
        var wasDisabled = user.Disabled;
        user.Role = role;
        if (!string.IsNullOrWhiteSpace(command.DisplayName)) user.DisplayName = command.DisplayName.Trim();
        if (command.Disabled is { } disabled) user.Disabled = disabled;
        var sessionsEnd = previousRole != user.Role || (user.Disabled && !wasDisabled);
        // A new security stamp invalidates the user's sign-in cookies and makes their open pages lose authorization.
        var result = sessionsEnd ? await users.UpdateSecurityStampAsync(user) : await users.UpdateAsync(user);
        if (!result.Succeeded) throw new ConflictException(string.Join(" ", result.Errors.Select(e => e.Description)));

        if (previousRole != user.Role)
            await audit.RecordAsync(actor, AuditActions.UserRoleChanged, "user", id, $"{user.Email}: role {previousRole.ToWire()} → {user.Role.ToWire()}", ct);
        if (wasDisabled != user.Disabled)
            await audit.RecordAsync(actor, user.Disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, "user", id, user.Email, ct);
        if (command.InstanceIds is not null)
        {
            var wanted = command.InstanceIds.Distinct().ToList();
            await using var db = await factory.CreateDbContextAsync(ct);
            var before = await db.InstanceGrants.AsNoTracking().Where(g => g.UserId == id).Select(g => g.SourceId).ToListAsync(ct);
            if (!before.ToHashSet().SetEquals(wanted))
            {
                await ReplaceGrantsAsync(id, wanted, ct);
                var added = wanted.Except(before).Order().ToList();
                var removed = before.Except(wanted).Order().ToList();
                await audit.RecordAsync(actor, AuditActions.UserGrantsChanged, "user", id,
                    $"{user.Email}: {(added.Count > 0 ? "granted " + string.Join(", ", added) : "")}{(added.Count > 0 && removed.Count > 0 ? "; " : "")}{(removed.Count > 0 ? "revoked " + string.Join(", ", removed) : "")}", ct);
            }
        }
        return await GetAsync(actor, id, ct);
    }

    /// <summary>
    /// At first start (no admin yet) creates the admin from configuration, or with a generated password that
    /// <see cref="InitialAdminPassword"/> hands over (a 0600 file outside Development) and that must be changed at first
    /// sign-in. Warns when the bootstrap API key is still configured once an admin exists.
    /// </summary>
    public async Task EnsureFirstAdminAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var options = auth.Value;
        if (!await db.Users.AnyAsync(u => u.Role == Role.Admin, ct))
        {
            var generated = string.IsNullOrEmpty(options.AdminPassword);
            var password = generated ? GeneratePassword() : options.AdminPassword!;
            var user = new AppUser
            {
                UserName = options.AdminEmail, Email = options.AdminEmail, EmailConfirmed = true, Role = Role.Admin,
                DisplayName = "Administrator", CreatedAt = clock.GetUtcNow(), MustChangePassword = generated,
            };
            var result = await users.CreateAsync(user, password);
            if (!result.Succeeded)
                throw new InvalidOperationException($"Could not create the first admin ({options.AdminEmail}): {string.Join(" ", result.Errors.Select(e => e.Description))} Check Analytics:Auth:AdminPassword ({PasswordPolicy.Describe}).");
            if (generated) initialPassword.Announce(options.AdminEmail, password);
            logger.LogInformation("First admin {Email} created", options.AdminEmail);
            await audit.RecordAsync(null, "system", AuditActions.UserCreated, "user", user.Id,
                $"{options.AdminEmail}, role admin (first admin){(generated ? "; password generated, to be changed at first sign-in" : "; password from Analytics:Auth:AdminPassword")}", ct);
        }
        if (!string.IsNullOrEmpty(options.BootstrapApiKey))
            logger.LogWarning("Analytics:Auth:BootstrapApiKey is set and an admin exists: remove it. Anyone holding it acts as the first admin; " +
                              "create API keys under Account → API keys (or with this key, once) and then delete the setting.");
    }

    private async Task ValidateInstancesAsync(IReadOnlyCollection<string> ids, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        await using var db = await factory.CreateDbContextAsync(ct);
        var known = await db.Sources.Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(ct);
        var unknown = ids.Except(known).ToList();
        if (unknown.Count > 0) errors["instanceIds"] = [$"Unknown source ids: {string.Join(", ", unknown)}."];
    }

    private async Task ReplaceGrantsAsync(string userId, IReadOnlyCollection<string> instanceIds, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.InstanceGrants.Where(g => g.UserId == userId).ExecuteDeleteAsync(ct);
        db.InstanceGrants.AddRange(instanceIds.Select(s => new InstanceGrant { UserId = userId, SourceId = s }));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static string Describe(IReadOnlyCollection<string> instanceIds) =>
        instanceIds.Count == 0 ? "no instances" : "instances " + string.Join(", ", instanceIds.Order());

    private static UserView View(AppUser u, IEnumerable<string> grants) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.Role.ToWire(), grants.Order().ToList(), u.Disabled, u.CreatedAt, u.MustChangePassword);

    private static bool IsEmail(string value) =>
        value.Length is > 3 and <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value;

    /// <summary>A random password that meets <see cref="PasswordPolicy"/>: 20 characters (about 110 bits), both cases and digits.</summary>
    public static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string letters = upper + lower;
        const string digits = "23456789";
        var chars = new char[20];
        for (var i = 0; i < chars.Length; i++) chars[i] = letters[RandomNumberGenerator.GetInt32(letters.Length)];
        // Identity's rules want a lower-case letter and a digit; both cases make it easier to read back.
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[5] = '-';
        chars[10] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[14] = '-';
        chars[19] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        return new string(chars);
    }
}
