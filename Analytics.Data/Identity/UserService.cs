using System.Net.Mail;
using System.Security.Cryptography;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Identity;

public sealed record UserView(string Id, string Email, string DisplayName, string Role, IReadOnlyList<string> InstanceIds, bool Disabled, DateTimeOffset CreatedAt);

public sealed record CreateUserCommand(string? Email, string? DisplayName, string? Role, IReadOnlyList<string>? InstanceIds, string? Password);

public sealed record UpdateUserCommand(string? DisplayName, string? Role, IReadOnlyList<string>? InstanceIds, bool? Disabled);

public sealed record CreatedUser(UserView User, string? InitialPassword);

/// <summary>Users, roles and instance grants. Only admins manage users; the rules come from <see cref="Actor"/>.</summary>
public sealed class UserService(
    UserManager<AppUser> users,
    IDbContextFactory<AnalyticsDbContext> factory,
    IOptions<AuthOptions> auth,
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
        if (command.Password is { Length: > 0 and < 8 }) errors["password"] = ["Passwords need at least 8 characters."];
        if (errors.Count > 0) throw new ValidationException(errors);
        if (await users.FindByEmailAsync(email) is not null) throw new ConflictException($"A user with e-mail {email} already exists.");

        var password = string.IsNullOrEmpty(command.Password) ? GeneratePassword() : command.Password;
        var user = new AppUser
        {
            UserName = email, Email = email, EmailConfirmed = true, Role = role, CreatedAt = clock.GetUtcNow(),
            DisplayName = string.IsNullOrWhiteSpace(command.DisplayName) ? email.Split('@')[0] : command.DisplayName.Trim(),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded) throw new ValidationException("password", string.Join(" ", result.Errors.Select(e => e.Description)));
        await ReplaceGrantsAsync(user.Id, instanceIds, ct);
        logger.LogInformation("User {UserId} ({Role}) created by {Actor}", user.Id, role.ToWire(), actor.UserId);
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

        user.Role = role;
        if (!string.IsNullOrWhiteSpace(command.DisplayName)) user.DisplayName = command.DisplayName.Trim();
        if (command.Disabled is { } disabled) user.Disabled = disabled;
        var result = await users.UpdateAsync(user);
        if (!result.Succeeded) throw new ConflictException(string.Join(" ", result.Errors.Select(e => e.Description)));
        if (command.InstanceIds is not null) await ReplaceGrantsAsync(id, command.InstanceIds.Distinct().ToList(), ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>At first start (no admin yet) creates the admin from configuration, or with a generated password printed once.</summary>
    public async Task EnsureFirstAdminAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.Users.AnyAsync(u => u.Role == Role.Admin, ct)) return;
        var options = auth.Value;
        var generated = string.IsNullOrEmpty(options.AdminPassword);
        var password = generated ? GeneratePassword() : options.AdminPassword!;
        var user = new AppUser
        {
            UserName = options.AdminEmail, Email = options.AdminEmail, EmailConfirmed = true, Role = Role.Admin,
            DisplayName = "Administrator", CreatedAt = clock.GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create the first admin ({options.AdminEmail}): {string.Join(" ", result.Errors.Select(e => e.Description))} Check Analytics:Auth:AdminPassword.");
        if (generated)
        {
            // Printed once, on purpose, to the console: the only time this password is shown.
            Console.WriteLine($"""

                ============================================================
                  First admin created: {options.AdminEmail}
                  Password:            {password}
                  Shown once. Sign in and change it, or set Analytics:Auth:AdminPassword.
                ============================================================

                """);
        }
        logger.LogInformation("First admin {Email} created", options.AdminEmail);
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

    private static UserView View(AppUser u, IEnumerable<string> grants) =>
        new(u.Id, u.Email ?? "", u.DisplayName, u.Role.ToWire(), grants.Order().ToList(), u.Disabled, u.CreatedAt);

    private static bool IsEmail(string value) =>
        value.Length is > 3 and <= 254 && MailAddress.TryCreate(value, out var address) && address.Address == value;

    internal static string GeneratePassword()
    {
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string letters = upper + "abcdefghijkmnopqrstuvwxyz";
        const string digits = "23456789";
        var chars = new char[16];
        for (var i = 0; i < chars.Length; i++) chars[i] = letters[RandomNumberGenerator.GetInt32(letters.Length)];
        // Identity's default rules want both cases: random letters alone are all one case about once in 4,000.
        chars[0] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[1] = letters[upper.Length + RandomNumberGenerator.GetInt32(letters.Length - upper.Length)];
        chars[5] = '-';
        chars[10] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[15] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        return new string(chars);
    }
}
