using Analytics.Data.Audit;
using Analytics.Domain;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;

namespace Analytics.Data.Identity;

/// <summary>What an admin's reset produced: the generated password (shown once), or null when the admin gave one.</summary>
public sealed record PasswordResetResult(string UserId, string? GeneratedPassword);

/// <summary>
/// Passwords: a user changes their own (proving the current one), an admin resets anyone else's. Both give the
/// account a new security stamp, so every other session of that user ends; a reset also makes the user choose a
/// new password at their next sign-in. Both are audited (never with the password).
/// </summary>
public sealed class PasswordService(UserManager<AppUser> users, AuditLog audit, InitialAdminPassword initialPassword, TimeProvider clock)
{
    /// <summary>Changes the actor's own password. A wrong current password counts towards the account's lockout.</summary>
    public async Task ChangeAsync(Actor actor, string? currentPassword, string? newPassword, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(currentPassword)) errors["currentPassword"] = ["Enter your current password."];
        if (PasswordPolicy.LengthProblem(newPassword) is { } problem) errors["newPassword"] = [problem];
        else if (newPassword == currentPassword) errors["newPassword"] = ["Choose a password different from the current one."];
        if (errors.Count > 0) throw new ValidationException(errors);

        var user = await users.FindByIdAsync(actor.UserId) ?? throw new NotFoundException("User", actor.UserId);
        await EnsureNotLockedOutAsync(user);
        if (!await users.CheckPasswordAsync(user, currentPassword!))
        {
            await users.AccessFailedAsync(user);
            throw new ValidationException("currentPassword", "That is not your current password.");
        }
        // Saved together with the new hash and security stamp by ChangePasswordAsync, and only if it succeeds.
        user.MustChangePassword = false;
        var result = await users.ChangePasswordAsync(user, currentPassword!, newPassword!);
        if (!result.Succeeded) throw new ValidationException("newPassword", Describe(result));
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(actor, AuditActions.PasswordChanged, "user", user.Id, user.Email, ct);
        initialPassword.Forget(user.Email);
    }

    /// <summary>
    /// An admin sets another user's password (or has one generated, returned once). The user's sessions end, any
    /// lockout is lifted, and they must choose their own password at their next sign-in.
    /// </summary>
    public async Task<PasswordResetResult> ResetAsync(Actor actor, string userId, string? password, CancellationToken ct)
    {
        actor.EnsureAdmin("reset passwords");
        var user = await users.FindByIdAsync(userId) ?? throw new NotFoundException("User", userId);
        if (user.Id == actor.UserId)
            throw new ValidationException("userId", "Change your own password under Account → Password (it needs your current one).");
        var generated = string.IsNullOrEmpty(password);
        if (!generated && PasswordPolicy.LengthProblem(password) is { } problem) throw new ValidationException("password", problem);
        var chosen = generated ? UserService.GeneratePassword() : password!;

        user.MustChangePassword = true;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var result = await users.ResetPasswordAsync(user, token, chosen); // validates, hashes, new security stamp, one save
        if (!result.Succeeded) throw new ValidationException("password", Describe(result));
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(actor, AuditActions.PasswordReset, "user", user.Id,
            $"{user.Email}: password {(generated ? "generated" : "set by the admin")}, to be changed at next sign-in; sessions ended", ct);
        return new PasswordResetResult(user.Id, generated ? chosen : null);
    }

    private async Task EnsureNotLockedOutAsync(AppUser user)
    {
        if (!await users.IsLockedOutAsync(user)) return;
        var end = await users.GetLockoutEndDateAsync(user) ?? clock.GetUtcNow().AddMinutes(5);
        var wait = end - clock.GetUtcNow();
        throw new RateLimitedException("Too many wrong passwords: try again in a few minutes.", wait > TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1));
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
