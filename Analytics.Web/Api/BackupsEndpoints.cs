using Analytics.Data.Backup;

namespace Analytics.Web.Api;

/// <summary>
/// The scheduled backups of <c>Analytics:Backup:Directory</c>, admins only (the rule lives in <see cref="BackupHistory"/>):
/// <c>GET /backups</c> lists them newest first with size, time and outcome; <c>GET /backups/{name}/download</c> sends one.
/// </summary>
public static class BackupsEndpoints
{
    public sealed record BackupView(string Name, DateTimeOffset At, string Outcome, long? Bytes, long? Rows, double? Seconds, string? Error, bool Scheduled);

    public static RouteGroupBuilder MapBackupsEndpoints(this RouteGroupBuilder api)
    {
        var backups = api.MapGroup("/backups").WithTags("Backups");
        backups.MapGet("/", async (HttpContext http, BackupHistory history, CancellationToken ct) =>
        {
            var items = await history.ListAsync(http.Actor(), ct);
            return new PagedResponse<BackupView>(items.Select(e => new BackupView(e.Name, e.At, e.Outcome, e.Bytes, e.Rows, e.Seconds, e.Error, e.Scheduled)).ToList(), null);
        }).WithSummary("Backups in the backup directory (admins), newest first: size, time, outcome.");
        backups.MapGet("/{name}/download", DownloadAsync).WithSummary("Downloads one backup file (admins; audited).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/zip");
        return api;
    }

    /// <summary>The same download for the signed-in admin page (cookie).</summary>
    public static IEndpointRouteBuilder MapBackupDownloads(this IEndpointRouteBuilder app)
    {
        app.MapCookieDownload("/admin/backups/{name}/download", DownloadAsync).WithTags("Backups");
        return app;
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, BackupHistory history, string name, CancellationToken ct)
    {
        var download = await history.OpenAsync(http.Actor(), name, ct);
        return Downloads.File(http, download.Content, "application/zip", download.FileName, download);
    }
}
