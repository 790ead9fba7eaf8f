using System.Security.Cryptography;
using Analytics.Data.Audit;
using Analytics.Data.Identity;
using Analytics.Data.RateLimiting;
using Analytics.Domain.Access;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Auth;

public enum SignInStatus
{
    Succeeded,
    /// <summary>Signed in, but the password was chosen by someone else: the change form comes first.</summary>
    MustChangePassword,
    /// <summary>Unknown e-mail, wrong password, disabled or locked account: one answer for all.</summary>
    Failed,
    /// <summary>Too many attempts for this e-mail address; <see cref="SignInOutcome.RetryAfter"/> says when to try again.</summary>
    Throttled,
    Missing,
}

public sealed record SignInOutcome(SignInStatus Status, TimeSpan RetryAfter = default);

/// <summary>
/// Per-account sign-in limit (the e-mail as typed, normalized, whether or not the account exists) and the dummy hash
/// that makes an unknown or locked account cost what a wrong password costs. Singleton: the windows outlive requests.
/// </summary>
public sealed class SignInGuard(IOptions<RateLimitOptions> limits, IOptions<PasswordHasherOptions> hasherOptions) : IDisposable
{
    private readonly KeyedRateLimiter _perAccount = new(limits.Value.SignInPerAccount);
    private readonly PasswordHasher<AppUser> _hasher = new(hasherOptions);
    private readonly AppUser _nobody = new() { Id = "nobody" };
    private string? _dummyHash;

    public bool TryAcquire(string normalizedEmail, out TimeSpan retryAfter) => _perAccount.TryAcquire(normalizedEmail, out retryAfter);

    /// <summary>Verifies <paramref name="password"/> against a hash of a random password: the same work as a real check, always failing.</summary>
    public void SpendPasswordCheck(string password)
    {
        var hash = _dummyHash ??= _hasher.HashPassword(_nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        _hasher.VerifyHashedPassword(_nobody, hash, password);
    }

    public void Dispose() => _perAccount.Dispose();
}

/// <summary>
/// The password sign-in behind the form post: throttled per account, one answer and the same work for an unknown
/// e-mail, a wrong password, a disabled or a locked account, and every attempt in the audit trail (with the e-mail as
/// typed, never the password).
/// </summary>
public sealed class SignInService(SignInManager<AppUser> signIn, UserManager<AppUser> users, SignInGuard guard, AuditLog audit)
{
    public async Task<SignInOutcome> SignInAsync(string? email, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)) return new SignInOutcome(SignInStatus.Missing);
        var typed = email.Trim();
        if (!guard.TryAcquire(users.NormalizeEmail(typed) ?? typed, out var retryAfter)) return new SignInOutcome(SignInStatus.Throttled, retryAfter);

        var user = await users.FindByEmailAsync(typed);
        if (user is null || user.Disabled)
        {
            guard.SpendPasswordCheck(password);
            await audit.RecordAsync(null, typed, AuditActions.SignInFailed, "user", user?.Id, user is null ? "unknown e-mail" : "account disabled", ct);
            return new SignInOutcome(SignInStatus.Failed);
        }
        if (await users.IsLockedOutAsync(user))
        {
            // Identity would answer a locked account without checking the password, faster than any other failure.
            guard.SpendPasswordCheck(password);
            await audit.RecordAsync(null, typed, AuditActions.SignInLockedOut, "user", user.Id, "attempt while locked out", ct);
            return new SignInOutcome(SignInStatus.Failed);
        }
        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            await audit.RecordAsync(null, typed, AuditActions.SignInLockedOut, "user", user.Id, "locked out after too many wrong passwords", ct);
            return new SignInOutcome(SignInStatus.Failed);
        }
        if (!result.Succeeded)
        {
            await audit.RecordAsync(null, typed, AuditActions.SignInFailed, "user", user.Id, "wrong password", ct);
            return new SignInOutcome(SignInStatus.Failed);
        }
        await signIn.SignInAsync(user, isPersistent: true);
        await audit.RecordAsync(user.Id, user.DisplayName, AuditActions.SignIn, "user", user.Id, user.MustChangePassword ? "password must be changed" : null, ct);
        return new SignInOutcome(user.MustChangePassword ? SignInStatus.MustChangePassword : SignInStatus.Succeeded);
    }
}
