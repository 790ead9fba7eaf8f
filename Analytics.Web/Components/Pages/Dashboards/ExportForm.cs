using Analytics.Data.Dashboards;
using Analytics.Data.Subscriptions;
using Analytics.Domain.Exports;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>
/// The export dialog's choices, without a browser: the format, the PDF's page size, orientation and executive summary,
/// widget results or underlying rows (tables), and for "e-mail this now" the recipients. It turns them into the
/// download link's query and into the e-mail request; the server validates both again.
/// </summary>
public sealed class ExportForm
{
    public sealed record FormatChoice(string Value, string Text);

    /// <summary>The portable dashboard document, not an export of numbers: downloads only.</summary>
    public const string Json = "json";

    public static IReadOnlyList<FormatChoice> Formats { get; } =
    [
        new("pdf", "PDF (vector charts)"),
        new("xlsx", "Excel (.xlsx)"),
        new("csv", "CSV"),
        new(Json, "JSON (the dashboard, to import elsewhere)"),
    ];

    public ExportForm(bool email) => Email = email;

    /// <summary>True for "e-mail this now" (recipients, no JSON); false for a download.</summary>
    public bool Email { get; }

    public string Format { get; set; } = "pdf";
    public ExportPageSize PageSize { get; set; } = ExportPageSize.A4;
    public ExportOrientation Orientation { get; set; } = ExportOrientation.Landscape;
    public bool Summary { get; set; }
    /// <summary>The stored rows behind the widgets instead of the widgets' results (xlsx, csv downloads).</summary>
    public bool Underlying { get; set; }
    /// <summary>Addresses separated by commas, semicolons, spaces or new lines.</summary>
    public string Recipients { get; set; } = "";

    public IEnumerable<FormatChoice> AvailableFormats => Email ? Formats.Where(f => f.Value != Json) : Formats;

    /// <summary>Page size, orientation and the summary page shape a PDF only.</summary>
    public bool HasPages => Format == "pdf";

    /// <summary>Widget results or underlying rows: tables only, and only as a download.</summary>
    public bool HasRows => !Email && Format is "xlsx" or "csv";

    public ExportPageOptions Page => new(PageSize, Orientation);

    public IReadOnlyList<string> RecipientList =>
        Recipients.Split([',', ';', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The download address: <paramref name="linkFor"/> gives the dashboard's link for a format under the filters on
    /// screen; the options are added to it. The JSON document carries no filters.
    /// </summary>
    public string DownloadLink(string dashboardId, Func<string, string> linkFor)
    {
        if (Format == Json) return $"/downloads/dashboards/{Uri.EscapeDataString(dashboardId)}?format={Json}";
        var link = linkFor(Format);
        if (HasPages) link += "&" + Page.ToQuery() + (Summary ? "&summary=true" : "");
        if (HasRows && Underlying) link += "&rows=underlying";
        return link;
    }

    /// <summary>The e-mail request for the dashboard as filtered on screen (<paramref name="data"/>).</summary>
    public DashboardEmailInput ToEmailInput(DashboardDataRequest data) => new(
        RecipientList.ToList(), Format,
        HasPages ? PageSize.ToString().ToLowerInvariant() : null, HasPages ? Orientation.ToString().ToLowerInvariant() : null, null, HasPages && Summary,
        null, data.Start, data.End, data.Preset,
        data.Filters?.ToDictionary(f => f.Key, f => f.Value.ToList()));

    /// <summary>The server's messages for a field: <c>recipients</c> also gathers <c>recipients[i]</c>.</summary>
    public static string? ErrorFor(IReadOnlyDictionary<string, string[]> errors, string field)
    {
        var messages = errors.Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal)).SelectMany(e => e.Value).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }
}
