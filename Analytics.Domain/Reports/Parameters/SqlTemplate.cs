using System.Globalization;
using System.Text;

namespace Analytics.Domain.Reports.Parameters;

/// <summary>
/// A template's SQL split into text and <c>{{name}}</c> placeholders (<c>{{range.start}}</c>/<c>{{range.end}}</c> for
/// date ranges). The split knows SQL's quoting — '…' strings, "…" identifiers, -- and /* */ comments — so a
/// placeholder can only stand where a value can: one inside quotes or a comment is an error, not a substitution.
/// Values never enter the text by concatenation: <see cref="RenderBound"/> turns each into parameters, and
/// <see cref="RenderAmc"/> into literals by <see cref="SqlLiterals"/>, the one quoting routine.
/// </summary>
public sealed class SqlTemplate
{
    private readonly List<Segment> _segments;

    private SqlTemplate(List<Segment> segments) => _segments = segments;

    public IEnumerable<string> Placeholders => _segments.Where(s => s.IsPlaceholder).Select(s => s.Text).Distinct();

    public static SqlTemplate Parse(string sql)
    {
        var segments = new List<Segment>();
        var text = new StringBuilder();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (true)
                {
                    if (end >= sql.Length) throw Error($"The quote opened at {i + 1} is never closed.");
                    if (sql[end] == c)
                    {
                        if (end + 1 < sql.Length && sql[end + 1] == c) { end += 2; continue; }
                        break;
                    }
                    end++;
                }
                var quoted = sql[i..(end + 1)];
                if (quoted.Contains("{{", StringComparison.Ordinal)) throw Error($"A placeholder inside quotes at {i + 1}: write {{{{name}}}} without quotes; values are quoted for you.");
                text.Append(quoted);
                i = end + 1;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                var end = sql.IndexOf('\n', i);
                end = end < 0 ? sql.Length : end;
                if (sql[i..end].Contains("{{", StringComparison.Ordinal)) throw Error($"A placeholder inside a comment at {i + 1}.");
                text.Append(' ');
                i = end;
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw Error($"The comment opened at {i + 1} is never closed.");
                if (sql[i..end].Contains("{{", StringComparison.Ordinal)) throw Error($"A placeholder inside a comment at {i + 1}.");
                text.Append(' ');
                i = end + 2;
            }
            else if (c == '{' && i + 1 < sql.Length && sql[i + 1] == '{')
            {
                var end = sql.IndexOf("}}", i + 2, StringComparison.Ordinal);
                if (end < 0) throw Error($"The placeholder opened at {i + 1} is never closed.");
                var name = sql[(i + 2)..end].Trim();
                if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.'))
                    throw Error($"'{name}' at {i + 1} is not a parameter name.");
                segments.Add(new Segment(text.ToString(), false));
                text.Clear();
                segments.Add(new Segment(name, true));
                i = end + 2;
            }
            else
            {
                text.Append(c);
                i++;
            }
        }
        segments.Add(new Segment(text.ToString(), false));
        return new SqlTemplate(segments);
    }

    /// <summary>For SQL sources: placeholders become <c>@p0</c>…, lists <c>(@p1_0, @p1_1)</c>; values go in <paramref name="parameters"/>.</summary>
    public string RenderBound(IReadOnlyDictionary<string, ParameterValue> values, out IReadOnlyDictionary<string, object> parameters)
    {
        var bound = new Dictionary<string, object>(StringComparer.Ordinal);
        var sql = Render(values, (placeholder, item, value) =>
        {
            var name = "@p" + placeholder.ToString(CultureInfo.InvariantCulture) + (item is { } i ? "_" + i.ToString(CultureInfo.InvariantCulture) : "");
            bound[name] = value;
            return name;
        });
        parameters = bound;
        return sql;
    }

    /// <summary>
    /// For drivers that send the text as is (PostgreSQL's extended protocol): placeholders become <c>$1</c>, <c>$2</c>…
    /// in order, lists <c>($3, $4)</c>; <paramref name="parameters"/> holds the values in that order.
    /// </summary>
    public string RenderPositional(IReadOnlyDictionary<string, ParameterValue> values, out IReadOnlyList<object> parameters)
    {
        var bound = new List<object>();
        var sql = Render(values, (_, _, value) =>
        {
            bound.Add(value);
            return "$" + bound.Count.ToString(CultureInfo.InvariantCulture);
        });
        parameters = bound;
        return sql;
    }

    /// <summary>The text with each value replaced by what <paramref name="bind"/> (placeholder index, list item index, value) names it.</summary>
    private string Render(IReadOnlyDictionary<string, ParameterValue> values, Func<int, int?, object, string> bind)
    {
        var sql = new StringBuilder();
        var index = 0;
        foreach (var segment in _segments)
        {
            if (!segment.IsPlaceholder) { sql.Append(segment.Text); continue; }
            var value = Resolve(segment.Text, values);
            var placeholder = index++;
            if (value is System.Collections.IList list)
            {
                if (list.Count == 0) { sql.Append("(NULL)"); continue; }
                sql.Append('(');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0) sql.Append(", ");
                    sql.Append(bind(placeholder, i, ToDbValue(list[i]!)));
                }
                sql.Append(')');
            }
            else
            {
                sql.Append(bind(placeholder, null, ToDbValue(value)));
            }
        }
        return sql.ToString().Trim();
    }

    /// <summary>For AMC, which takes no bound parameters: literals, on one line, without a trailing semicolon.</summary>
    public string RenderAmc(IReadOnlyDictionary<string, ParameterValue> values)
    {
        var sql = new StringBuilder();
        foreach (var segment in _segments)
        {
            sql.Append(segment.IsPlaceholder ? SqlLiterals.Render(Resolve(segment.Text, values)) : segment.Text);
        }
        return SqlLiterals.OneLine(sql.ToString());
    }

    private static object Resolve(string placeholder, IReadOnlyDictionary<string, ParameterValue> values)
    {
        var dot = placeholder.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? placeholder : placeholder[..dot];
        if (!values.TryGetValue(name, out var value)) throw new ValidationException($"parameters.{name}", $"The SQL uses {{{{{placeholder}}}}}, which has no value.");
        if (dot < 0) return value.Value is DateSpan ? throw new ValidationException($"parameters.{name}", $"Use {{{{{name}.start}}}} and {{{{{name}.end}}}} for a date range.") : value.Value;
        return (value.Value, placeholder[(dot + 1)..]) switch
        {
            (DateSpan span, "start") => span.Start,
            (DateSpan span, "end") => span.End,
            _ => throw new ValidationException($"parameters.{name}", $"{{{{{placeholder}}}}}: only date ranges have .start and .end."),
        };
    }

    /// <summary>Values as bound: dates stay <see cref="DateOnly"/> (a provider that types them, such as PostgreSQL, keeps
    /// them dates); <see cref="SqlValues.Untyped"/> turns them into text and numbers for SQLite.</summary>
    private static object ToDbValue(object value) => value;

    private static ValidationException Error(string message) => new("sql", message);

    private sealed record Segment(string Text, bool IsPlaceholder);
}

