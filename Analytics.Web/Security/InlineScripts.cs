using System.Security.Cryptography;
using System.Text;

namespace Analytics.Web.Security;

/// <summary>
/// The page's inline scripts, in one place: <c>App.razor</c> renders them from here (<see cref="Tag"/>) and the
/// Content-Security-Policy allows exactly these texts by their SHA-256 (<see cref="Hashes"/>), so the two cannot drift
/// apart. An inline script written anywhere else is blocked by the browser.
/// </summary>
public static class InlineScripts
{
    /// <summary>A dashboard with charts: fetch and compile ECharts while the circuit connects, not after the widgets' data arrives.</summary>
    public const string ChartPreload =
        "if (document.querySelector('[data-chart]')) import('./js/charts.js').then(m => m.ensureEcharts()).catch(() => { });";


    public static IReadOnlyList<string> All { get; } = [ChartPreload];

    /// <summary>CSP source expressions (<c>'sha256-…'</c>) of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Hashes { get; } = All.Select(Hash).ToList();

    /// <summary>The element as the page renders it: exactly the hashed text between the tags.</summary>
    public static string Tag(string script) => $"<script>{script}</script>";

    public static string Hash(string script) => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'";
}
