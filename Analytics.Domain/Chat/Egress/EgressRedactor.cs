using System.Text.RegularExpressions;

namespace Analytics.Domain.Chat.Egress;

/// <summary>
/// Removes identifiers an outside model never needs, whatever the mode: e-mail addresses, API keys (ours, <c>ak_…</c>,
/// and the usual provider shapes), bearer tokens, connection strings and the asking user's id. Applied to every text
/// that leaves: prompts, the conversation so far, tool results and error texts.
/// </summary>
public sealed partial class EgressRedactor(IEnumerable<string>? userIds = null)
{
    public const string Email = "[email]";
    public const string Key = "[api key]";
    public const string Token = "[token]";
    public const string ConnectionString = "[connection string]";
    public const string UserId = "[user id]";

    private readonly string[] _userIds = (userIds ?? []).Where(u => u.Length >= 8).Distinct(StringComparer.Ordinal).ToArray();

    // Order matters: connection strings before e-mails (a password may contain @), bearer tokens before bare keys.
    [GeneratedRegex(@"(?:(?:Host|Server|Data Source|Address|Addr|Network Address|Port|Database|Initial Catalog|User ID|UID|Username|User|Password|PWD|AccountKey|SharedAccessKey|Endpoint)\s*=\s*[^;\r\n""]*;?\s*){2,}", RegexOptions.IgnoreCase)]
    private static partial Regex ConnectionStringPattern();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s/@]+@[^\s/""']+[^\s""']*", RegexOptions.IgnoreCase)]
    private static partial Regex UrlWithCredentialsPattern();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase)]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"\b(?:ak_[A-Za-z0-9]{16,}|sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}|AKIA[0-9A-Z]{16}|ghp_[A-Za-z0-9]{30,}|xox[abpr]-[A-Za-z0-9-]{10,}|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"\b(api[_-]?key|secret|client[_-]?secret|access[_-]?token|password)(\s*[:=]\s*)(""?)[^\s""',;]{6,}\3", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledSecretPattern();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")]
    private static partial Regex EmailPattern();

    /// <summary>Redaction of every string inside a JSON document (the document stays valid JSON); text that is not JSON is redacted as text.</summary>
    public (string Json, int Count) RedactJson(string json)
    {
        var count = 0;
        var result = EgressJson.MapStrings(json, s =>
        {
            var (text, n) = Redact(s);
            count += n;
            return text;
        }, fallback: s =>
        {
            var (text, n) = Redact(s);
            count += n;
            return text;
        });
        return (result, count);
    }

    /// <summary>The text with identifiers replaced by placeholders, and how many were replaced.</summary>
    public (string Text, int Count) Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return (text, 0);
        var count = 0;
        string Count(string placeholder) { count++; return placeholder; }
        text = ConnectionStringPattern().Replace(text, _ => Count(ConnectionString + " "));
        text = UrlWithCredentialsPattern().Replace(text, _ => Count(ConnectionString));
        text = BearerPattern().Replace(text, _ => Count("Bearer " + Token));
        text = KeyPattern().Replace(text, _ => Count(Key));
        text = LabelledSecretPattern().Replace(text, m => Count(m.Groups[1].Value + m.Groups[2].Value + Key));
        text = EmailPattern().Replace(text, _ => Count(Email));
        foreach (var id in _userIds)
        {
            var at = text.IndexOf(id, StringComparison.OrdinalIgnoreCase);
            while (at >= 0)
            {
                text = string.Concat(text.AsSpan(0, at), UserId, text.AsSpan(at + id.Length));
                count++;
                at = text.IndexOf(id, at + UserId.Length, StringComparison.OrdinalIgnoreCase);
            }
        }
        return (text, count);
    }
}
