namespace Analytics.Domain.Access;

/// <summary>
/// The one password rule of the app: Identity's options, the user and password services and the pages all read it
/// here. Length is what matters (NIST SP 800-63B); Identity's defaults add a digit and a lower-case letter.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;

    public const int MaxLength = 256;

    public static string Describe => $"at least {MinLength} characters, with a digit and a lower-case letter";

    /// <summary>A length problem in words, or null when the length is fine (the other rules are Identity's validators).</summary>
    public static string? LengthProblem(string? password) => password switch
    {
        null or "" => "Enter a password.",
        { Length: < MinLength } => $"Passwords need at least {MinLength} characters.",
        { Length: > MaxLength } => $"Passwords have at most {MaxLength} characters.",
        _ => null,
    };
}
