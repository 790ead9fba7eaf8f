namespace Analytics.Web.Auth;

/// <summary>
/// What the sign-in and password pages say. Codes travel in the address after a redirect (<c>?error=invalid</c>);
/// a page rendered directly as the answer to a form post (429, 400) gets its message and field errors through
/// <see cref="HttpContext.Items"/>.
/// </summary>
public static class AccountMessages
{
    public const string MessageItem = "analytics.account.message";
    public const string ErrorsItem = "analytics.account.errors";
    public const string ReturnUrlItem = "analytics.account.returnUrl";

    /// <summary>One answer for unknown e-mail, wrong password, disabled and locked accounts: none reveals that an account exists.</summary>
    public const string Invalid = "That e-mail and password do not match an active account.";

    public const string Missing = "Enter your e-mail and password.";

    public const string Forced = "Your password was set by someone else. Choose your own to continue.";

    public static string TooManyAttempts(int seconds) => $"Too many attempts, try again in {seconds} s.";

    public static string? ForLogin(string? code) => code switch
    {
        null or "" => null,
        "missing" => Missing,
        _ => Invalid,
    };

    public static string? MessageOf(HttpContext? http) => http?.Items[MessageItem] as string;

    /// <summary>Where to go afterwards: the address's <c>returnUrl</c>, or the one the refused form post carried.</summary>
    public static string? ReturnUrlOf(HttpContext? http, string? fromQuery) => fromQuery ?? http?.Items[ReturnUrlItem] as string;

    public static IReadOnlyDictionary<string, string[]> ErrorsOf(HttpContext? http) =>
        http?.Items[ErrorsItem] as IReadOnlyDictionary<string, string[]> ?? new Dictionary<string, string[]>();
}
