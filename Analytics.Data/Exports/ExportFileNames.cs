using System.Text;

namespace Analytics.Data.Exports;

/// <summary>File names for downloads and attachments: a readable slug of the title, ASCII only.</summary>
public static class ExportFileNames
{
    public static string Slug(string title)
    {
        var slug = new StringBuilder();
        foreach (var ch in title.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(ch)) slug.Append(char.ToLowerInvariant(ch));
            else if (slug.Length > 0 && slug[^1] != '-' && (char.IsWhiteSpace(ch) || ch is '-' or '_' or '.' or '/' or '–')) slug.Append('-');
        }
        var text = slug.ToString().Trim('-');
        if (text.Length > 60) text = text[..60].TrimEnd('-');
        return text.Length == 0 ? "export" : text;
    }

    public static string Unique(HashSet<string> used, string stem, string extension)
    {
        var name = stem + extension;
        for (var n = 2; !used.Add(name); n++) name = $"{stem}-{n}{extension}";
        return name;
    }
}
