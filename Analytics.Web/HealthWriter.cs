using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Analytics.Web;

/// <summary><c>/healthz</c>: 200 when the app, its database and its scheduler are healthy, 503 otherwise, with each check's state.</summary>
internal static class HealthWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            totalMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
            }),
        }, JsonSerializerOptions.Web));
    }
}