/// <summary>How bound values reach a database without date or decimal types (SQLite): dates as ISO text, decimals as doubles.</summary>
public static class SqlValues
{
    public static object Untyped(object value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        decimal m => (double)m,
        _ => value,
    };
}

/// <summary>The one place values become SQL literals (for AMC): strings single-quoted with quotes doubled.</summary>
public static class SqlLiterals
{
    public static string Render(object value) => value switch
    {
        string s => Quote(s),
        DateOnly d => Quote(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        long or int => System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        System.Collections.IList { Count: 0 } => "(NULL)",
        System.Collections.IList list => "(" + string.Join(", ", list.Cast<object>().Select(Render)) + ")",
        _ => throw new ArgumentException($"No literal form for {value.GetType().Name}."),
    };

    /// <summary>
    /// Single quotes around the text, every <c>'</c> doubled. Values were checked for control characters and broken
    /// Unicode already; look-alike quotes (’ ＇) are ordinary characters inside a SQL string and stay inside it.
    /// </summary>
    public static string Quote(string text)
    {
        foreach (var c in text)
            if (char.IsControl(c)) throw new ArgumentException("Control characters cannot be quoted into AMC SQL.");
        return "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>AMC wants one line: whitespace outside literals collapsed, no trailing semicolon. Comments were dropped at parse time.</summary>
    public static string OneLine(string sql)
    {
        var result = new StringBuilder(sql.Length);
        var quote = '\0';
        var space = false;
        foreach (var c in sql)
        {
            if (quote != '\0')
            {
                if (c is '\n' or '\r' or '\t') throw new ValidationException("sql", "AMC SQL is one line: a quoted text in the template spans lines.");
                result.Append(c);
                if (c == quote) quote = '\0'; // a doubled quote closes and reopens: same text
                continue;
            }
            if (c is '\'' or '"') { if (space && result.Length > 0) result.Append(' '); space = false; quote = c; result.Append(c); continue; }
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && result.Length > 0) result.Append(' ');
            space = false;
            result.Append(c);
        }
        var text = result.ToString().TrimEnd();
        while (text.EndsWith(';')) text = text[..^1].TrimEnd();
        return text;
    }
}
